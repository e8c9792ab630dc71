import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listWebhookEvents } from '../../src/store/webhooks-repository.js';
import {
  causalTypes,
  DB,
  deliverThroughOutage,
  JUSPAY_BASIC,
  MAX_ATTEMPTS,
  OUTAGE_MS,
  SCHEDULE,
  startScenario,
  time,
  type Delivery,
  type Scenario,
} from './helpers/delivery.js';
import { verifyAt, type ReceivedRequest } from './receiver.js';

/**
 * Delivery through a flaky receiver: `before` runs the flows of both dialects, then the delivery
 * jobs with the receiver down for the first 30 s of test-clock time and failing 30% of requests
 * afterwards, until every event is delivered. The tests only read what that run left (the
 * receiver's record and the database), so each passes alone and in any order.
 */
describe(`webhook delivery through a flaky receiver (${DB})`, () => {
  let scenario: Scenario;
  let delivery: Delivery;
  before(async () => {
    scenario = await startScenario();
    delivery = await deliverThroughOutage(scenario);
  });
  after(() => scenario.close());

  it('delivers every event through 30% random failures and a 30 s outage; the receiver acts on each webhook-id once', async (t) => {
    const { server, receiver } = scenario;
    const { rounds, undelivered } = delivery;
    assert.equal(undelivered, 0, `all delivered within ${rounds} rounds`);

    const events = await scenario.allEvents();
    assert.ok(events.every((e) => e.gave_up_at === null));
    assert.ok(
      events.every((e) => time(e.delivered_at!) >= delivery.loopStart + OUTAGE_MS),
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
    const { receiver, pl, jp, mixed } = scenario;
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
    const { receiver } = scenario;
    const events = await scenario.allEvents();
    const plFlows = scenario.hooked().filter((f) => f.dialect === 'pinelabs');
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
    const { receiver } = scenario;
    const events = await scenario.allEvents();
    const jpFlows = scenario.hooked().filter((f) => f.dialect === 'juspay');
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
    const { server, receiver, pl, jp, mixed } = scenario;
    const attempts = await scenario.attempts();
    const events = await scenario.allEvents();
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
      const outage = mine.filter((a) => time(a.attempted_at) < delivery.loopStart + OUTAGE_MS);
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
    const attempts = (await scenario.attempts()).filter((a) => a.status_code === null);
    const refused = attempts.filter((a) => time(a.attempted_at) < delivery.loopStart + OUTAGE_MS);
    const cut = attempts.filter((a) => time(a.attempted_at) >= delivery.loopStart + OUTAGE_MS);
    assert.ok(refused.length > 0 && cut.length > 0);
    for (const a of refused) assert.match(a.error!, /ECONNREFUSED/);
    for (const a of cut) assert.match(a.error!, /UND_ERR_SOCKET|other side closed|ECONNRESET/);
  });
});
