import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { encryptSecret } from '../../src/core/secrets.js';
import { listWebhookEvents, setWebhookEndpoint } from '../../src/store/webhooks-repository.js';
import { enqueueWebhookDelivery } from '../../src/webhooks/outbox.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { onPostgres } from '../helpers/test-database.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { CARDS, JuspayHttp, newOrderId } from '../juspay/helpers/juspay-http.js';
import { verifyAt, WebhookReceiver, type ReceivedRequest } from './receiver.js';

const DB = onPostgres ? 'PostgreSQL' : 'PGlite';

/** Delays between attempts: 16 attempts over ~37 minutes of test-clock time. */
const SCHEDULE = '1s,2s,5s,10s,20s,30s,1m,1m,2m,2m,5m,5m,5m,5m,10m';
const MAX_ATTEMPTS = SCHEDULE.split(',').length + 1;
/** The receiver's port is closed for the first 30 s of test-clock time of the delivery loop. */
const OUTAGE_MS = 30_000;
const STEP_MS = 5_000;
const JUSPAY_BASIC = 'hook-user:pa55:word';

interface Flow {
  dialect: 'pinelabs' | 'juspay';
  name: string;
  merchantId: string;
  /** Holdfast's order id (webhook_events.order_id). */
  orderId: string;
  /** Juspay: the merchant's order_id. */
  merchantOrderId?: string;
  /** The dialect's events, in causal order. */
  expected: string[];
  /** The order status each event's body shows (Pine Labs data.status, Juspay content.order.status). */
  statuses: string[];
}

interface EventRow {
  id: string;
  merchant_id: string;
  order_id: string;
  dialect: string;
  event_type: string;
  payload: string;
  created_at: Date;
  delivered_at: Date | null;
  gave_up_at: Date | null;
}

interface AttemptRow {
  id: number;
  event_id: string;
  attempted_at: Date;
  url: string;
  status_code: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error: string | null;
}

const time = (d: Date | string) => new Date(d).getTime();

/**
 * Sorts one order's events by created_at. Events written in one transaction (or in two
 * transactions within one clock reading) share created_at; such ties are put in the expected
 * order, and only ties are forgiven (see the todo test at the end for listing them).
 */
function causalTypes(events: EventRow[], expected: string[]): string[] {
  const rank = (type: string) => expected.lastIndexOf(type);
  return [...events]
    .sort((a, b) => time(a.created_at) - time(b.created_at) || rank(a.event_type) - rank(b.event_type))
    .map((e) => e.event_type);
}

describe(`webhook delivery through a flaky receiver (${DB})`, () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let pl: MerchantCredentials;
  let jp: MerchantCredentials;
  let mixed: MerchantCredentials;
  let quiet: MerchantCredentials;
  const flows: Flow[] = [];
  let loopStart = 0;

  /** Each API step one second later on the test clock, so each transaction's created_at is its own. */
  const tick = () => server.clock.advance(1000);
  const secretByPath = new Map<string, string>();

  before(async () => {
    server = await startTestServer({ HOLDFAST_WEBHOOK_RETRY_SCHEDULE: SCHEDULE });
    receiver = new WebhookReceiver({
      failureRate: 0.3,
      seed: 0x5eed,
      now: () => server.clock.now(),
      secretFor: (path) => secretByPath.get(path),
    });
    await receiver.start();
    pl = await server.newMerchant('Pine Labs shop', { webhookUrl: `${receiver.url}/pinelabs` });
    jp = await server.newMerchant('Juspay shop', { webhookUrl: `${receiver.url}/juspay` });
    mixed = await server.newMerchant('Both dialects', { webhookUrl: `${receiver.url}/mixed` });
    quiet = await server.newMerchant('No webhooks');
    secretByPath.set('/pinelabs', pl.webhook_secret).set('/juspay', jp.webhook_secret).set('/mixed', mixed.webhook_secret);
    // Juspay merchants choose HTTP Basic credentials for their webhooks.
    assert.ok(
      await setWebhookEndpoint(
        server.db,
        jp.merchant_id,
        `${receiver.url}/juspay`,
        encryptSecret(server.app.ctx.keys.encryption, JUSPAY_BASIC),
      ),
    );

    const plClient = await PineLabsClient.login(server.baseUrl, pl);
    const jpClient = new JuspayHttp(server.baseUrl, jp.api_key);
    for (let round = 0; round < 2; round++) {
      await pineLabsFlows(plClient, pl.merchant_id);
      await juspayFlows(jpClient, jp.merchant_id);
    }
    // One merchant, both dialects: the dialect an order was created in decides its events.
    const mixedPl = await PineLabsClient.login(server.baseUrl, mixed);
    const mixedJp = new JuspayHttp(server.baseUrl, mixed.api_key);
    await pineLabsFlows(mixedPl, mixed.merchant_id, ['full capture']);
    await juspayFlows(mixedJp, mixed.merchant_id, ['void']);
    // A merchant without a webhook URL.
    await pineLabsFlows(await PineLabsClient.login(server.baseUrl, quiet), quiet.merchant_id, ['full capture', 'three declines']);
    await juspayFlows(new JuspayHttp(server.baseUrl, quiet.api_key), quiet.merchant_id, ['refund']);
  });
  after(async () => {
    await receiver.stop();
    await server.close();
  });

  async function pineLabsFlows(client: PineLabsClient, merchantId: string, only?: string[]): Promise<void> {
    const ok = (reply: { status: number; body: any }, what: string) => {
      assert.equal(reply.status, 200, `${what}: ${JSON.stringify(reply.body)}`);
      return reply.body.data;
    };
    const authorize = async (amount: number, card?: string) => {
      const id = await client.authorizedOrder(amount, card);
      tick();
      return id;
    };
    const run: Record<string, () => Promise<Omit<Flow, 'dialect' | 'name' | 'merchantId'>>> = {
      'full capture': async () => {
        const orderId = await authorize(10000);
        ok(await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') }), 'capture');
        return { orderId, expected: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED'], statuses: ['AUTHORIZED', 'PROCESSED'] };
      },
      'partial capture': async () => {
        const orderId = await authorize(10000);
        ok(
          await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap'), capture_amount: { value: 6000, currency: 'INR' } }),
          'capture',
        );
        return { orderId, expected: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED'], statuses: ['AUTHORIZED', 'PROCESSED'] };
      },
      cancel: async () => {
        const orderId = await authorize(4000);
        ok(await client.cancel(orderId), 'cancel');
        return { orderId, expected: ['ORDER_AUTHORIZED', 'ORDER_CANCELLED'], statuses: ['AUTHORIZED', 'CANCELLED'] };
      },
      'three declines': async () => {
        const orderId = ok(await client.createOrder(2500), 'create').order_id as string;
        tick();
        for (const card of [CARDS.declined, CARDS.insufficientFunds, CARDS.expired]) {
          await client.pay(orderId, 2500, card);
          tick();
        }
        return {
          orderId,
          expected: ['PAYMENT_FAILED', 'PAYMENT_FAILED', 'PAYMENT_FAILED', 'ORDER_FAILED'],
          statuses: ['ATTEMPTED', 'ATTEMPTED', 'FAILED', 'FAILED'],
        };
      },
      refund: async () => {
        const orderId = await authorize(8000);
        ok(await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') }), 'capture');
        tick();
        assert.equal(ok(await client.refund(orderId, 3000), 'refund').status, 'PROCESSED');
        return {
          orderId,
          expected: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED', 'REFUND_PROCESSED'],
          statuses: ['AUTHORIZED', 'PROCESSED', 'PROCESSED'],
        };
      },
      'refund fails': async () => {
        const orderId = await authorize(8000, CARDS.refundFails);
        ok(await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') }), 'capture');
        tick();
        await client.refund(orderId, 3000);
        return {
          orderId,
          expected: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED', 'REFUND_FAILED'],
          statuses: ['AUTHORIZED', 'PROCESSED', 'FAILED'],
        };
      },
      'capture fails': async () => {
        const orderId = await authorize(5000, CARDS.captureFails);
        await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') });
        return { orderId, expected: ['ORDER_AUTHORIZED', 'PAYMENT_FAILED'], statuses: ['AUTHORIZED', 'FAILED'] };
      },
      'void fails, then capture': async () => {
        const orderId = await authorize(5000, CARDS.voidFails);
        await client.cancel(orderId); // a failed void raises no Pine Labs event
        tick();
        ok(await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') }), 'capture');
        return { orderId, expected: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED'], statuses: ['AUTHORIZED', 'PROCESSED'] };
      },
      'auto capture': async () => {
        const orderId = ok(await client.createOrder(1500, { preAuth: false }), 'create').order_id as string;
        tick();
        assert.equal(ok(await client.pay(orderId, 1500), 'pay').status, 'PROCESSED');
        return { orderId, expected: ['ORDER_PROCESSED'], statuses: ['PROCESSED'] };
      },
    };
    for (const [name, fn] of Object.entries(run)) {
      if (only && !only.includes(name)) continue;
      const flow = await fn();
      tick();
      flows.push({ dialect: 'pinelabs', name, merchantId, ...flow });
    }
  }

  async function juspayFlows(client: JuspayHttp, merchantId: string, only?: string[]): Promise<void> {
    const ok = (reply: { status: number; body: any }, what: string) => {
      assert.equal(reply.status, 200, `${what}: ${JSON.stringify(reply.body)}`);
      return reply.body;
    };
    const authorize = async (amount: string, card?: string) => {
      const order = await client.authorizedOrder(amount, card);
      tick();
      return order;
    };
    const authorized = ['TXN_CREATED', 'ORDER_AUTHORIZED'];
    const authorizedStatuses = ['AUTHORIZING', 'AUTHORIZED'];
    const run: Record<string, () => Promise<Omit<Flow, 'dialect' | 'name' | 'merchantId'>>> = {
      'full capture': async () => {
        const order = await authorize('100.00');
        assert.equal(ok(await client.capture(order.txnUuid), 'capture').status, 'CHARGED');
        return {
          orderId: order.id,
          merchantOrderId: order.orderId,
          expected: [...authorized, 'ORDER_SUCCEEDED'],
          statuses: [...authorizedStatuses, 'CHARGED'],
        };
      },
      'partial capture': async () => {
        const order = await authorize('100.00');
        ok(await client.capture(order.txnUuid, { amount: '60.00', idempotence_key: uniqueRef('cap') }), 'capture');
        return {
          orderId: order.id,
          merchantOrderId: order.orderId,
          expected: [...authorized, 'ORDER_PARTIAL_CHARGED'],
          statuses: [...authorizedStatuses, 'PARTIAL_CHARGED'],
        };
      },
      void: async () => {
        const order = await authorize('40.00');
        assert.equal(ok(await client.void(order.txnUuid), 'void').status, 'VOIDED');
        return {
          orderId: order.id,
          merchantOrderId: order.orderId,
          expected: [...authorized, 'ORDER_VOIDED'],
          statuses: [...authorizedStatuses, 'VOIDED'],
        };
      },
      'void fails, then capture': async () => {
        const order = await authorize('50.00', CARDS.voidFails);
        await client.void(order.txnUuid);
        tick();
        ok(await client.capture(order.txnUuid), 'capture');
        return {
          orderId: order.id,
          merchantOrderId: order.orderId,
          expected: [...authorized, 'ORDER_VOID_FAILED', 'ORDER_SUCCEEDED'],
          statuses: [...authorizedStatuses, 'VOID_FAILED', 'CHARGED'],
        };
      },
      'capture fails': async () => {
        const order = await authorize('50.00', CARDS.captureFails);
        await client.capture(order.txnUuid);
        return {
          orderId: order.id,
          merchantOrderId: order.orderId,
          expected: [...authorized, 'ORDER_CAPTURE_FAILED'],
          statuses: [...authorizedStatuses, 'CAPTURE_FAILED'],
        };
      },
      refund: async () => {
        const order = await authorize('80.00');
        ok(await client.capture(order.txnUuid), 'capture');
        tick();
        ok(await client.refund(order.orderId, { unique_request_id: uniqueRef('rf'), amount: '30.00' }), 'refund');
        return {
          orderId: order.id,
          merchantOrderId: order.orderId,
          expected: [...authorized, 'ORDER_SUCCEEDED', 'ORDER_REFUNDED'],
          statuses: [...authorizedStatuses, 'CHARGED', 'CHARGED'],
        };
      },
      'refund fails': async () => {
        const order = await authorize('80.00', CARDS.refundFails);
        ok(await client.capture(order.txnUuid), 'capture');
        tick();
        await client.refund(order.orderId, { unique_request_id: uniqueRef('rf'), amount: '30.00' });
        return {
          orderId: order.id,
          merchantOrderId: order.orderId,
          expected: [...authorized, 'ORDER_SUCCEEDED', 'ORDER_REFUND_FAILED'],
          statuses: [...authorizedStatuses, 'CHARGED', 'CHARGED'],
        };
      },
      'three declines': async () => {
        const orderId = newOrderId('d');
        const created = ok(await client.createOrder(orderId, '25.00'), 'create');
        tick();
        for (const card of [CARDS.declined, CARDS.insufficientFunds, CARDS.expired]) {
          await client.txn(orderId, card);
          tick();
        }
        return {
          orderId: created.id,
          merchantOrderId: orderId,
          expected: ['TXN_CREATED', 'ORDER_FAILED', 'TXN_CREATED', 'ORDER_FAILED', 'TXN_CREATED', 'ORDER_FAILED'],
          statuses: ['AUTHORIZING', 'AUTHORIZATION_FAILED', 'AUTHORIZING', 'AUTHORIZATION_FAILED', 'AUTHORIZING', 'AUTHORIZATION_FAILED'],
        };
      },
      'auto capture': async () => {
        const paid = await client.paidOrder('15.00', CARDS.ok, { preAuth: false });
        assert.equal(paid.txnStatus, 'CHARGED');
        return {
          orderId: paid.id,
          merchantOrderId: paid.orderId,
          expected: ['TXN_CREATED', 'ORDER_SUCCEEDED'],
          statuses: ['AUTHORIZING', 'CHARGED'],
        };
      },
    };
    for (const [name, fn] of Object.entries(run)) {
      if (only && !only.includes(name)) continue;
      const flow = await fn();
      tick();
      flows.push({ dialect: 'juspay', name, merchantId, ...flow });
    }
  }

  const hooked = () => flows.filter((f) => f.merchantId !== quiet.merchant_id);
  const allEvents = () => server.db.query<EventRow>('select * from webhook_events order by created_at, id');
  const attemptsOf = async () => server.db.query<AttemptRow>('select * from webhook_attempts order by id');

  it('writes one outbox row and one delivery job per event with the state change; none for a merchant without a webhook URL', async () => {
    const events = await allEvents();
    const expectedCount = hooked().reduce((n, f) => n + f.expected.length, 0);
    assert.equal(events.length, expectedCount);
    assert.ok(events.length >= 100, `many events (${events.length})`);
    assert.equal(events.filter((e) => e.merchant_id === quiet.merchant_id).length, 0, 'no rows for the merchant without a webhook URL');
    const quietOrders = flows.filter((f) => f.merchantId === quiet.merchant_id).map((f) => f.orderId);
    assert.equal(quietOrders.length, 3);
    assert.ok(events.every((e) => !quietOrders.includes(e.order_id)));
    assert.ok(
      events.every((e) => e.delivered_at === null && e.gave_up_at === null),
      'nothing is sent before the jobs run',
    );

    const jobs = await server.db.query<{ payload: unknown; run_at: Date; attempts: number; max_attempts: number; job_key: string }>(
      "select payload, run_at, attempts, max_attempts, job_key from jobs where kind = 'webhook.deliver'",
    );
    assert.equal(jobs.length, events.length, 'one delivery job per event');
    const byEvent = new Map(jobs.map((j) => [(typeof j.payload === 'string' ? JSON.parse(j.payload) : j.payload).eventId as string, j]));
    for (const event of events) {
      const job = byEvent.get(event.id);
      assert.ok(job, `a job for ${event.id}`);
      assert.equal(job.job_key, `webhook:${event.id}`);
      assert.equal(time(job.run_at), time(event.created_at), 'first attempt due at once');
      assert.equal(job.attempts, 0);
      assert.equal(job.max_attempts, MAX_ATTEMPTS, 'one attempt plus one per delay of HOLDFAST_WEBHOOK_RETRY_SCHEDULE');
    }
    assert.equal(
      events.filter((e) => e.dialect === 'pinelabs').every((e) => /^msg_[A-Za-z0-9]{27}$/.test(e.id)),
      true,
    );
    assert.equal(
      events.filter((e) => e.dialect === 'juspay').every((e) => /^evt_V2_[A-Za-z0-9]{24}$/.test(e.id)),
      true,
    );
  });

  it('a refused request writes no event', async () => {
    const before = (await allEvents()).length;
    const done = flows.find((f) => f.dialect === 'pinelabs' && f.name === 'full capture' && f.merchantId === pl.merchant_id)!;
    const client = await PineLabsClient.login(server.baseUrl, pl);
    const again = await client.capture(done.orderId, { merchant_capture_reference: uniqueRef('again') });
    assert.equal(again.status, 422);
    const cancel = await client.cancel(done.orderId);
    assert.equal(cancel.status, 422);
    assert.equal((await allEvents()).length, before);
  });

  it('delivers every event through 30% random failures and a 30 s outage; the receiver acts on each webhook-id once', async (t) => {
    loopStart = server.clock.now().getTime();
    let rounds = 0;
    let undelivered = Number.POSITIVE_INFINITY;
    for (; rounds < 1000 && undelivered > 0; rounds++) {
      if (server.clock.now().getTime() < loopStart + OUTAGE_MS) await receiver.stop();
      else await receiver.start();
      await server.runJobs();
      undelivered = (await server.db.query<{ n: number }>('select count(*)::int as n from webhook_events where delivered_at is null'))[0]!
        .n;
      if (undelivered > 0) server.clock.advance(STEP_MS);
    }
    assert.equal(undelivered, 0, `all delivered within ${rounds} rounds`);

    const events = await allEvents();
    assert.ok(events.every((e) => e.gave_up_at === null));
    assert.ok(
      events.every((e) => time(e.delivered_at!) >= loopStart + OUTAGE_MS),
      'nothing got through the outage',
    );
    assert.deepEqual([...receiver.processed.keys()].sort(), events.map((e) => e.id).sort(), 'each event processed, under its own id');
    assert.equal((await server.db.query("select * from jobs where kind = 'webhook.deliver'")).length, 0, 'delivered jobs are gone');

    // The failure modes really happened.
    const outcomes = new Map<string, number>();
    for (const r of receiver.requests) outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
    assert.ok((outcomes.get('failed') ?? 0) > 0, 'some 500 answers');
    assert.ok((outcomes.get('processed-lost') ?? 0) > 0, 'some answers lost after processing');
    assert.ok((outcomes.get('duplicate') ?? 0) + (outcomes.get('duplicate-lost') ?? 0) > 0, 'some duplicates');
    assert.equal(outcomes.get('rejected') ?? 0, 0, 'no bad signature');
    t.diagnostic(
      `${events.length} events, ${receiver.requests.length} requests in ${rounds} rounds: ${JSON.stringify(Object.fromEntries(outcomes))}`,
    );

    // Duplicates carry the same webhook-id and the same body; the receiver dropped them.
    for (const r of receiver.requests.filter((x) => x.outcome.startsWith('duplicate'))) {
      const first = receiver.processed.get(r.id)!;
      assert.ok(first.n < r.n);
      assert.equal(r.body, first.body, `duplicate ${r.id} has the same body`);
    }
    // No event was sent under two ids: bodies of distinct ids differ.
    const bodies = new Set([...receiver.processed.values()].map((r) => r.body));
    assert.equal(bodies.size, receiver.processed.size);
    // Every request was of a known event, with its stored body.
    const byId = new Map(events.map((e) => [e.id, e]));
    for (const r of receiver.requests) assert.equal(r.body, byId.get(r.id)?.payload, `request ${r.n} is event ${r.id} as stored`);
  });

  it('every request verifies with the standardwebhooks package and the merchant webhook_secret; Juspay ones carry the Basic credentials', () => {
    const paths = new Map([
      ['/pinelabs', pl],
      ['/juspay', jp],
      ['/mixed', mixed],
    ]);
    assert.ok(receiver.requests.length > 0);
    for (const r of receiver.requests) {
      const merchant = paths.get(r.path);
      assert.ok(merchant, `request to a merchant's URL (${r.path})`);
      assert.doesNotThrow(() => verifyAt(merchant.webhook_secret, r.body, r.headers, r.at), `signature of request ${r.n}`);
      // Signed at the time of this attempt (a retry hours later still passes the 5-minute tolerance).
      assert.equal(Number(r.headers['webhook-timestamp']), Math.floor(r.at.getTime() / 1000));
      assert.equal(r.headers['content-type'], 'application/json');
      if (merchant === jp) assert.equal(r.headers.authorization, `Basic ${Buffer.from(JUSPAY_BASIC).toString('base64')}`);
      else assert.equal(r.headers.authorization, undefined);
    }
  });

  it('Pine Labs bodies are {event_type, data: Order} with the right events for each flow, in causal order', async () => {
    const events = await allEvents();
    const plFlows = hooked().filter((f) => f.dialect === 'pinelabs');
    assert.equal(plFlows.length, 19);
    for (const flow of plFlows) {
      const mine = events.filter((e) => e.order_id === flow.orderId);
      assert.ok(mine.every((e) => e.dialect === 'pinelabs' && e.merchant_id === flow.merchantId));
      assert.deepEqual(causalTypes(mine, flow.expected), flow.expected, `${flow.name}: events in causal order`);
      const ordered = [...mine].sort(
        (a, b) =>
          time(a.created_at) - time(b.created_at) || flow.expected.lastIndexOf(a.event_type) - flow.expected.lastIndexOf(b.event_type),
      );
      ordered.forEach((event, i) => {
        const received = receiver.processed.get(event.id)!;
        assert.ok(received, `${flow.name}: ${event.event_type} received`);
        const body = JSON.parse(received.body);
        assert.deepEqual(Object.keys(body).sort(), ['data', 'event_type'], `${flow.name}: body is {event_type, data}`);
        assert.equal(body.event_type, event.event_type);
        assert.equal(body.data.status, flow.statuses[i], `${flow.name}: ${event.event_type} shows ${flow.statuses[i]}`);
        if (event.event_type.startsWith('REFUND_')) {
          assert.equal(body.data.type, 'REFUND');
          assert.equal(body.data.parent_order_id, flow.orderId);
          assert.equal(body.data.order_amount.value, 3000);
        } else {
          assert.equal(body.data.type, 'CHARGE');
          assert.equal(body.data.order_id, flow.orderId);
        }
        if (event.event_type === 'PAYMENT_FAILED') {
          const payment = body.data.payments.at(-1);
          assert.equal(payment.status, 'FAILED');
          assert.ok(payment.error_detail?.code, `${flow.name}: PAYMENT_FAILED carries error_detail`);
        }
        if (flow.name === 'partial capture' && event.event_type === 'ORDER_PROCESSED') {
          assert.equal(body.data.payments[0].capture_data[0].capture_amount.value, 6000);
        }
        if (event.event_type === 'ORDER_CANCELLED') assert.equal(body.data.payments[0].status, 'CANCELLED');
      });
    }
  });

  it('Juspay bodies are {id, event_name, date_created, content: {order}} with the right events for each flow, in causal order', async () => {
    const events = await allEvents();
    const jpFlows = hooked().filter((f) => f.dialect === 'juspay');
    assert.equal(jpFlows.length, 19);
    for (const flow of jpFlows) {
      const mine = events.filter((e) => e.order_id === flow.orderId);
      assert.ok(mine.every((e) => e.dialect === 'juspay' && e.merchant_id === flow.merchantId));
      assert.deepEqual(causalTypes(mine, flow.expected), flow.expected, `${flow.name}: events in causal order`);
      const ordered = [...mine].sort(
        (a, b) =>
          time(a.created_at) - time(b.created_at) || flow.expected.lastIndexOf(a.event_type) - flow.expected.lastIndexOf(b.event_type),
      );
      let previousDate = '';
      ordered.forEach((event, i) => {
        const received = receiver.processed.get(event.id)!;
        assert.ok(received, `${flow.name}: ${event.event_type} received`);
        const body = JSON.parse(received.body);
        assert.deepEqual(Object.keys(body).sort(), ['content', 'date_created', 'event_name', 'id'], `${flow.name}: the Juspay envelope`);
        assert.equal(body.id, event.id, 'the envelope id is the webhook-id');
        assert.equal(received.headers['webhook-id'], body.id);
        assert.equal(body.event_name, event.event_type);
        assert.match(body.date_created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.equal(body.date_created, `${new Date(event.created_at).toISOString().slice(0, 19)}Z`);
        assert.ok(body.date_created >= previousDate, 'date_created never goes back');
        previousDate = body.date_created;
        assert.deepEqual(Object.keys(body.content), ['order']);
        const order = body.content.order;
        assert.equal(order.order_id, flow.merchantOrderId);
        assert.equal(order.id, flow.orderId);
        assert.equal(order.status, flow.statuses[i], `${flow.name}: ${event.event_type} shows ${flow.statuses[i]}`);
        if (event.event_type === 'ORDER_REFUNDED') {
          assert.equal(order.amount_refunded, 30);
          assert.equal(order.refunds[0].status, 'SUCCESS');
        }
        if (event.event_type === 'ORDER_REFUND_FAILED') assert.equal(order.refunds[0].status, 'FAILURE');
      });
    }
  });

  it('records every attempt: status code, latency, an excerpt of the answer, or the error', async () => {
    const attempts = await attemptsOf();
    const events = await allEvents();
    const urlOf = new Map([
      [pl.merchant_id, `${receiver.url}/pinelabs`],
      [jp.merchant_id, `${receiver.url}/juspay`],
      [mixed.merchant_id, `${receiver.url}/mixed`],
    ]);
    for (const a of attempts) {
      assert.ok(Number.isInteger(a.latency_ms) && a.latency_ms >= 0, 'latency recorded');
      if (a.status_code === null) {
        assert.ok(a.error, 'an attempt without an answer records the error');
        assert.equal(a.response_excerpt, null);
      } else {
        assert.equal(a.error, null);
        assert.ok(a.response_excerpt !== null && a.response_excerpt.length <= 500, 'an excerpt of at most 500 characters');
      }
      if (a.status_code === 500) assert.equal(a.response_excerpt, receiver.failureBody.slice(0, 500));
      if (a.status_code === 200) assert.match(a.response_excerpt!, new RegExp(`^(ok|duplicate) ${a.event_id}`));
    }
    for (const event of events) {
      const mine = attempts.filter((a) => a.event_id === event.id);
      assert.ok(mine.every((a) => a.url === urlOf.get(event.merchant_id)));
      const requests: ReceivedRequest[] = receiver.requestsFor(event.id);
      // Every answered request is an attempt with that status, in order.
      assert.deepEqual(
        mine.filter((a) => a.status_code !== null).map((a) => a.status_code),
        requests.filter((r) => r.status !== null).map((r) => r.status),
        `${event.id}: answered attempts`,
      );
      const outage = mine.filter((a) => time(a.attempted_at) < loopStart + OUTAGE_MS);
      assert.ok(outage.length >= 1 && outage.every((a) => a.status_code === null && a.error), `${event.id}: refused during the outage`);
      const lost = requests.filter((r) => r.status === null).length;
      assert.equal(mine.filter((a) => a.status_code === null).length, outage.length + lost, `${event.id}: every unanswered attempt`);
      assert.ok(mine.length <= MAX_ATTEMPTS);
      // Attempts follow the schedule: never earlier than the delay after the previous one.
      const delays = SCHEDULE.split(',').map((d) => ({ s: 1000, m: 60_000 })[d.slice(-1) as 's' | 'm'] * Number(d.slice(0, -1)));
      for (let i = 1; i < mine.length; i++) {
        assert.ok(
          time(mine[i]!.attempted_at) - time(mine[i - 1]!.attempted_at) >= delays[i - 1]!,
          `${event.id}: attempt ${i + 1} waited its delay`,
        );
      }
    }
    const listed = await listWebhookEvents(server.db, { limit: 10_000 });
    const counts = new Map(listed.map((e) => [e.id, e.attempts]));
    for (const event of events) assert.equal(counts.get(event.id), attempts.filter((a) => a.event_id === event.id).length);
  });

  it('an attempt without an answer records why: connection refused vs. connection cut', async () => {
    const attempts = (await attemptsOf()).filter((a) => a.status_code === null);
    const refused = attempts.filter((a) => time(a.attempted_at) < loopStart + OUTAGE_MS);
    const cut = attempts.filter((a) => time(a.attempted_at) >= loopStart + OUTAGE_MS);
    assert.ok(refused.length > 0 && cut.length > 0);
    for (const a of refused) assert.match(a.error!, /ECONNREFUSED/);
    for (const a of cut) assert.match(a.error!, /UND_ERR_SOCKET|other side closed|ECONNRESET/);
  });
});

describe('the retry schedule', () => {
  it('defaults to 1 min, 5 min ×2, 10 min ×5, 1 h ×5, 6 h ×3 (17 attempts over about 24 h)', () => {
    const m = 60_000;
    const h = 60 * m;
    const schedule = loadConfig({}).webhookRetryScheduleMs;
    assert.deepEqual(schedule, [m, 5 * m, 5 * m, ...Array(5).fill(10 * m), ...Array(5).fill(h), ...Array(3).fill(6 * h)]);
    assert.equal(
      schedule.reduce((a, b) => a + b, 0),
      24 * h + m,
    );
  });
});

describe(`webhook give-up, URL change and replay (${DB})`, () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let merchant: MerchantCredentials;
  let maintenance = true;
  before(async () => {
    server = await startTestServer({ HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '1s,2s,5s' });
    receiver = new WebhookReceiver({ now: () => server.clock.now(), unavailable: () => maintenance });
    await receiver.start();
    merchant = await server.newMerchant('Down for long', { webhookUrl: `${receiver.url}/old` });
  });
  after(async () => {
    await receiver.stop();
    await server.close();
  });

  /** What `holdfast webhooks replay EVENT_ID` does (src/cli/webhooks.ts), on the test database. */
  const replay = (eventId: string) =>
    server.db.transaction(async (tx) => {
      await tx.query('update webhook_events set delivered_at = null, gave_up_at = null where id = $1', [eventId]);
      await enqueueWebhookDelivery(tx, eventId, server.config.webhookRetryScheduleMs, server.clock.now());
    });

  it('a receiver down past the whole schedule: 4 attempts, then the event is marked gave up', async () => {
    const client = await PineLabsClient.login(server.baseUrl, merchant);
    const orderId = await client.authorizedOrder(1200);
    for (let i = 0; i < 20; i++) {
      await server.runJobs();
      server.clock.advance(3000);
    }
    const [event] = await server.db.query<EventRow>('select * from webhook_events where order_id = $1', [orderId]);
    assert.ok(event);
    assert.equal(event.delivered_at, null);
    assert.ok(event.gave_up_at, 'gave_up_at is set');
    const attempts = await server.db.query<AttemptRow>('select * from webhook_attempts where event_id = $1 order by id', [event.id]);
    assert.equal(attempts.length, 4, 'one attempt plus one per delay of 1s,2s,5s');
    assert.ok(attempts.every((a) => a.status_code === 503 && a.response_excerpt === 'maintenance'));
    const [job] = await server.db.query<{ failed_at: Date | null; attempts: number; last_error: string }>(
      'select failed_at, attempts, last_error from jobs where job_key = $1',
      [`webhook:${event.id}`],
    );
    assert.ok(job?.failed_at, 'the job stays, failed, for inspection');
    assert.match(job.last_error, /503/);
    assert.equal(await server.runJobs(), 0, 'nothing retries by itself after giving up');
    assert.equal(receiver.requests.length, 4);
  });

  it('a changed URL applies to later attempts; a replay delivers the event under the same id', async () => {
    const [event] = await server.db.query<EventRow>('select * from webhook_events');
    assert.ok(event);
    maintenance = false;
    // Changeable: the merchant moves its endpoint (`holdfast merchant set-webhook`).
    assert.ok(await setWebhookEndpoint(server.db, merchant.merchant_id, `${receiver.url}/new`, undefined));
    await replay(event.id);
    const [queued] = await server.db.query<EventRow>('select * from webhook_events where id = $1', [event.id]);
    assert.equal(queued!.gave_up_at, null);
    assert.equal(
      (await server.db.query('select * from jobs where job_key = $1 and failed_at is null and attempts = 0', [`webhook:${event.id}`]))
        .length,
      1,
    );
    assert.equal(await server.runJobs(), 1);
    const request = receiver.requests.at(-1)!;
    assert.equal(request.path, '/new');
    assert.equal(request.id, event.id, 'the same webhook-id');
    assert.equal(request.body, event.payload, 'the same body');
    assert.equal(request.outcome, 'processed');
    verifyAt(merchant.webhook_secret, request.body, request.headers, request.at);
    const [delivered] = await server.db.query<EventRow>('select * from webhook_events where id = $1', [event.id]);
    assert.ok(delivered!.delivered_at);
    assert.equal(delivered!.gave_up_at, null);
    assert.equal((await server.db.query('select * from jobs where job_key = $1', [`webhook:${event.id}`])).length, 0);

    // Replaying a delivered event sends it again, same id: the receiver drops the duplicate.
    server.clock.advance(60_000);
    await replay(event.id);
    assert.equal(await server.runJobs(), 1);
    const again = receiver.requests.at(-1)!;
    assert.equal(again.id, event.id);
    assert.equal(again.outcome, 'duplicate');
    assert.equal(receiver.processed.size, 1);
    verifyAt(merchant.webhook_secret, again.body, again.headers, again.at);
    const attempts = await server.db.query<AttemptRow>('select * from webhook_attempts where event_id = $1 order by id', [event.id]);
    assert.deepEqual(
      attempts.map((a) => a.status_code),
      [503, 503, 503, 503, 200, 200],
    );
    assert.deepEqual(
      attempts.map((a) => new URL(a.url).pathname),
      ['/old', '/old', '/old', '/old', '/new', '/new'],
    );
  });
});

describe(`webhook events of one order list in causal order (${DB})`, () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  before(async () => {
    server = await startTestServer();
    receiver = new WebhookReceiver();
    await receiver.start();
  });
  after(async () => {
    await receiver.stop();
    await server.close();
  });

  it('even when events share a clock reading (TXN_CREATED / ORDER_AUTHORIZED of one request; PAYMENT_FAILED / ORDER_FAILED of one transaction)', async () => {
    const merchant = await server.newMerchant('Same tick', { webhookUrl: `${receiver.url}/hooks` });
    const juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
    const pineLabs = await PineLabsClient.login(server.baseUrl, merchant);
    const wrong: string[] = [];
    for (let i = 0; i < 8; i++) {
      const order = await juspay.authorizedOrder('10.00');
      const listed = (await listWebhookEvents(server.db, { orderId: order.id, limit: 10 })).map((e) => e.eventType).reverse();
      if (listed.join() !== 'TXN_CREATED,ORDER_AUTHORIZED') wrong.push(`${order.id}: ${listed.join()}`);
    }
    for (let i = 0; i < 4; i++) {
      const orderId = (await pineLabs.createOrder(1000)).body.data.order_id as string;
      for (let n = 0; n < 3; n++) await pineLabs.pay(orderId, 1000, CARDS.declined);
      const listed = (await listWebhookEvents(server.db, { orderId, limit: 10 })).map((e) => e.eventType).reverse();
      if (listed.join() !== 'PAYMENT_FAILED,PAYMENT_FAILED,PAYMENT_FAILED,ORDER_FAILED') wrong.push(`${orderId}: ${listed.join()}`);
    }
    assert.deepEqual(wrong, [], 'oldest first, as they happened');
  });
});

describe(`webhooks for outcomes settled by background jobs (${DB})`, () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let merchant: MerchantCredentials;
  before(async () => {
    server = await startTestServer({ HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '1s,2s,5s' });
    receiver = new WebhookReceiver({ now: () => server.clock.now(), secretFor: () => merchant.webhook_secret });
    await receiver.start();
    merchant = await server.newMerchant('Slow gateway', { webhookUrl: `${receiver.url}/hooks` });
  });
  after(async () => {
    await receiver.stop();
    await server.close();
  });

  const typesOf = async (orderId: string) =>
    (await server.db.query<EventRow>('select * from webhook_events where order_id = $1 order by created_at', [orderId])).map(
      (e) => e.event_type,
    );
  const bodyOf = async (orderId: string, type: string) => {
    const [event] = await server.db.query<EventRow>('select * from webhook_events where order_id = $1 and event_type = $2', [
      orderId,
      type,
    ]);
    assert.ok(event, `${type} for ${orderId}`);
    const received = receiver.processed.get(event.id);
    assert.ok(received, `${type} delivered`);
    return JSON.parse(received.body);
  };

  it('a pending capture or void resolved by the status sync, a timed-out capture, and the auto-void raise their events, delivered', async () => {
    const pineLabs = await PineLabsClient.login(server.baseUrl, merchant);
    const juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
    const capturePending = await pineLabs.authorizedOrder(3000, CARDS.capturePending);
    await pineLabs.capture(capturePending, { merchant_capture_reference: uniqueRef('cap') });
    const voidPending = await pineLabs.authorizedOrder(3000, CARDS.voidPending);
    await pineLabs.cancel(voidPending);
    const captureTimesOut = await juspay.authorizedOrder('30.00', CARDS.captureTimesOut);
    await juspay.capture(captureTimesOut.txnUuid);
    const neverCaptured = await pineLabs.authorizedOrder(3000);
    const neverCapturedJp = await juspay.authorizedOrder('30.00');
    server.clock.advance(1000);
    await server.runJobs();
    assert.deepEqual(await typesOf(capturePending), ['ORDER_AUTHORIZED'], 'pending: nothing to tell yet');
    assert.deepEqual(await typesOf(voidPending), ['ORDER_AUTHORIZED']);

    server.clock.advance(60_000); // past the first status inquiry
    await server.runJobs();
    assert.deepEqual(await typesOf(capturePending), ['ORDER_AUTHORIZED', 'ORDER_PROCESSED']);
    assert.equal((await bodyOf(capturePending, 'ORDER_PROCESSED')).data.status, 'PROCESSED');
    assert.deepEqual(await typesOf(voidPending), ['ORDER_AUTHORIZED', 'ORDER_CANCELLED']);
    assert.equal((await bodyOf(voidPending, 'ORDER_CANCELLED')).data.status, 'CANCELLED');
    assert.equal(
      causalTypes(await server.db.query<EventRow>('select * from webhook_events where order_id = $1', [captureTimesOut.id]), [
        'TXN_CREATED',
        'ORDER_AUTHORIZED',
        'ORDER_SUCCEEDED',
      ]).join(),
      'TXN_CREATED,ORDER_AUTHORIZED,ORDER_SUCCEEDED',
    );
    assert.equal((await bodyOf(captureTimesOut.id, 'ORDER_SUCCEEDED')).content.order.status, 'CHARGED');

    server.clock.advance(7 * 24 * 3_600_000); // the capture window closes
    await server.runJobs();
    assert.deepEqual(await typesOf(neverCaptured), ['ORDER_AUTHORIZED', 'ORDER_CANCELLED']);
    assert.equal((await bodyOf(neverCaptured, 'ORDER_CANCELLED')).data.status, 'CANCELLED');
    assert.equal((await typesOf(neverCapturedJp.id)).at(-1), 'ORDER_VOIDED');
    assert.equal((await bodyOf(neverCapturedJp.id, 'ORDER_VOIDED')).content.order.status, 'VOIDED');

    const undelivered = await server.db.query('select * from webhook_events where delivered_at is null');
    assert.deepEqual(undelivered, []);
    assert.ok(
      receiver.requests.every((r) => r.outcome === 'processed'),
      'each sent once, signature verified',
    );
  });
});
