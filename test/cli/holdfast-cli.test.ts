import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openPglite } from '../../src/store/pglite-db.js';
import { freePort } from '../helpers/free-port.js';

const BIN = join(process.cwd(), 'bin', 'holdfast.js');
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-cli-'));
  dirs.push(dir);
  return dir;
};

/** Runs the real `holdfast` executable with a clean environment plus `env`. */
function holdfast(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const CREDENTIAL_KEYS = [
  'api_key',
  'client_id',
  'client_secret',
  'juspay_response_key',
  'merchant_id',
  'pinelabs_redirect_secret',
  'webhook_secret',
];

describe('holdfast command line', () => {
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('merchant create --json prints one JSON object of credentials, stored only hashed or encrypted; redirect-keys replaces the pair', async () => {
    const dataDir = tempDir();
    const run = holdfast(['merchant', 'create', '--name', 'Acme', '--webhook-url', 'http://127.0.0.1:9/hook', '--json'], {
      HOLDFAST_DATA_DIR: dataDir,
    });
    assert.equal(run.code, 0, run.stderr);
    const credentials = JSON.parse(run.stdout.trim());
    assert.deepEqual(Object.keys(credentials).sort(), CREDENTIAL_KEYS);
    assert.match(credentials.client_id, /^[0-9a-f-]{36}$/);
    assert.match(credentials.pinelabs_redirect_secret, /^[0-9A-F]{64}$/, "Pine Labs' redirect secret is hex");
    assert.match(credentials.juspay_response_key, /^[0-9A-F]{32}$/);

    const db = await openPglite(join(dataDir, 'pgdata'));
    try {
      const rows = await db.query<{ dump: string }>('select row_to_json(m)::text as dump from merchants m');
      assert.equal(rows.length, 1);
      const dump = rows[0]!.dump;
      assert.ok(dump.includes('Acme'));
      const secrets = [credentials.client_secret, credentials.api_key, credentials.webhook_secret];
      for (const secret of [...secrets, credentials.pinelabs_redirect_secret, credentials.juspay_response_key]) {
        assert.ok(!dump.includes(secret), 'no secret is stored in plain text');
      }
    } finally {
      await db.close();
    }

    // merchant redirect-keys issues a new pair once, replacing the old one; an unknown merchant is named.
    const run2 = holdfast(['merchant', 'redirect-keys', '--merchant', credentials.merchant_id, '--json'], { HOLDFAST_DATA_DIR: dataDir });
    assert.equal(run2.code, 0, run2.stderr);
    const issued = JSON.parse(run2.stdout.trim());
    assert.equal(issued.merchant_id, credentials.merchant_id);
    assert.match(issued.pinelabs_redirect_secret, /^[0-9A-F]{64}$/);
    assert.notEqual(issued.pinelabs_redirect_secret, credentials.pinelabs_redirect_secret);
    assert.notEqual(issued.juspay_response_key, credentials.juspay_response_key);
    const unknown = holdfast(['merchant', 'redirect-keys', '--merchant', 'nobody'], { HOLDFAST_DATA_DIR: dataDir });
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /no merchant nobody/);

    // The embedded database's master key: made by the first command, beside the database files, private.
    assert.match(run.stderr, /Generated a master key in .*master\.key/);
    assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
    const rotated = holdfast(['keys', 'rotate', '--json'], { HOLDFAST_DATA_DIR: dataDir });
    assert.equal(rotated.code, 0, rotated.stderr);
    // Resealed: the merchant's webhook secret and redirect pair (3), and in its credentials the webhook
    // secret (1) and both redirect pairs, the first one revoked by the rotation above (4).
    assert.deepEqual(JSON.parse(rotated.stdout), { tokenSigningKey: 'tok-2', encryptionKey: 'enc-2', resealedSecrets: 8, deletedKeys: [] });
    const listed = holdfast(['keys', 'list', '--json'], { HOLDFAST_DATA_DIR: dataDir });
    assert.equal(listed.code, 0, listed.stderr);
    const keys = JSON.parse(listed.stdout) as { id: string; retired_at: string | null }[];
    assert.deepEqual(
      keys
        .filter((k) => k.retired_at === null)
        .map((k) => k.id)
        .sort(),
      ['card-1', 'enc-2', 'req-1', 'tok-2'],
    );
    assert.doesNotMatch(listed.stdout, /sealed|[0-9a-f]{32,}|[A-Za-z0-9+/]{40,}/, 'no key material is printed');
    const disabled = holdfast(['merchant', 'disable', '--merchant', credentials.merchant_id], { HOLDFAST_DATA_DIR: dataDir });
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match(disabled.stdout, /disabled/);
  });

  it('with PostgreSQL and no master key, start stops at once with what to set, before connecting', () => {
    const run = holdfast(['start'], { DATABASE_URL: 'postgres://127.0.0.1:1/nowhere', HOLDFAST_DATA_DIR: tempDir() });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /needs a master key.*HOLDFAST_MASTER_KEY/s);
    assert.doesNotMatch(run.stderr, /ECONNREFUSED|\n\s+at /);
  });

  it('migrate applies the migrations once, then reports the database up to date', () => {
    const dataDir = tempDir();
    const first = holdfast(['migrate'], { HOLDFAST_DATA_DIR: dataDir });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Applied migrations: 1/);
    const second = holdfast(['migrate'], { HOLDFAST_DATA_DIR: dataDir });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /up to date/);
  });

  it('rejects bad configuration with a clear message and no stack trace', () => {
    const run = holdfast(['migrate'], { PORT: 'eighty', HOLDFAST_CAPTURE_WINDOW: 'soon', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /PORT must be an integer/);
    assert.match(run.stderr, /HOLDFAST_CAPTURE_WINDOW must be a duration/);
    assert.match(run.stderr, /DATABASE_URL must be a postgres:\/\//);
    assert.match(run.stderr, /LOG_LEVEL must be one of/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('rejects unknown commands and missing options with usage', () => {
    const unknown = holdfast(['frobnicate'], {});
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Unknown command "frobnicate"/);
    const noName = holdfast(['merchant', 'create', '--json'], { HOLDFAST_DATA_DIR: tempDir() });
    assert.equal(noName.code, 1);
    assert.match(noName.stderr, /--name/);
  });

  it('start serves /healthz, writes sandbox.json, and holds the embedded database against other processes', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const server = spawn(process.execPath, [BIN, 'start'], {
      env: { PATH: process.env.PATH ?? '', HOLDFAST_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    server.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      const deadline = Date.now() + 60_000;
      while (!output.includes('Holdfast listening') && Date.now() < deadline && server.exitCode === null) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(output, /Holdfast listening on http:\/\/127\.0\.0\.1:\d+/, output);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });

      const sandboxFile = join(dataDir, 'sandbox.json');
      assert.ok(existsSync(sandboxFile));
      const sandbox = JSON.parse(readFileSync(sandboxFile, 'utf8'));
      assert.deepEqual(Object.keys(sandbox).sort(), CREDENTIAL_KEYS);
      assert.ok(output.includes(sandbox.client_secret), 'the credentials are printed on first start');

      const token = await fetch(`http://127.0.0.1:${port}/api/auth/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: sandbox.client_id, client_secret: sandbox.client_secret, grant_type: 'client_credentials' }),
      });
      assert.equal(token.status, 200);

      const competing = holdfast(['merchant', 'create', '--name', 'Second', '--json'], { HOLDFAST_DATA_DIR: dataDir });
      assert.equal(competing.code, 1);
      assert.match(competing.stderr, /in use by another Holdfast process/);
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
  });
});

describe('holdfast merchant create --capture-window', () => {
  it('stores a per-merchant capture window and refuses a bad one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-cli-window-'));
    try {
      const bad = holdfast(['merchant', 'create', '--name', 'W', '--capture-window', 'soon', '--json'], { HOLDFAST_DATA_DIR: dataDir });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /--capture-window must be a duration/);
      const ok = holdfast(['merchant', 'create', '--name', 'W', '--capture-window', '2d', '--json'], { HOLDFAST_DATA_DIR: dataDir });
      assert.equal(ok.code, 0, ok.stderr);
      const { merchant_id } = JSON.parse(ok.stdout);
      const db = await openPglite(join(dataDir, 'pgdata'));
      try {
        const rows = await db.query<{ capture_window_seconds: number }>('select capture_window_seconds from merchants where id = $1', [
          merchant_id,
        ]);
        assert.equal(rows[0]!.capture_window_seconds, 2 * 86400);
      } finally {
        await db.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
