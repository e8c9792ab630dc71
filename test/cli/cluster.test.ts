import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../../src/store/db.js';
import { assertLedgerInvariants } from '../helpers/ledger-check.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { onPostgres, openTestDatabase, TEST_MASTER_KEY } from '../helpers/test-database.js';
import { freePort } from '../helpers/free-port.js';

describe(
  'holdfast start --workers 2 (Node cluster on PostgreSQL)',
  { skip: !onPostgres && 'needs PostgreSQL: the embedded database belongs to one process' },
  () => {
    let db: Db & { url?: string };
    let server: ChildProcess;
    let client: PineLabsClient;
    let output = '';
    const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-cluster-'));
    before(async () => {
      db = await openTestDatabase();
      const port = await freePort();
      server = spawn(process.execPath, [join(process.cwd(), 'bin', 'holdfast.js'), 'start', '--workers', '2'], {
        env: {
          PATH: process.env.PATH ?? '',
          HOLDFAST_MASTER_KEY: TEST_MASTER_KEY,
          DATABASE_URL: db.url!,
          PORT: String(port),
          HOLDFAST_DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      server.stdout!.on('data', (c: Buffer) => {
        output += c.toString();
      });
      server.stderr!.on('data', (c: Buffer) => {
        output += c.toString();
      });
      const deadline = Date.now() + 60_000;
      while (!output.includes('Holdfast listening') && Date.now() < deadline && server.exitCode === null)
        await new Promise((r) => setTimeout(r, 100));
      assert.match(output, /Holdfast listening on .*2 workers/, output);
      const sandbox = JSON.parse(readFileSync(join(dataDir, 'sandbox.json'), 'utf8'));
      client = await PineLabsClient.login(`http://127.0.0.1:${port}`, sandbox);
    });
    after(async () => {
      server.kill('SIGTERM');
      await new Promise((r) => {
        if (server.exitCode === null) server.once('exit', r);
        else r(null);
      });
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('50 concurrent captures across worker processes: exactly one wins', async () => {
      const orderId = await client.authorizedOrder(10000);
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          client.capture(orderId, { merchant_capture_reference: `x-${i}`, capture_amount: { value: 1000 + i, currency: 'INR' } }),
        ),
      );
      assert.equal(replies.filter((r) => r.status === 200).length, 1);
      assert.equal(replies.filter((r) => r.status === 422).length, 49);
      await assertLedgerInvariants(db);
    });

    it('capture racing cancel across worker processes: exactly one wins, 10 times over', async () => {
      for (let round = 0; round < 10; round++) {
        const orderId = await client.authorizedOrder(5000);
        const [capture, cancel] = await Promise.all([
          client.capture(orderId, { merchant_capture_reference: `c${round}` }),
          client.cancel(orderId),
        ]);
        assert.deepEqual([capture.status, cancel.status].sort(), [200, 422]);
      }
      await assertLedgerInvariants(db);
    });

    it('a worker killed with SIGKILL is replaced, and the API keeps answering', async () => {
      const children = () =>
        execFileSync('ps', ['-o', 'pid=', '--ppid', String(server.pid)], { encoding: 'utf8' })
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean);
      const before = children();
      assert.equal(before.length, 2, 'two worker processes');
      process.kill(Number(before[0]), 'SIGKILL');
      const deadline = Date.now() + 30_000;
      while ((!output.includes('starting another') || children().length < 2) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const after = children();
      assert.equal(after.length, 2);
      assert.ok(!after.includes(before[0]!), 'the killed worker is gone');
      const orderId = await client.authorizedOrder(2000);
      assert.equal((await client.capture(orderId, { merchant_capture_reference: 'after-kill' })).status, 200);
    });
  },
);
