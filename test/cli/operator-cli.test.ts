import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openPglite } from '../../src/store/pglite-db.js';
import { freePort } from '../helpers/free-port.js';

const BIN = join(process.cwd(), 'bin', 'holdfast.js');
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-operator-'));
  dirs.push(dir);
  return dir;
};

function holdfast(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `holdfast start` until its banner is out, hands the output to `check`, then stops it. */
async function withStartedServer(
  dataDir: string,
  check: (output: string, port: number, metricsPort: number) => Promise<void>,
): Promise<void> {
  const port = await freePort();
  const metricsPort = await freePort();
  const server = spawn(process.execPath, [BIN, 'start'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOLDFAST_DATA_DIR: dataDir,
      PORT: String(port),
      HOLDFAST_METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
    },
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
    while (!output.includes('Metrics:') && server.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    await check(output, port, metricsPort);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
}

describe('holdfast operator create and the first admin', () => {
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('operator create --json prints the operator and its one-time password once, stored only hashed', async () => {
    const dataDir = tempDir();
    const run = holdfast(['operator', 'create', '--email', 'Ops@Example.test', '--role', 'support', '--json'], {
      HOLDFAST_DATA_DIR: dataDir,
    });
    assert.equal(run.code, 0, run.stderr);
    // The last line: the log's warnings (a master key generated on first use) may come before it.
    const printed = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    assert.equal(printed.operator.email, 'ops@example.test');
    assert.equal(printed.operator.role, 'support');
    assert.equal(printed.operator.must_change_password, true);
    assert.match(printed.one_time_password, /^[A-Za-z0-9]{20}$/);

    const again = holdfast(['operator', 'create', '--email', 'ops@example.test', '--role', 'viewer'], { HOLDFAST_DATA_DIR: dataDir });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists already/);
    const badRole = holdfast(['operator', 'create', '--email', 'x@example.test', '--role', 'owner'], { HOLDFAST_DATA_DIR: dataDir });
    assert.equal(badRole.code, 1);
    assert.match(badRole.stderr, /--role must be admin, support or viewer/);
    const unknownMerchant = holdfast(['operator', 'create', '--email', 'y@example.test', '--role', 'viewer', '--merchant', 'mer_nobody'], {
      HOLDFAST_DATA_DIR: dataDir,
    });
    assert.equal(unknownMerchant.code, 1);
    assert.match(unknownMerchant.stderr, /no merchant mer_nobody/);

    const db = await openPglite(join(dataDir, 'pgdata'));
    try {
      const rows = await db.query<{ dump: string }>('select row_to_json(o)::text as dump from operators o');
      assert.equal(rows.length, 1);
      assert.ok(!rows[0]!.dump.includes(printed.one_time_password));
      const audit = await db.query<{ action: string; actor_kind: string }>('select action, actor_kind from audit_log');
      assert.deepEqual(audit, [{ action: 'operator.create', actor_kind: 'cli' }]);
    } finally {
      await db.close();
    }
  });

  it('start on an empty database creates admin@localhost and prints its one-time password and the links once', async () => {
    const dataDir = tempDir();
    await withStartedServer(dataDir, async (output, port, metricsPort) => {
      const base = `http://127.0.0.1:${port}`;
      for (const link of [
        `${base}/`,
        `${base}/dashboard`,
        `${base}/docs`,
        `${base}/healthz`,
        `${base}/readyz`,
        `http://127.0.0.1:${metricsPort}/metrics`,
      ]) {
        assert.ok(output.includes(link), `${link} in\n${output}`);
      }
      assert.ok(output.includes('Sign in at'), output);
      const password = /one-time password \(shown once\): ([A-Za-z0-9]{20})/.exec(output)?.[1];
      assert.ok(password, output);
      const signIn = await fetch(`${base}/admin/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@localhost', password }),
      });
      assert.equal(signIn.status, 200);
      const body = (await signIn.json()) as { operator: { role: string; merchant_ids: unknown; must_change_password: boolean } };
      assert.deepEqual([body.operator.role, body.operator.merchant_ids, body.operator.must_change_password], ['admin', null, true]);
    });
    await withStartedServer(dataDir, async (output) => {
      assert.ok(!output.includes('one-time password'), 'not on a later start');
    });
  });
});
