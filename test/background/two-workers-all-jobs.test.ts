/**
 * Every job kind of src/job-handlers.ts, end to end, on PostgreSQL with two `holdfast worker`
 * processes: this process (API only, its job runner never started, its test clock never moved)
 * leaves a batch of orders whose outcomes are unknown or whose background work is due; the faults
 * go off; two workers run everything on the real clock; then every order must be in its true
 * final state, each operation applied once at the acquirer simulator, the ledger balanced, every
 * webhook delivered, and both workers must have done some of the work.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createFaultPlan, defaultFaultSettings, type Fault, type FaultSettings } from '../../src/acquirer/faults.js';
import { buildAcquirerServer, type AcquirerSimulator } from '../../src/acquirer/server.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import type { OrderState } from '../../src/domain/order-state.js';
import { assertLedgerInvariants, orderLedger, type OrderLedger } from '../helpers/ledger-check.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { onPostgres, TEST_MASTER_KEY } from '../helpers/test-database.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { retentionJobKey } from '../../src/core/retention.js';
import { JuspayHttp } from '../juspay/helpers/juspay-http.js';
import { WebhookReceiver } from '../webhooks/receiver.js';

const BIN = join(process.cwd(), 'bin', 'holdfast.js');
const JOB_KINDS = [
  'sync.capture',
  'sync.reversal',
  'sync.refund',
  'sync.authorization',
  'reversal.remainder',
  'order.auto_void',
  'authorization.challenge_expiry',
  'order.expiry',
  'webhook.deliver',
];
/** Orders per scenario. */
const COPIES = 2;
const AMOUNT = 10_000;
const PART = 6_000;
const CARD_CAPTURE_DECLINED = '4000000000000085';
const CARD_CHALLENGE = '4000000000003220';
/** The settings shared by this process and the workers. */
const TIMING = {
  HOLDFAST_ACQUIRER_TIMEOUT: '300ms',
  HOLDFAST_CONNECTOR: 'http-acquirer',
  HOLDFAST_CAPTURE_WINDOW: '3s',
  HOLDFAST_CHALLENGE_TTL: '3s',
  // Unpaid orders expire on the workers' clock too (docs/order-expiry.md).
  HOLDFAST_ORDER_TTL: '4s',
  HOLDFAST_SYNC_DELAY: '1s',
  HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '1s,1s,2s',
};

type Effects = { authorization: number; capture: number; reversal: number; refund: number };

interface Scenario {
  name: string;
  /** Leaves one order with its outcome unknown or its background work due; returns its id. */
  setUp(): Promise<string>;
  /** The order's state when this process is done with it. */
  pendingState: OrderState;
  /** The job kinds left for the workers for this order. */
  jobs: string[];
  finalState: OrderState;
  ledger: OrderLedger;
  /** Kinds of the order's reversals, in order. */
  reversals: string[];
  /** The webhook event types of the order, sorted. */
  events: string[];
  /** What the acquirer did for the order (effects on its payment id or authorization reference). */
  bank: Effects;
}

interface Worker {
  child: ChildProcess;
  id: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function startWorker(env: Record<string, string>): Promise<Worker> {
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', HOLDFAST_MASTER_KEY: TEST_MASTER_KEY, ...env },
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
  const running = /Holdfast worker (\S+) running/;
  const deadline = Date.now() + 30_000;
  while (!running.test(output) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const id = running.exec(output)?.[1];
  if (!id) {
    child.kill('SIGKILL');
    throw new Error(`worker did not start: ${output}`);
  }
  return { child, id, output: () => output, exited };
}

/**
 * A seed whose first draws under `settings` are `faults`, in order: the simulator draws once per
 * POST (inquiries do not draw), so this picks which request of a sequence fails.
 */
function seedDrawing(settings: Partial<FaultSettings>, faults: Array<Fault | null>): number {
  for (let seed = 1; seed < 100_000; seed++) {
    const plan = createFaultPlan(defaultFaultSettings({ ...settings, seed }));
    if (faults.every((fault) => plan.next({ inquiry: false }).fault === fault)) return seed;
  }
  throw new Error(`no seed draws ${faults.join(', ')}`);
}

const ledger = (l: Partial<OrderLedger>): OrderLedger => ({
  authorized: AMOUNT,
  captured: 0,
  reversed: 0,
  refunded: 0,
  held: 0,
  merchant: 0,
  ...l,
});
const CAPTURED = ledger({ captured: AMOUNT, merchant: AMOUNT });
const PARTIAL = ledger({ captured: PART, reversed: AMOUNT - PART, merchant: PART });
const RELEASED = ledger({ reversed: AMOUNT });
const REFUNDED = ledger({ captured: AMOUNT, refunded: AMOUNT });
const NOTHING = ledger({ authorized: 0 });
const bank = (e: Partial<Effects>): Effects => ({ authorization: 1, capture: 0, reversal: 0, refund: 0, ...e });
const sorted = (values: Iterable<string>) => [...values].sort();

/**
 * Jobs not yet done. The retention job plans its own next run each time it runs (src/core/retention.ts),
 * so it is never "done": that it ran is checked with the other kinds.
 */
const UNFINISHED = 'failed_at is null and job_key <> $1';

describe(
  'every job kind, run by two `holdfast worker` processes on one PostgreSQL database',
  { skip: !onPostgres && 'needs PostgreSQL (the embedded PGlite database belongs to one process)' },
  () => {
    let simulator: AcquirerSimulator;
    let acquirerUrl: string;
    let server: TestServer;
    let receiver: WebhookReceiver;
    let merchant: MerchantCredentials;
    let pine: PineLabsClient;
    let juspay: JuspayHttp;
    const workers: Worker[] = [];
    /** Order id → its scenario. */
    const orders = new Map<string, Scenario>();
    /** webhook-id → the worker holding the delivery job's lease while the receiver had the request. */
    const deliveredBy = new Map<string, string | null>();
    /** job key → kind and the workers seen holding its lease (sampled while the workers run). */
    const leases = new Map<string, { kind: string; lockers: Set<string> }>();
    let workersRan = false;

    const stateOf = async (orderId: string) =>
      (await server.db.query<{ state: OrderState }>('select state from orders where id = $1', [orderId]))[0]!.state;
    const faults = (settings: Partial<FaultSettings>) => {
      simulator.configureFaults(settings);
    };
    /** Runs `action` with the acquirer faulty, then turns the faults off. */
    async function withFaults<T>(settings: Partial<FaultSettings>, action: () => Promise<T>): Promise<T> {
      faults(settings);
      try {
        return await action();
      } finally {
        faults({});
      }
    }
    const juspayOrder = async (reference: string) =>
      (await server.db.query<{ id: string }>('select id from orders where merchant_order_reference = $1', [reference]))[0]!.id;

    before(async () => {
      simulator = await buildAcquirerServer({ faults: { seed: 42 } });
      acquirerUrl = await simulator.app.listen({ port: 0, host: '127.0.0.1' });
      // The workers run on the real clock: this server's test clock starts at the real time and is never moved.
      server = await startTestServer({ HOLDFAST_ACQUIRER_URL: acquirerUrl, ...TIMING });
      receiver = new WebhookReceiver({
        secretFor: (path) => (path === '/hooks' ? merchant.webhook_secret : undefined),
        beforeAnswer: async (request) => {
          const rows = await server.db.query<{ locked_by: string | null }>('select locked_by from jobs where job_key = $1', [
            `webhook:${request.id}`,
          ]);
          deliveredBy.set(request.id, rows[0]?.locked_by ?? null);
          await new Promise((r) => setTimeout(r, 10)); // a receiver that takes a moment: the workers overlap
        },
      });
      await receiver.start();
      merchant = await server.newMerchant('Background shop', { webhookUrl: `${receiver.url}/hooks` });
      await server.db.query("update merchants set connector = 'http-acquirer' where id = $1", [merchant.merchant_id]);
      pine = await PineLabsClient.login(server.baseUrl, merchant);
      juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
    });
    after(async () => {
      for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      // before() may have failed part-way, leaving some of these unassigned.
      await (receiver as WebhookReceiver | undefined)?.stop();
      await (server as TestServer | undefined)?.close();
      await (simulator as AcquirerSimulator | undefined)?.app.close();
    });

    const remainderResetSeed = seedDrawing({ resetRate: 0.5 }, [null, 'reset']);
    const SCENARIOS: Scenario[] = [
      {
        name: 'capture applied, answer lost (late success) → sync.capture',
        setUp: async () => {
          const id = await pine.authorizedOrder(AMOUNT);
          await withFaults({ lateSuccessRate: 1 }, () => pine.capture(id, { merchant_capture_reference: `cap-${id}` }));
          return id;
        },
        pendingState: 'CAPTURE_PENDING',
        jobs: ['order.auto_void', 'sync.capture', 'webhook.deliver'],
        finalState: 'CAPTURED',
        ledger: CAPTURED,
        reversals: [],
        events: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED'],
        bank: bank({ capture: 1 }),
      },
      {
        name: 'capture never received (timeout) → sync.capture sends it again under the same id',
        setUp: async () => {
          const id = await pine.authorizedOrder(AMOUNT);
          await withFaults({ timeoutRate: 1 }, () => pine.capture(id, { merchant_capture_reference: `cap-${id}` }));
          return id;
        },
        pendingState: 'CAPTURE_PENDING',
        jobs: ['order.auto_void', 'sync.capture', 'webhook.deliver'],
        finalState: 'CAPTURED',
        ledger: CAPTURED,
        reversals: [],
        events: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED'],
        bank: bank({ capture: 1 }),
      },
      {
        name: 'partial capture, answer lost → sync.capture, then reversal.remainder scheduled by the worker',
        setUp: async () => {
          const id = await pine.authorizedOrder(AMOUNT);
          await withFaults({ lateSuccessRate: 1 }, () =>
            pine.capture(id, { merchant_capture_reference: `cap-${id}`, capture_amount: { value: PART, currency: 'INR' } }),
          );
          return id;
        },
        pendingState: 'CAPTURE_PENDING',
        jobs: ['order.auto_void', 'sync.capture', 'webhook.deliver'],
        finalState: 'PARTIALLY_CAPTURED',
        ledger: PARTIAL,
        reversals: ['REMAINDER'],
        events: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED'],
        bank: bank({ capture: 1, reversal: 1 }),
      },
      {
        name: 'partial capture whose remainder release was reset before reaching the bank → reversal.remainder',
        setUp: async () => {
          const id = await pine.authorizedOrder(AMOUNT);
          // First POST (the capture) goes through, the second (the remainder's reversal) is reset.
          await withFaults({ seed: remainderResetSeed, resetRate: 0.5, resetPoint: 'before' }, () =>
            pine.capture(id, { merchant_capture_reference: `cap-${id}`, capture_amount: { value: PART, currency: 'INR' } }),
          );
          return id;
        },
        pendingState: 'PARTIALLY_CAPTURED',
        jobs: ['reversal.remainder', 'webhook.deliver'],
        finalState: 'PARTIALLY_CAPTURED',
        ledger: PARTIAL,
        reversals: ['REMAINDER'],
        events: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED'],
        bank: bank({ capture: 1, reversal: 1 }),
      },
      {
        name: 'partial capture whose remainder release was applied but its answer reset → reversal.remainder',
        setUp: async () => {
          const id = await pine.authorizedOrder(AMOUNT);
          await withFaults({ seed: remainderResetSeed, resetRate: 0.5, resetPoint: 'after' }, () =>
            pine.capture(id, { merchant_capture_reference: `cap-${id}`, capture_amount: { value: PART, currency: 'INR' } }),
          );
          return id;
        },
        pendingState: 'PARTIALLY_CAPTURED',
        jobs: ['reversal.remainder', 'webhook.deliver'],
        finalState: 'PARTIALLY_CAPTURED',
        ledger: PARTIAL,
        reversals: ['REMAINDER'],
        events: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED'],
        bank: bank({ capture: 1, reversal: 1 }),
      },
      {
        name: 'void applied, answer lost (late success) → sync.reversal',
        setUp: async () => {
          const id = await pine.authorizedOrder(AMOUNT);
          await withFaults({ lateSuccessRate: 1 }, () => pine.cancel(id));
          return id;
        },
        pendingState: 'VOID_PENDING',
        jobs: ['order.auto_void', 'sync.reversal', 'webhook.deliver'],
        finalState: 'VOIDED',
        ledger: RELEASED,
        reversals: ['VOID'],
        events: ['ORDER_AUTHORIZED', 'ORDER_CANCELLED'],
        bank: bank({ reversal: 1 }),
      },
      {
        name: 'void never received (503) → sync.reversal sends it again',
        setUp: async () => {
          const id = await pine.authorizedOrder(AMOUNT);
          await withFaults({ errorRate: 1 }, () => pine.cancel(id));
          return id;
        },
        pendingState: 'VOID_PENDING',
        jobs: ['order.auto_void', 'sync.reversal', 'webhook.deliver'],
        finalState: 'VOIDED',
        ledger: RELEASED,
        reversals: ['VOID'],
        events: ['ORDER_AUTHORIZED', 'ORDER_CANCELLED'],
        bank: bank({ reversal: 1 }),
      },
      {
        name: 'refund applied, answer lost (late success) → sync.refund',
        setUp: async () => {
          const id = await pine.authorizedOrder(AMOUNT);
          assert.equal((await pine.capture(id, { merchant_capture_reference: `cap-${id}` })).status, 200);
          await withFaults({ lateSuccessRate: 1 }, () => pine.refund(id, AMOUNT));
          return id;
        },
        pendingState: 'CAPTURED',
        jobs: ['sync.refund', 'webhook.deliver'],
        finalState: 'FULLY_REFUNDED',
        ledger: REFUNDED,
        reversals: [],
        events: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED', 'REFUND_PROCESSED'],
        bank: bank({ capture: 1, refund: 1 }),
      },
      {
        name: 'refund never received (connection reset) → sync.refund sends it again',
        setUp: async () => {
          const id = await pine.authorizedOrder(AMOUNT);
          assert.equal((await pine.capture(id, { merchant_capture_reference: `cap-${id}` })).status, 200);
          await withFaults({ resetRate: 1, resetPoint: 'before' }, () => pine.refund(id, AMOUNT));
          return id;
        },
        pendingState: 'CAPTURED',
        jobs: ['sync.refund', 'webhook.deliver'],
        finalState: 'FULLY_REFUNDED',
        ledger: REFUNDED,
        reversals: [],
        events: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED', 'REFUND_PROCESSED'],
        bank: bank({ capture: 1, refund: 1 }),
      },
      {
        name: 'authorization approved, answer lost → sync.authorization, then order.auto_void scheduled by the worker',
        setUp: async () => {
          const created = await pine.createOrder(AMOUNT);
          const id = created.body.data.order_id as string;
          await withFaults({ lateSuccessRate: 1 }, () => pine.pay(id, AMOUNT));
          return id;
        },
        pendingState: 'PENDING',
        jobs: ['order.expiry', 'sync.authorization'],
        finalState: 'VOIDED',
        ledger: RELEASED,
        reversals: ['AUTO_VOID'],
        events: ['ORDER_AUTHORIZED', 'ORDER_CANCELLED'],
        bank: bank({ reversal: 1 }),
      },
      {
        name: 'authorization never received (timeout) → sync.authorization finds nothing: declined, nothing held',
        setUp: async () => {
          const created = await pine.createOrder(AMOUNT);
          const id = created.body.data.order_id as string;
          await withFaults({ timeoutRate: 1 }, () => pine.pay(id, AMOUNT));
          return id;
        },
        pendingState: 'PENDING',
        jobs: ['order.expiry', 'sync.authorization'],
        finalState: 'ATTEMPTED',
        ledger: NOTHING,
        reversals: [],
        // Declined, then closed by its expiry: Pine Labs' FAILED.
        events: ['ORDER_FAILED', 'PAYMENT_FAILED'],
        bank: bank({ authorization: 0 }),
      },
      {
        name: '3-D Secure challenge nobody answers → authorization.challenge_expiry fails it when its window closes',
        setUp: async () => {
          const created = await pine.createOrder(AMOUNT);
          const id = created.body.data.order_id as string;
          await pine.pay(id, AMOUNT, CARD_CHALLENGE);
          return id;
        },
        pendingState: 'PENDING',
        jobs: ['authorization.challenge_expiry', 'order.expiry'],
        finalState: 'ATTEMPTED',
        ledger: NOTHING,
        reversals: [],
        events: ['ORDER_FAILED', 'PAYMENT_FAILED'],
        bank: bank({}),
      },
      {
        name: 'order nobody pays → order.expiry closes it at its expiry (it reads FAILED)',
        setUp: async () => (await pine.createOrder(AMOUNT)).body.data.order_id as string,
        pendingState: 'CREATED',
        jobs: ['order.expiry'],
        finalState: 'CREATED',
        ledger: NOTHING,
        reversals: [],
        events: ['ORDER_FAILED'],
        bank: bank({ authorization: 0 }),
      },
      {
        name: 'authorized and left alone → order.auto_void when the capture window closes',
        setUp: () => pine.authorizedOrder(AMOUNT),
        pendingState: 'AUTHORIZED',
        jobs: ['order.auto_void', 'webhook.deliver'],
        finalState: 'VOIDED',
        ledger: RELEASED,
        reversals: ['AUTO_VOID'],
        events: ['ORDER_AUTHORIZED', 'ORDER_CANCELLED'],
        bank: bank({ reversal: 1 }),
      },
      {
        name: 'capture declined (4000 0000 0000 0085), hold left → order.auto_void releases it',
        setUp: async () => {
          const id = await pine.authorizedOrder(AMOUNT, CARD_CAPTURE_DECLINED);
          await pine.capture(id, { merchant_capture_reference: `cap-${id}` });
          return id;
        },
        pendingState: 'CAPTURE_FAILED',
        jobs: ['order.auto_void', 'webhook.deliver'],
        finalState: 'VOIDED',
        ledger: RELEASED,
        reversals: ['AUTO_VOID'],
        events: ['ORDER_AUTHORIZED', 'ORDER_CANCELLED', 'PAYMENT_FAILED'],
        bank: bank({ capture: 1, reversal: 1 }),
      },
      {
        name: 'Juspay: partial capture, answer lost → sync.capture, then reversal.remainder',
        setUp: async () => {
          const order = await juspay.authorizedOrder('100.00');
          await withFaults({ lateSuccessRate: 1 }, () =>
            juspay.capture(order.txnUuid, { amount: '60.00', idempotence_key: `cap-${order.orderId}` }),
          );
          return juspayOrder(order.orderId);
        },
        pendingState: 'CAPTURE_PENDING',
        jobs: ['order.auto_void', 'sync.capture', 'webhook.deliver'],
        finalState: 'PARTIALLY_CAPTURED',
        ledger: PARTIAL,
        reversals: ['REMAINDER'],
        events: ['ORDER_AUTHORIZED', 'ORDER_PARTIAL_CHARGED', 'TXN_CREATED'],
        bank: bank({ capture: 1, reversal: 1 }),
      },
      {
        name: 'Juspay: void never received (timeout) → sync.reversal sends it again',
        setUp: async () => {
          const order = await juspay.authorizedOrder('100.00');
          await withFaults({ timeoutRate: 1 }, () => juspay.void(order.txnUuid));
          return juspayOrder(order.orderId);
        },
        pendingState: 'VOID_PENDING',
        jobs: ['order.auto_void', 'sync.reversal', 'webhook.deliver'],
        finalState: 'VOIDED',
        ledger: RELEASED,
        reversals: ['VOID'],
        events: ['ORDER_AUTHORIZED', 'ORDER_VOIDED', 'TXN_CREATED'],
        bank: bank({ reversal: 1 }),
      },
    ];

    it(`leaves ${SCENARIOS.length * COPIES} orders with every job kind pending, and runs none itself`, async () => {
      for (let copy = 0; copy < COPIES; copy++) {
        for (const scenario of SCENARIOS) {
          const orderId = await scenario.setUp();
          orders.set(orderId, scenario);
          assert.equal(await stateOf(orderId), scenario.pendingState, `${scenario.name}: state after the request`);
        }
      }
      const jobs = await server.db.query<{ kind: string; order_id: string; attempts: number; locked_by: string | null }>(
        `select j.kind, coalesce(j.payload->>'orderId', e.order_id) as order_id, j.attempts, j.locked_by
       from jobs j left join webhook_events e on e.id = j.payload->>'eventId'`,
      );
      assert.deepEqual(sorted(new Set(jobs.map((j) => j.kind))), sorted(JOB_KINDS), 'every job kind is pending');
      assert.ok(
        jobs.every((j) => j.attempts === 0 && j.locked_by === null),
        'this process ran no job',
      );
      for (const [orderId, scenario] of orders) {
        const kinds = sorted(new Set(jobs.filter((j) => j.order_id === orderId).map((j) => j.kind)));
        assert.deepEqual(kinds, scenario.jobs, `${scenario.name}: jobs left for the workers`);
      }
      const remainders = await server.db.query<{ status: string }>("select status from reversals where kind = 'REMAINDER'");
      assert.deepEqual(
        sorted(remainders.map((r) => r.status)),
        Array(2 * COPIES).fill('UNKNOWN'),
        'the released remainders are unknown, not guessed',
      );
    });

    it('two workers run them all on the real clock and stop cleanly', async (t) => {
      const url = (server.db as { url?: string }).url;
      assert.ok(url, 'a PostgreSQL URL for the workers');
      // The workers see a healthy acquirer, a little slow (inquiries too): each job holds its lease a moment.
      faults({ latencyMedianMs: 20, latencyP99Ms: 50, faultInquiries: true });
      const env = { DATABASE_URL: url, HOLDFAST_ACQUIRER_URL: acquirerUrl, ...TIMING };
      workers.push(...(await Promise.all([startWorker(env), startWorker(env)])));
      assert.notEqual(workers[0]!.id, workers[1]!.id);

      // Who holds which lease, sampled until the work is done.
      const sampling = { on: true };
      const sampler = (async () => {
        while (sampling.on) {
          const rows = await server.db.query<{ job_key: string; kind: string; locked_by: string }>(
            'select job_key, kind, locked_by from jobs where locked_by is not null',
          );
          for (const row of rows) {
            const seen = leases.get(row.job_key) ?? { kind: row.kind, lockers: new Set<string>() };
            seen.lockers.add(row.locked_by);
            leases.set(row.job_key, seen);
          }
          await new Promise((r) => setTimeout(r, 15));
        }
      })();

      const started = Date.now();
      const deadline = started + 60_000;
      let left = -1;
      while (Date.now() < deadline) {
        left = (await server.db.query<{ n: number }>(`select count(*)::int as n from jobs where ${UNFINISHED}`, [retentionJobKey]))[0]!.n;
        if (left === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      sampling.on = false;
      await sampler;
      t.diagnostic(`the workers were done in ${Date.now() - started} ms`);
      for (const worker of workers) worker.child.kill('SIGTERM');
      const codes = await Promise.all(workers.map((w) => w.exited));
      faults({});
      workersRan = true;
      const stuck = await server.db.query(`select kind, job_key, attempts, run_at, last_error from jobs where ${UNFINISHED}`, [
        retentionJobKey,
      ]);
      assert.equal(left, 0, `every job done in time; left: ${JSON.stringify(stuck)}`);
      assert.deepEqual(
        await server.db.query('select kind, job_key, attempts, last_error from jobs where failed_at is not null'),
        [],
        'no job failed for good',
      );
      assert.deepEqual(codes, [0, 0], 'the workers stop cleanly on SIGTERM');
      // A job run twice would trip the journal's (kind, reference_id) constraint and be logged as failed.
      for (const worker of workers) assert.doesNotMatch(worker.output(), /job failed|Error/, worker.output());
    });

    it('every order reached its true final state, with nothing left for review', async () => {
      assert.ok(workersRan);
      for (const [orderId, scenario] of orders) {
        const row = (
          await server.db.query<{ state: string; review_reason: string | null }>('select state, review_reason from orders where id = $1', [
            orderId,
          ])
        )[0]!;
        assert.deepEqual(row, { state: scenario.finalState, review_reason: null }, `${scenario.name} (${orderId})`);
        assert.deepEqual(await orderLedger(server.db, orderId), scenario.ledger, `${scenario.name}: ledger`);
        const reversals = await server.db.query<{ kind: string }>(
          'select kind from reversals where order_id = $1 order by created_at, kind',
          [orderId],
        );
        assert.deepEqual(
          reversals.map((r) => r.kind),
          scenario.reversals,
          `${scenario.name}: reversals`,
        );
      }
      const open = await server.db.query(
        `select 'capture' as what, id, status from captures where status not in ('SUCCEEDED', 'FAILED')
       union all select 'reversal', id, status from reversals where status not in ('SUCCEEDED', 'FAILED')
       union all select 'refund', id, status from refunds where status not in ('SUCCEEDED', 'FAILED')
       union all select 'payment', id, status from payments where status = 'PENDING'`,
      );
      assert.deepEqual(open, [], 'no operation is left pending or unknown');
    });

    it('each journal entry once, and the ledger invariants hold', async () => {
      assert.ok(workersRan);
      const twice = await server.db.query(
        'select kind, reference_id, count(*)::int as n from journal_entries group by kind, reference_id having count(*) > 1',
      );
      assert.deepEqual(twice, []);
      await assertLedgerInvariants(server.db);
    });

    it('the acquirer applied each operation once, and only the operations Holdfast knows of', async () => {
      assert.ok(workersRan);
      const effects = simulator.ledger.effects();
      const keys = effects.map((e) => `${e.kind}:${e.key}`);
      assert.equal(new Set(keys).size, keys.length, 'no effect twice under one key');

      const payments = await server.db.query<{ id: string; order_id: string; connector_reference: string | null }>(
        'select id, order_id, connector_reference from payments',
      );
      const operations = await server.db.query<{ kind: string; id: string; order_id: string; amount: number; status: string }>(
        `select 'capture' as kind, id, order_id, amount, status from captures
       union all select 'reversal', id, order_id, amount, status from reversals
       union all select 'refund', id, order_id, amount, status from refunds`,
      );
      for (const [orderId, scenario] of orders) {
        const ours = payments.filter((p) => p.order_id === orderId);
        const references = new Set(ours.map((p) => p.connector_reference).filter((r): r is string => r !== null));
        const count = (kind: string) =>
          effects.filter(
            (e) => e.kind === kind && (kind === 'authorization' ? ours.some((p) => p.id === e.key) : references.has(e.reference)),
          ).length;
        assert.deepEqual(
          { authorization: count('authorization'), capture: count('capture'), reversal: count('reversal'), refund: count('refund') },
          scenario.bank,
          `${scenario.name}: what the acquirer did`,
        );
        for (const operation of operations.filter((o) => o.order_id === orderId)) {
          const applied = effects.filter((e) => e.kind === operation.kind && e.key === operation.id);
          assert.equal(applied.length, 1, `${scenario.name}: ${operation.kind} ${operation.id} applied once`);
          assert.equal(applied[0]!.amount, operation.amount, `${scenario.name}: ${operation.kind} ${operation.id} amount`);
        }
      }
      const known = new Set(operations.map((o) => `${o.kind}:${o.id}`));
      const stray = effects.filter((e) => e.kind !== 'authorization' && e.kind !== 'authentication' && !known.has(`${e.kind}:${e.key}`));
      assert.deepEqual(stray, [], 'no operation at the acquirer that Holdfast has no row for');
    });

    it('every webhook event delivered, each to the receiver once after dedupe by webhook-id', async (t) => {
      assert.ok(workersRan);
      const events = await server.db.query<{
        id: string;
        order_id: string;
        event_type: string;
        delivered_at: Date | null;
        gave_up_at: Date | null;
      }>('select id, order_id, event_type, delivered_at, gave_up_at from webhook_events');
      for (const [orderId, scenario] of orders) {
        assert.deepEqual(
          sorted(events.filter((e) => e.order_id === orderId).map((e) => e.event_type)),
          scenario.events,
          `${scenario.name}: events`,
        );
      }
      assert.deepEqual(
        events.filter((e) => e.delivered_at === null || e.gave_up_at !== null),
        [],
        'every event delivered, none given up',
      );
      assert.ok(
        receiver.requests.every((r) => r.outcome === 'processed' || r.outcome === 'duplicate'),
        'every signature verified',
      );
      assert.deepEqual(sorted(receiver.processed.keys()), sorted(events.map((e) => e.id)), 'each event processed once, none unknown');
      const duplicates = receiver.requests.length - receiver.processed.size;
      t.diagnostic(`${events.length} events, ${receiver.requests.length} requests, ${duplicates} duplicate(s)`);

      // At-least-once allows a second request only after an attempt that was not answered 2xx; two
      // successful attempts for one event would be one delivery job run twice.
      const attempts = await server.db.query<{ event_id: string; n: number; ok: number }>(
        'select event_id, count(*)::int as n, count(*) filter (where status_code between 200 and 299)::int as ok from webhook_attempts group by event_id',
      );
      const byEvent = new Map(attempts.map((a) => [a.event_id, a]));
      for (const event of events) {
        const recorded = byEvent.get(event.id);
        assert.equal(recorded?.ok, 1, `event ${event.id}: one successful attempt`);
        assert.ok(receiver.requestsFor(event.id).length <= recorded.n, `event ${event.id}: every request received is a recorded attempt`);
      }
    });

    it('both workers did some of the work, and only they did', (t) => {
      assert.ok(workersRan);
      const ids = workers.map((w) => w.id);
      const lockers = new Set([...leases.values()].flatMap((l) => [...l.lockers]));
      for (const by of deliveredBy.values()) if (by !== null) lockers.add(by);
      assert.deepEqual(
        [...lockers].filter((id) => !ids.includes(id)),
        [],
        `only the two workers held leases (this process's runner ${server.app.jobs.workerId} never did)`,
      );

      const perKind = new Map<string, Map<string, number>>();
      for (const { kind, lockers: held } of leases.values()) {
        for (const id of held) {
          const counts = perKind.get(kind) ?? new Map<string, number>();
          counts.set(id, (counts.get(id) ?? 0) + 1);
          perKind.set(kind, counts);
        }
      }
      for (const [kind, counts] of [...perKind].sort(([a], [b]) => a.localeCompare(b))) {
        t.diagnostic(`${kind}: ${ids.map((id) => `${id} ${counts.get(id) ?? 0}`).join(', ')}`);
      }
      const deliveries = ids.map((id) => [...deliveredBy.values()].filter((by) => by === id).length);
      t.diagnostic(`webhook deliveries per worker (lease at the receiver): ${ids.map((id, i) => `${id} ${deliveries[i]}`).join(', ')}`);
      t.diagnostic(`job kinds seen leased: ${sorted(perKind.keys()).join(', ')}`);
      for (const id of ids) assert.ok(lockers.has(id), `worker ${id} held some job's lease`);
    });
  },
);
