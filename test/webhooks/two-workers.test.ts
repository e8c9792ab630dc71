import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { onPostgres, TEST_MASTER_KEY } from '../helpers/test-database.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp } from '../juspay/helpers/juspay-http.js';
import { WebhookReceiver } from './receiver.js';

const BIN = join(process.cwd(), 'bin', 'holdfast.js');
const PINE_LABS_FLOWS = 40; // 2 events each
const JUSPAY_FLOWS = 20; // 3 events each
const EXPECTED_EVENTS = PINE_LABS_FLOWS * 2 + JUSPAY_FLOWS * 3;

interface Worker {
  child: ChildProcess;
  id: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function startWorker(databaseUrl: string): Promise<Worker> {
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOLDFAST_MASTER_KEY: TEST_MASTER_KEY,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  const deadline = Date.now() + 60_000;
  while (!/Holdfast worker (\S+) running/.test(output) && child.exitCode === null && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  const id = /Holdfast worker (\S+) running/.exec(output)?.[1];
  if (!id) {
    child.kill('SIGKILL');
    throw new Error(`worker did not start: ${output}`);
  }
  return { child, id, output: () => output, exited };
}

describe(
  'two `holdfast worker` processes on one PostgreSQL database',
  { skip: !onPostgres && 'needs PostgreSQL (the embedded PGlite database belongs to one process)' },
  () => {
    let server: TestServer;
    let receiver: WebhookReceiver;
    let merchant: MerchantCredentials;
    const workers: Worker[] = [];
    /** webhook-id → the worker holding the job's lease while the request was in flight. */
    const deliveredBy = new Map<string, string | null>();

    before(async () => {
      // The workers run on the real clock: this server's test clock starts at the real time and is never moved.
      server = await startTestServer({ HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s' });
      receiver = new WebhookReceiver({
        secretFor: (path) => (path === '/hooks' ? merchant.webhook_secret : undefined),
        beforeAnswer: async (request) => {
          const rows = await server.db.query<{ locked_by: string | null }>('select locked_by from jobs where job_key = $1', [
            `webhook:${request.id}`,
          ]);
          deliveredBy.set(request.id, rows[0]?.locked_by ?? null);
          await new Promise((r) => setTimeout(r, 20)); // a receiver that takes a moment: the workers overlap
        },
      });
      await receiver.start();
      merchant = await server.newMerchant('Busy shop', { webhookUrl: `${receiver.url}/hooks` });
    });
    after(async () => {
      for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await receiver.stop();
      await server.close();
    });

    it(`deliver ${EXPECTED_EVENTS} webhooks between them, each exactly once`, async (t) => {
      const url = (server.db as { url?: string }).url;
      assert.ok(url, 'a PostgreSQL URL for the workers');
      workers.push(...(await Promise.all([startWorker(url), startWorker(url)])));
      assert.notEqual(workers[0]!.id, workers[1]!.id);

      // Events appear while both workers poll.
      const pineLabs = await PineLabsClient.login(server.baseUrl, merchant);
      const juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
      for (let i = 0; i < Math.max(PINE_LABS_FLOWS, JUSPAY_FLOWS); i++) {
        if (i < PINE_LABS_FLOWS) {
          const orderId = await pineLabs.authorizedOrder(1000 + i);
          const captured = await pineLabs.capture(orderId, { merchant_capture_reference: uniqueRef('cap') });
          if (captured.status !== 200) {
            const order = await pineLabs.getOrder(orderId);
            assert.fail(`capture of ${orderId}: ${captured.status} ${JSON.stringify(captured.body)}; order: ${JSON.stringify(order.body)}`);
          }
        }
        if (i < JUSPAY_FLOWS) {
          const order = await juspay.authorizedOrder('20.00');
          const captured = await juspay.capture(order.txnUuid);
          assert.equal(captured.status, 200, `capture of ${order.txnUuid}: ${JSON.stringify(captured.body)}`);
        }
      }

      const deadline = Date.now() + 120_000;
      let undelivered = -1;
      while (Date.now() < deadline) {
        undelivered = (await server.db.query<{ n: number }>('select count(*)::int as n from webhook_events where delivered_at is null'))[0]!
          .n;
        if (undelivered === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      for (const worker of workers) worker.child.kill('SIGTERM');
      const codes = await Promise.all(workers.map((w) => w.exited));
      assert.equal(undelivered, 0, 'every event delivered in time');
      assert.deepEqual(codes, [0, 0], 'the workers stop cleanly on SIGTERM');
      for (const worker of workers) assert.doesNotMatch(worker.output(), /job failed|Error/, worker.output());

      const events = await server.db.query<{ id: string }>('select id from webhook_events');
      assert.equal(events.length, EXPECTED_EVENTS);
      // Exactly once: each id reached the receiver once, and one attempt is recorded per event.
      assert.equal(receiver.requests.length, EXPECTED_EVENTS, 'no request twice');
      assert.deepEqual([...receiver.processed.keys()].sort(), events.map((e) => e.id).sort());
      assert.ok(
        receiver.requests.every((r) => r.outcome === 'processed'),
        'every signature verified, no duplicate',
      );
      const attempts = await server.db.query<{ event_id: string; n: number; ok: number }>(
        'select event_id, count(*)::int as n, count(*) filter (where status_code = 200)::int as ok from webhook_attempts group by event_id',
      );
      assert.equal(attempts.length, EXPECTED_EVENTS);
      assert.ok(
        attempts.every((a) => a.n === 1 && a.ok === 1),
        'one attempt per event',
      );
      assert.equal(
        (await server.db.query("select * from jobs where kind = 'webhook.deliver'")).length,
        0,
        'every delivery job done and gone',
      );

      // Who did what: the job's lease named the worker while its request was in flight.
      const ids = workers.map((w) => w.id);
      const share = ids.map((id) => [...deliveredBy.values()].filter((by) => by === id).length);
      t.diagnostic(`deliveries per worker: ${ids.map((id, i) => `${id} ${share[i]}`).join(', ')}`);
      assert.equal(deliveredBy.size, EXPECTED_EVENTS);
      assert.ok(
        [...deliveredBy.values()].every((by) => by !== null && ids.includes(by)),
        'each delivery leased by one of the two workers',
      );
      assert.ok(
        share.every((n) => n > 0),
        `both workers did some of the work (${share.join(' / ')})`,
      );
    });
  },
);
