import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openPglite } from '../../src/store/pglite-db.js';
import { freePort } from '../helpers/free-port.js';

const BIN = join(process.cwd(), 'bin', 'holdfast.js');
const CLI_NAME = `cli:${userInfo().username}`;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-cli-audit-'));
  dirs.push(dir);
  return dir;
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `holdfast` executable with a clean environment plus `env` (asynchronously: a server may be answering in a child). */
function holdfast(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A `--json` command's printed object: the log's lines (a master key generated on first use, …) may come before or after it. */
function lastJson(run: Run): Record<string, unknown> {
  const printed = run.stdout
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('{') && !line.startsWith('{"level":'))
    .at(-1);
  assert.ok(printed, `no JSON printed:\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(printed) as Record<string, unknown>;
}

/** One string field of what a `--json` command printed. */
function printedString(run: Run, field: string): string {
  const value = lastJson(run)[field];
  assert.equal(typeof value, 'string', `${field} in ${run.stdout}`);
  return value as string;
}

interface AuditRow {
  actor_kind: string;
  actor_name: string;
  action: string;
  target_id: string | null;
  merchant_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
}

async function withDb<T>(dataDir: string, work: (db: Awaited<ReturnType<typeof openPglite>>) => Promise<T>): Promise<T> {
  const db = await openPglite(join(dataDir, 'pgdata'));
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

const auditRows = (dataDir: string) =>
  withDb(dataDir, (db) =>
    db.query<AuditRow>(
      `select actor_kind, actor_name, action, target_id, merchant_id, before, after, request_id
       from audit_log where action not in ('admin_token.create', 'operator.create') order by id`,
    ),
  );

/** `holdfast start` on `dataDir` until its banner is out; stopped by the returned function. */
async function startServer(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const server: ChildProcess = spawn(process.execPath, [BIN, 'start'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOLDFAST_DATA_DIR: dataDir,
      PORT: String(port),
      HOLDFAST_METRICS_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (server.exitCode !== null) return;
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  };
  const deadline = Date.now() + 300_000;
  while (!output.includes('Metrics:') && server.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!output.includes('Metrics:')) {
    await stop();
    assert.fail(`holdfast start did not come up:\n${output}`);
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}

describe('CLI changes go through the admin API’s functions and are audited as the CLI', () => {
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('merchant create, set-webhook, disable, enable and redirect-keys each write an audit entry with the CLI actor and before/after', async () => {
    const dataDir = tempDir();
    const env = { HOLDFAST_DATA_DIR: dataDir };
    const created = await holdfast(['merchant', 'create', '--name', 'Audited', '--webhook-url', 'http://127.0.0.1:9/old', '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    const merchantId = printedString(created, 'merchant_id');

    const hook = await holdfast(
      ['merchant', 'set-webhook', '--merchant', merchantId, '--url', 'http://127.0.0.1:9/new', '--basic-auth', 'user:secret-pass'],
      env,
    );
    assert.equal(hook.code, 0, hook.stderr);
    assert.match(hook.stdout, /go to http:\/\/127\.0\.0\.1:9\/new/);
    const disabled = await holdfast(['merchant', 'disable', '--merchant', merchantId], env);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match(disabled.stdout, /disabled/);
    const enabled = await holdfast(['merchant', 'enable', '--merchant', merchantId], env);
    assert.equal(enabled.code, 0, enabled.stderr);
    const keys = await holdfast(['merchant', 'redirect-keys', '--merchant', merchantId, '--json'], env);
    assert.equal(keys.code, 0, keys.stderr);
    const unknown = await holdfast(['merchant', 'disable', '--merchant', 'mer_nobody'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no merchant mer_nobody/);

    const rows = await auditRows(dataDir);
    assert.deepEqual(
      rows.map((r) => [r.action, r.actor_kind, r.actor_name, r.merchant_id]),
      [
        ['merchant.create', 'cli', CLI_NAME, merchantId],
        ['merchant.update', 'cli', CLI_NAME, merchantId],
        ['merchant.update', 'cli', CLI_NAME, merchantId],
        ['merchant.update', 'cli', CLI_NAME, merchantId],
        ['credential.rotate', 'cli', CLI_NAME, merchantId],
      ],
    );
    const [create, webhook, disable, enable, rotate] = rows as [AuditRow, AuditRow, AuditRow, AuditRow, AuditRow];
    assert.equal(create.before, null);
    assert.deepEqual([create.after!.name, create.after!.webhook_url], ['Audited', 'http://127.0.0.1:9/old']);
    assert.deepEqual(
      [
        webhook.before!.webhook_url,
        webhook.before!.webhook_basic_auth_set,
        webhook.after!.webhook_url,
        webhook.after!.webhook_basic_auth_set,
      ],
      ['http://127.0.0.1:9/old', false, 'http://127.0.0.1:9/new', true],
    );
    assert.ok(!JSON.stringify(webhook).includes('secret-pass'), 'never the Basic credentials themselves');
    assert.equal(disable.before!.disabled_at, null);
    assert.equal(typeof disable.after!.disabled_at, 'string');
    assert.equal(enable.before!.disabled_at, disable.after!.disabled_at);
    assert.equal(enable.after!.disabled_at, null);
    assert.equal(rotate.after!.kind, 'redirect_keys');
    assert.equal(rotate.after!.overlap_seconds, 0);
    const redirectSecret = printedString(keys, 'pinelabs_redirect_secret');
    assert.ok(!JSON.stringify(rows).includes(redirectSecret), 'never a secret in the log');
  });

  it('routing set and clear, and keys rotate, are audited as the CLI with before/after (ids only, never a key)', async () => {
    const dataDir = tempDir();
    const env = { HOLDFAST_DATA_DIR: dataDir };
    const created = await holdfast(['merchant', 'create', '--name', 'Routed', '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    const merchantId = printedString(created, 'merchant_id');
    const added = await holdfast(['gateway', 'add', '--merchant', merchantId, '--name', 'sb', '--kind', 'sandbox', '--json'], env);
    assert.equal(added.code, 0, added.stderr);
    const accountId = printedString(added, 'id');
    const rulesFile = join(dataDir, 'rules.json');
    writeFileSync(rulesFile, JSON.stringify({ rules: [], default: ['sb'] }));
    const set = await holdfast(['routing', 'set', '--merchant', merchantId, '--file', rulesFile], env);
    assert.equal(set.code, 0, set.stderr);
    const cleared = await holdfast(['routing', 'clear', '--merchant', merchantId], env);
    assert.equal(cleared.code, 0, cleared.stderr);
    const rotated = await holdfast(['keys', 'rotate', '--json'], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    const report = { tokenSigningKey: printedString(rotated, 'tokenSigningKey'), encryptionKey: printedString(rotated, 'encryptionKey') };

    const rows = (await auditRows(dataDir)).filter((r) => r.action.startsWith('routing_rules.') || r.action === 'data_keys.rotate');
    assert.deepEqual(
      rows.map((r) => [r.action, r.actor_kind, r.actor_name, r.merchant_id]),
      [
        ['routing_rules.set', 'cli', CLI_NAME, merchantId],
        ['routing_rules.clear', 'cli', CLI_NAME, merchantId],
        ['data_keys.rotate', 'cli', CLI_NAME, null],
      ],
    );
    const [setEntry, clearEntry, keysEntry] = rows as [AuditRow, AuditRow, AuditRow];
    assert.equal(setEntry.before, null);
    assert.deepEqual(setEntry.after!.default, [accountId], 'the rules as stored, accounts by id');
    assert.deepEqual(clearEntry.before!.default, [accountId]);
    assert.equal(clearEntry.after, null);
    assert.deepEqual((keysEntry.after!.current as string[]).sort(), [report.encryptionKey, report.tokenSigningKey].sort());
    assert.equal((keysEntry.before!.current as string[]).length, 2);
    const sealed = await withDb(dataDir, (db) => db.query<{ sealed: string }>('select sealed from data_keys'));
    for (const key of sealed) assert.ok(!JSON.stringify(keysEntry).includes(key.sealed), 'never a key in the log');
  });

  it('with HOLDFAST_ADMIN_URL and HOLDFAST_ADMIN_TOKEN, changes go to the running server’s admin API, audited as the token; a viewer token is refused and changes nothing', async () => {
    const dataDir = tempDir();
    const env = { HOLDFAST_DATA_DIR: dataDir };
    const adminToken = await holdfast(['admin', 'token', 'create', '--name', 'deploy-bot', '--role', 'admin', '--json'], env);
    assert.equal(adminToken.code, 0, adminToken.stderr);
    const viewerToken = await holdfast(['admin', 'token', 'create', '--name', 'watcher', '--role', 'viewer', '--json'], env);
    assert.equal(viewerToken.code, 0, viewerToken.stderr);
    const admin = { token: printedString(adminToken, 'token') };
    const viewer = { token: printedString(viewerToken, 'token') };

    const server = await startServer(dataDir);
    let merchantId: string;
    try {
      const held = await holdfast(['merchant', 'create', '--name', 'Blocked', '--json'], env);
      assert.equal(held.code, 1);
      assert.match(held.stderr, /in use by another Holdfast process/);
      assert.match(held.stderr, /HOLDFAST_ADMIN_URL/);
      assert.match(held.stderr, /HOLDFAST_ADMIN_TOKEN/);
      const halfSet = await holdfast(['merchant', 'create', '--name', 'Half', '--json'], { ...env, HOLDFAST_ADMIN_URL: server.url });
      assert.equal(halfSet.code, 1);
      assert.match(halfSet.stderr, /set both HOLDFAST_ADMIN_URL and HOLDFAST_ADMIN_TOKEN/);

      const asAdmin = { ...env, HOLDFAST_ADMIN_URL: server.url, HOLDFAST_ADMIN_TOKEN: admin.token };
      const created = await holdfast(['merchant', 'create', '--name', 'Remote', '--capture-window', '2d', '--json'], asAdmin);
      assert.equal(created.code, 0, created.stderr);
      const credentials = lastJson(created);
      assert.deepEqual(Object.keys(credentials).sort(), [
        'api_key',
        'client_id',
        'client_secret',
        'juspay_response_key',
        'merchant_id',
        'pinelabs_redirect_secret',
        'webhook_secret',
      ]);
      merchantId = printedString(created, 'merchant_id');
      const token = await fetch(`${server.url}/api/auth/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: credentials.client_id,
          client_secret: credentials.client_secret,
          grant_type: 'client_credentials',
        }),
      });
      assert.equal(token.status, 200, 'the running server knows the new merchant at once');

      const hook = await holdfast(['merchant', 'set-webhook', '--merchant', merchantId, '--url', 'http://127.0.0.1:9/remote'], asAdmin);
      assert.equal(hook.code, 0, hook.stderr);
      assert.match(hook.stdout, /go to http:\/\/127\.0\.0\.1:9\/remote/);
      const missing = await holdfast(['webhooks', 'replay', 'msg_doesnotexist'], asAdmin);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /No webhook event msg_doesnotexist \(admin API: 404 not_found\)/);

      const asViewer = { ...env, HOLDFAST_ADMIN_URL: server.url, HOLDFAST_ADMIN_TOKEN: viewer.token };
      for (const args of [
        ['merchant', 'create', '--name', 'Nope', '--json'],
        ['merchant', 'disable', '--merchant', merchantId],
        ['merchant', 'set-webhook', '--merchant', merchantId, '--none'],
        ['merchant', 'redirect-keys', '--merchant', merchantId],
      ]) {
        const refused = await holdfast(args, asViewer);
        assert.equal(refused.code, 1, args.join(' '));
        assert.match(refused.stderr, /This needs the admin role; you have viewer \(admin API: 403 forbidden\)/, args.join(' '));
      }
      const replay = await holdfast(['webhooks', 'replay', 'msg_doesnotexist'], asViewer);
      assert.match(replay.stderr, /This needs the support role; you have viewer \(admin API: 403 forbidden\)/);

      const bad = await holdfast(['merchant', 'create', '--name', 'Bad', '--json'], {
        ...asAdmin,
        HOLDFAST_ADMIN_TOKEN: 'hfa_not-a-token',
      });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /\(admin API: 401 unauthenticated\)/);

      const merchant = await fetch(`${server.url}/admin/v1/merchants/${merchantId}`, {
        headers: { authorization: `Bearer ${admin.token}` },
      });
      const view = (await merchant.json()) as { webhook_url: string | null; disabled_at: string | null; capture_window_seconds: number };
      assert.deepEqual([view.webhook_url, view.disabled_at, view.capture_window_seconds], ['http://127.0.0.1:9/remote', null, 172_800]);
    } finally {
      await server.stop();
    }

    await withDb(dataDir, async (db) => {
      const names = await db.query<{ name: string }>('select name from merchants order by created_at');
      assert.ok(names.some((m) => m.name === 'Remote'));
      assert.ok(!names.some((m) => ['Blocked', 'Half', 'Nope', 'Bad'].includes(m.name)), 'the refused creations stored nothing');
    });
    const rows = (await auditRows(dataDir)).filter((r) => r.merchant_id === merchantId);
    assert.deepEqual(
      rows.map((r) => [r.action, r.actor_kind, r.actor_name]),
      [
        ['merchant.create', 'token', 'deploy-bot'],
        ['merchant.update', 'token', 'deploy-bot'],
      ],
    );
    assert.match(rows[0]!.request_id ?? '', /^cli-/);
    assert.deepEqual([rows[1]!.before!.webhook_url, rows[1]!.after!.webhook_url], [null, 'http://127.0.0.1:9/remote']);
  });
});
