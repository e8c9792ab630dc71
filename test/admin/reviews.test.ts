import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { adminClient } from '../helpers/admin.js';
import { assertLedgerInvariants, orderLedger, snapshot } from '../helpers/ledger-check.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { ScriptedConnector } from '../helpers/scripted-connector.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { WebhookReceiver } from '../webhooks/receiver.js';

const HOUR = 3600 * 1000;
const REASON = 'Confirmed with the acquirer by phone, ticket 4711';

describe('admin API: manual review', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let merchant: MerchantCredentials;
  let other: MerchantCredentials;
  // A gateway whose captures never answer, not even to the status inquiries: their orders end in review.
  const gateway = new ScriptedConnector('scripted-review');
  const inReview: { orderId: string; captureId: string }[] = [];
  let authorizationInReview: { orderId: string; paymentId: string };

  const captureIdOf = async (orderId: string) =>
    (await server.db.query<{ id: string }>('select id from captures where order_id = $1', [orderId]))[0]!.id;
  const eventsOf = async (orderId: string) =>
    server.db.query<{ id: string; event_type: string; delivered_at: Date | null }>(
      'select id, event_type, delivered_at from webhook_events where order_id = $1 order by seq',
      [orderId],
    );
  const auditOf = async (orderId: string) =>
    server.db.query<{ action: string; reason: string | null; actor_kind: string; before: unknown; after: unknown }>(
      "select action, reason, actor_kind, before, after from audit_log where target_type = 'order' and target_id = $1 order by id",
      [orderId],
    );

  before(async () => {
    server = await startTestServer({}, { connectors: [gateway] });
    receiver = new WebhookReceiver({ now: () => server.clock.now() });
    await receiver.start();
    merchant = await server.newMerchant('Reviewed shop', { connector: gateway.name, webhookUrl: `${receiver.url}/hooks` });
    other = await server.newMerchant('Other shop', { connector: gateway.name });
    gateway.play({
      capture: () => Promise.resolve({ kind: 'unknown', reason: 'timeout' }),
      inquire: () => Promise.resolve({ kind: 'unknown', reason: 'gateway cannot tell' }),
    });
    const client = await PineLabsClient.login(server.baseUrl, merchant);
    for (const amount of [1500, 2500]) {
      const orderId = await client.authorizedOrder(amount);
      await client.capture(orderId, { merchant_capture_reference: `limbo-${amount}` });
      inReview.push({ orderId, captureId: await captureIdOf(orderId) });
    }
    // And an authorization whose answer never came, which no inquiry could find out either.
    gateway.play({
      capture: () => Promise.resolve({ kind: 'unknown', reason: 'timeout' }),
      inquire: () => Promise.resolve({ kind: 'unknown', reason: 'gateway cannot tell' }),
      authorize: () => Promise.reject(new Error('connect ETIMEDOUT')),
      inquireAuthorization: () => Promise.resolve({ kind: 'unknown', connectorReference: null, reason: 'gateway cannot tell' }),
    });
    const created = await client.createOrder(3300);
    const unpaid = created.body.data.order_id as string;
    await client.pay(unpaid, 3300);
    const [payment] = await server.db.query<{ id: string }>('select id from payments where order_id = $1', [unpaid]);
    authorizationInReview = { orderId: unpaid, paymentId: payment!.id };
    // Every status inquiry runs out (the default policy: 10 attempts, backing off to an hour).
    for (let i = 0; i < 15; i++) {
      server.clock.advance(HOUR);
      await server.runJobs();
    }
    gateway.play({});
  });
  after(async () => {
    await server.close();
    await receiver.stop();
  });

  it('lists the orders whose outcome stayed unknown, with the operations still pending, within the caller’s merchants', async () => {
    const viewer = await adminClient(server, 'viewer');
    const listed = await viewer.get('/reviews');
    assert.equal(listed.status, 200);
    assert.equal(listed.body.next_cursor, null);
    const [first, second] = inReview;
    assert.deepEqual(
      listed.body.data.map((r: { order_id: string }) => r.order_id).sort(),
      [first!.orderId, second!.orderId, authorizationInReview.orderId].sort(),
    );
    const item = listed.body.data.find((r: { order_id: string }) => r.order_id === first!.orderId);
    assert.equal(item.merchant_id, merchant.merchant_id);
    assert.equal(item.state, 'CAPTURE_PENDING');
    assert.match(item.reason, /outcome still unknown after the last status inquiry/);
    assert.ok(!Number.isNaN(Date.parse(item.flagged_at)));
    assert.deepEqual(item.operations, [{ id: first!.captureId, kind: 'capture', amount: 1500, currency: 'INR', status: 'UNKNOWN' }]);

    const page = await viewer.get('/reviews?limit=1');
    assert.equal(page.body.data.length, 1);
    const rest = await viewer.get(`/reviews?limit=2&cursor=${page.body.next_cursor}`);
    assert.equal(rest.body.data.length, 2);
    assert.equal(rest.body.next_cursor, null);
    assert.ok(!rest.body.data.some((r: { order_id: string }) => r.order_id === page.body.data[0].order_id));

    const elsewhere = await adminClient(server, 'viewer', [other.merchant_id]);
    assert.deepEqual((await elsewhere.get('/reviews')).body.data, []);
    assert.deepEqual((await viewer.get(`/reviews?merchant_id=${other.merchant_id}`)).body.data, []);
    assert.equal((await viewer.get('/reviews?limit=0')).status, 400);
  });

  it('refuses a viewer (403), a short reason (400), an unknown operation (404) and another merchant’s order (404), changing nothing', async () => {
    const [{ orderId, captureId }] = [inReview[0]!];
    const before = await snapshot(server.db, orderId);
    const body = { operation_id: captureId, outcome: 'succeeded', reason: REASON };

    const viewer = await adminClient(server, 'viewer');
    const refused = await viewer.post(`/reviews/${orderId}/resolve`, body);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error, 'forbidden');

    const support = await adminClient(server, 'support');
    const short = await support.post(`/reviews/${orderId}/resolve`, { ...body, reason: 'checked' });
    assert.equal(short.status, 400);
    assert.equal(short.body.error, 'bad_request');
    assert.match(short.body.message, /reason/);
    const blank = await support.post(`/reviews/${orderId}/resolve`, { ...body, reason: '             ' });
    assert.equal(blank.status, 400);
    assert.equal((await support.post(`/reviews/${orderId}/resolve`, { ...body, outcome: 'maybe' })).status, 400);
    assert.equal((await support.post(`/reviews/${orderId}/resolve`, { ...body, operation_id: 'cap_nope' })).status, 404);

    const elsewhere = await adminClient(server, 'support', [other.merchant_id]);
    const hidden = await elsewhere.post(`/reviews/${orderId}/resolve`, body);
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.error, 'not_found');

    assert.deepEqual(await snapshot(server.db, orderId), before);
    assert.deepEqual(await auditOf(orderId), []);
  });

  it('resolves a capture as succeeded through the gateway-answer path: state, balanced postings, webhook, audit with the reason', async () => {
    const { orderId, captureId } = inReview[0]!;
    const eventsBefore = await eventsOf(orderId);
    const support = await adminClient(server, 'support');
    const resolved = await support.post(`/reviews/${orderId}/resolve`, {
      operation_id: captureId,
      outcome: 'succeeded',
      reason: REASON,
      gateway_reference: 'ACQ-778899',
    });
    assert.equal(resolved.status, 200);
    assert.deepEqual(resolved.body, {
      order_id: orderId,
      state: 'CAPTURED',
      changed: { operation: { id: captureId, kind: 'capture', status: 'SUCCEEDED', gateway_reference: 'ACQ-778899' } },
    });

    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 1500,
      captured: 1500,
      reversed: 0,
      refunded: 0,
      held: 0,
      merchant: 1500,
    });
    await assertLedgerInvariants(server.db);

    const events = await eventsOf(orderId);
    assert.equal(events.length, eventsBefore.length + 1, 'one webhook event for the capture');
    const event = events.at(-1)!;
    await server.runJobs();
    assert.ok((await eventsOf(orderId)).at(-1)!.delivered_at, 'the event was delivered');
    assert.equal(receiver.requestsFor(event.id).length, 1);

    const audit = await auditOf(orderId);
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.action, 'review.resolve');
    assert.equal(audit[0]!.reason, REASON);
    assert.equal(audit[0]!.actor_kind, 'token');

    const listed = await support.get('/reviews');
    assert.ok(!listed.body.data.some((r: { order_id: string }) => r.order_id === orderId), 'it left the queue');
    const [job] = await server.db.query('select id from jobs where job_key = $1', [`sync:${captureId}`]);
    assert.equal(job, undefined, 'the inquiry that gave up is gone');
  });

  it('a second resolution of the same order is a 409 conflict and changes nothing', async () => {
    const { orderId, captureId } = inReview[0]!;
    const before = await snapshot(server.db, orderId);
    const support = await adminClient(server, 'support');
    const again = await support.post(`/reviews/${orderId}/resolve`, { operation_id: captureId, outcome: 'failed', reason: REASON });
    assert.equal(again.status, 409);
    assert.equal(again.body.error, 'conflict');
    assert.deepEqual(await snapshot(server.db, orderId), before);
    assert.equal((await auditOf(orderId)).length, 1);
  });

  it('two concurrent resolutions as failed: one 200, one 409, and the answer is applied once', async () => {
    const { orderId, captureId } = inReview[1]!;
    const eventsBefore = await eventsOf(orderId);
    const support = await adminClient(server, 'support');
    const body = { operation_id: captureId, outcome: 'failed', reason: 'The acquirer has no record of this capture' };
    const answers = await Promise.all([
      support.post(`/reviews/${orderId}/resolve`, body),
      support.post(`/reviews/${orderId}/resolve`, body),
    ]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409]);
    const ok = answers.find((a) => a.status === 200)!;
    assert.equal(ok.body.state, 'CAPTURE_FAILED');
    assert.equal(ok.body.changed.operation.status, 'FAILED');

    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 2500,
      captured: 0,
      reversed: 0,
      refunded: 0,
      held: 2500,
      merchant: 0,
    });
    await assertLedgerInvariants(server.db);
    assert.equal((await eventsOf(orderId)).length, eventsBefore.length + 1, 'one webhook event');
    const audit = await auditOf(orderId);
    assert.deepEqual(
      audit.map((a) => [a.action, a.reason]),
      [['review.resolve', body.reason]],
    );
    assert.deepEqual(
      (await support.get('/reviews')).body.data.map((r: { order_id: string }) => r.order_id),
      [authorizationInReview.orderId],
    );
  });

  it('resolves an authorization as succeeded: AUTHORIZED with the gateway’s reference, the amount held, the capture window started', async () => {
    const { orderId, paymentId } = authorizationInReview;
    const viewer = await adminClient(server, 'viewer');
    const [item] = (await viewer.get('/reviews')).body.data;
    assert.deepEqual(item.operations, [{ id: paymentId, kind: 'authorization', amount: 3300, currency: 'INR', status: 'PENDING' }]);
    const support = await adminClient(server, 'support');
    const resolved = await support.post(`/reviews/${orderId}/resolve`, {
      operation_id: paymentId,
      outcome: 'succeeded',
      reason: 'The acquirer approved it; see its settlement report',
      gateway_reference: 'AUTH-5521',
    });
    assert.equal(resolved.status, 200);
    assert.equal(resolved.body.state, 'AUTHORIZED');
    assert.deepEqual(resolved.body.changed.operation, {
      id: paymentId,
      kind: 'authorization',
      status: 'AUTHORIZED',
      gateway_reference: 'AUTH-5521',
    });
    assert.equal((await orderLedger(server.db, orderId)).held, 3300);
    const [job] = await server.db.query('select id from jobs where job_key = $1', [`auto-void:${orderId}`]);
    assert.ok(job, 'the capture window is kept by the auto-void job, as after any authorization');
    await assertLedgerInvariants(server.db);
    assert.deepEqual((await support.get('/reviews')).body.data, []);
  });
});
