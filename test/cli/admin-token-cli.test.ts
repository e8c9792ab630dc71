import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openPglite } from '../../src/store/pglite-db.js';
import { startHoldfastProcess, type HoldfastProcess } from '../helpers/holdfast-process.js';
import { TEST_MASTER_KEY } from '../helpers/test-database.js';

const BIN = join(process.cwd(), 'bin', 'holdfast.js');
const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-admin-token-'));

/** The real `holdfast` executable on this file's data directory (the embedded database). */
function holdfast(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOLDFAST_DATA_DIR: dataDir, HOLDFAST_MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** An admin API call with a bearer token. */
async function adminApi(baseUrl: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('holdfast admin token create', () => {
  let server: HoldfastProcess | undefined;
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let issuedViewer: { id: string; token: string } | undefined;
  let issuedAdmin: { id: string; token: string } | undefined;

  it('prints the token once, and stores only its hash', async () => {
    const plain = holdfast(['admin', 'token', 'create', '--name', 'Reporting', '--role', 'viewer']);
    assert.equal(plain.code, 0, plain.stderr);
    const lines = plain.stdout.trim().split('\n');
    const heading = /^Admin token (at_[A-Za-z0-9]{16}) \(Reporting, viewer\); shown once, stored only hashed:$/.exec(lines.at(-2) ?? '');
    assert.ok(heading, plain.stdout);
    const viewerToken = lines.at(-1)!;
    assert.match(viewerToken, /^hfa_at_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{40,}$/);
    assert.ok(viewerToken.startsWith(`hfa_${heading[1]}_`));
    assert.equal(count(plain.stdout + plain.stderr, viewerToken), 1, 'printed once');
    const viewer = { id: heading[1]!, token: viewerToken };
    issuedViewer = viewer;

    const json = holdfast(['admin', 'token', 'create', '--name', 'Deploys', '--role', 'admin', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const issued = JSON.parse(json.stdout.trim().split('\n').at(-1)!);
    assert.deepEqual(Object.keys(issued).sort(), ['id', 'merchant_ids', 'name', 'role', 'token']);
    assert.deepEqual([issued.name, issued.role, issued.merchant_ids], ['Deploys', 'admin', null]);
    assert.equal(count(json.stdout + json.stderr, issued.token), 1, 'printed once');
    const admin = { id: issued.id as string, token: issued.token as string };
    issuedAdmin = admin;

    for (const [args, message] of [
      [['--name', 'X', '--role', 'owner'], /--role must be admin, support or viewer/],
      [['--role', 'viewer'], /--name is required/],
    ] as const) {
      const refused = holdfast(['admin', 'token', 'create', ...args]);
      assert.equal(refused.code, 1, `${args.join(' ')}: ${refused.stdout}`);
      assert.match(refused.stderr, message);
    }

    const db = await openPglite(join(dataDir, 'pgdata'));
    try {
      const rows = await db.query<{ id: string; dump: string }>('select id, row_to_json(t)::text as dump from admin_tokens t order by id');
      assert.deepEqual(rows.map((r) => r.id).sort(), [viewer.id, admin.id].sort(), 'the refused commands stored nothing');
      for (const { token } of [viewer, admin]) {
        const secret = token.slice('hfa_at_0123456789abcdef_'.length);
        for (const row of rows) {
          assert.ok(!row.dump.includes(secret), 'the secret appears nowhere in the table');
          assert.ok(!row.dump.includes(token));
        }
      }
      const audit = await db.query<{ action: string; actor_kind: string; target_id: string }>(
        "select action, actor_kind, target_id from audit_log where target_type = 'admin_token' order by id",
      );
      assert.deepEqual(audit, [
        { action: 'admin_token.create', actor_kind: 'cli', target_id: viewer.id },
        { action: 'admin_token.create', actor_kind: 'cli', target_id: admin.id },
      ]);
    } finally {
      await db.close();
    }
  });

  it('the tokens authenticate against the admin API with their roles: a viewer reads and is refused a change', async () => {
    const [viewer, admin] = [issuedViewer, issuedAdmin];
    assert.ok(viewer && admin, 'the tokens of the first test');
    server = await startHoldfastProcess({ dataDir });
    const base = server.baseUrl;

    const me = await adminApi(base, viewer.token, 'GET', '/me');
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, { kind: 'token', id: viewer.id, name: 'Reporting', role: 'viewer', merchant_ids: null });
    assert.equal((await adminApi(base, admin.token, 'GET', '/me')).body.role, 'admin');

    const merchants = async () => (await adminApi(base, viewer.token, 'GET', '/merchants')).body.data.length as number;
    const before = await merchants();
    const refused = await adminApi(base, viewer.token, 'POST', '/merchants', { name: 'Viewer shop' });
    assert.equal(refused.status, 403);
    assert.deepEqual(Object.keys(refused.body).sort(), ['error', 'message']);
    assert.equal(await merchants(), before, 'the refused change changed nothing');

    const made = await adminApi(base, admin.token, 'POST', '/merchants', { name: 'Admin shop' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(await merchants(), before + 1);

    const wrong = await adminApi(base, `${viewer.token.slice(0, -1)}${viewer.token.endsWith('A') ? 'B' : 'A'}`, 'GET', '/me');
    assert.equal(wrong.status, 401);
  });
});
