import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setReviewReason } from '../../src/store/orders-repository.js';
import { adminClient } from '../helpers/admin.js';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp } from '../juspay/helpers/juspay-http.js';

/** A merchant's webhook endpoint that takes everything. */
async function acceptingReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const receiver: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  if (!address || typeof address === 'string') throw new Error('receiver has no port');
  return {
    url: `http://127.0.0.1:${address.port}/hooks`,
    close: () =>
      new Promise((resolve) => {
        receiver.close(() => {
          resolve();
        });
      }),
  };
}

const query = (params: Record<string, string | string[]>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  return `?${search.toString()}`;
};

describe('admin API: orders search and order detail', () => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof acceptingReceiver>>;
  let merchantA: string;
  let merchantB: string;
  let pineLabs: PineLabsClient;
  let juspay: JuspayHttp;
  /** The Pine Labs order authorized, captured in part and refunded in part (merchant A). */
  let flowOrder: string;
  /** Juspay orders of merchant B. */
  let juspayOrder: { id: string; txnUuid: string; orderId: string };

  before(async () => {
    server = await startTestServer();
    receiver = await acceptingReceiver();
    const a = await server.newMerchant('Merchant A', { webhookUrl: receiver.url });
    const b = await server.newMerchant('Merchant B');
    merchantA = a.merchant_id;
    merchantB = b.merchant_id;
    pineLabs = await PineLabsClient.login(server.baseUrl, a);
    juspay = new JuspayHttp(server.baseUrl, b.api_key);

    const created = await pineLabs.request(
      'POST',
      '/api/pay/v1/orders',
      { merchant_order_reference: 'flow-ref-1', order_amount: { value: 10000, currency: 'INR' }, pre_auth: true },
      { 'Request-ID': 'req-create-flow-1' },
    );
    assert.equal(created.status, 200, JSON.stringify(created.body));
    flowOrder = created.body.data.order_id;
    server.clock.advance(1000);
    assert.equal((await pineLabs.pay(flowOrder, 10000)).status, 200);
    server.clock.advance(1000);
    const captured = await pineLabs.request(
      'PUT',
      `/api/pay/v1/orders/${flowOrder}/capture`,
      { merchant_capture_reference: 'cap-6000', capture_amount: { value: 6000, currency: 'INR' } },
      { 'Request-ID': 'req-capture-flow-1' },
    );
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    server.clock.advance(1000);
    assert.equal((await pineLabs.refund(flowOrder, 2500, 'rfd-2500')).status, 200);
    await server.runJobs();

    server.clock.advance(60_000);
    const paid = await juspay.authorizedOrder('250.00');
    juspayOrder = { id: paid.id, txnUuid: paid.txnUuid, orderId: paid.orderId };
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  it('answers the order detail: rows, ledger with running balances and invariants, timeline, webhooks', async () => {
    const viewer = await adminClient(server, 'viewer', [merchantA]);
    const response = await viewer.get(`/orders/${flowOrder}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const detail = response.body;

    assert.equal(detail.order.id, flowOrder);
    assert.equal(detail.order.merchant_id, merchantA);
    assert.equal(detail.order.dialect, 'pinelabs');
    assert.equal(detail.order.merchant_order_reference, 'flow-ref-1');
    assert.equal(detail.order.amount, 10000);
    assert.equal(detail.order.state, 'PARTIALLY_REFUNDED');
    assert.equal(detail.order.pre_auth, true);
    assert.equal(detail.order.review_reason, null);
    for (const key of ['expires_at', 'capture_deadline', 'payment_closed_reason']) assert.ok(key in detail.order, key);

    assert.equal(detail.payments.length, 1);
    const [payment] = detail.payments;
    assert.equal(payment.status, 'CAPTURED');
    assert.deepEqual(payment.card, { network: 'VISA', bin: '411111', last4: '1111', expiry_month: '12', expiry_year: '2035' });
    assert.equal(payment.connector, 'sandbox');
    assert.ok(!JSON.stringify(detail).includes('4111111111111111'), 'never the card number');
    assert.deepEqual(
      detail.captures.map((c: any) => [c.reference, c.amount, c.status]),
      [['cap-6000', 6000, 'SUCCEEDED']],
    );
    assert.deepEqual(
      detail.reversals.map((r: any) => [r.kind, r.amount, r.status]),
      [['REMAINDER', 4000, 'SUCCEEDED']],
    );
    assert.deepEqual(
      detail.refunds.map((r: any) => [r.reference, r.amount, r.status]),
      [['rfd-2500', 2500, 'SUCCEEDED']],
    );

    // The ledger as the tables hold it, read independently of the code under test.
    const ledger = await orderLedger(server.db, flowOrder);
    assert.deepEqual(detail.ledger.balances, { customer: -ledger.merchant - ledger.held, held: ledger.held, merchant: ledger.merchant });
    assert.deepEqual(detail.ledger.balances, { customer: -3500, held: 0, merchant: 3500 });
    assert.deepEqual(
      detail.ledger.entries.map((e: any) => e.kind),
      ['AUTHORIZE', 'CAPTURE', 'REVERSE', 'REFUND'],
    );
    const running: Record<string, number> = {};
    for (const entry of detail.ledger.entries) {
      assert.equal(
        entry.postings.reduce((s: number, p: { amount: number }) => s + p.amount, 0),
        0,
        'each entry sums to zero',
      );
      for (const p of entry.postings as { account: string; amount: number; balance_after: number }[]) {
        running[p.account] = (running[p.account] ?? 0) + p.amount;
        assert.equal(p.balance_after, running[p.account], `${entry.kind} ${p.account} balance_after`);
      }
    }
    assert.ok(detail.ledger.invariants.length >= 5);
    assert.ok(
      detail.ledger.invariants.every((i: any) => i.ok === true),
      JSON.stringify(detail.ledger.invariants),
    );
    await assertLedgerInvariants(server.db);

    const timeline: any[] = detail.timeline;
    const times = timeline.map((e) => Date.parse(e.at));
    assert.deepEqual(
      times,
      [...times].sort((x, y) => x - y),
      'in time order',
    );
    const calls = timeline.filter((e) => e.kind === 'api_call');
    assert.ok(calls.some((e) => e.request_id === 'req-create-flow-1' && /created/.test(e.title)));
    assert.ok(calls.some((e) => e.request_id === 'req-capture-flow-1' && /Capture/.test(e.title)));
    assert.ok(calls.some((e) => /Refund/.test(e.title)));
    const states = timeline.filter((e) => e.kind === 'state').map((e) => e.title);
    assert.equal(states[0], 'State CREATED');
    assert.ok(states.some((t) => t.startsWith('Authorized')));
    assert.ok(states.some((t) => t.startsWith('Captured')));
    assert.ok(states.some((t) => t.startsWith('Refunded')));
    assert.ok(timeline.some((e) => e.kind === 'gateway' && e.title === 'Payment CAPTURED'));
    assert.ok(timeline.some((e) => e.kind === 'gateway' && e.title === 'Capture answered: SUCCEEDED'));
    // Every gateway answer carries how long the call that gave it took, stored with the answer:
    // the authorization (on the payment), the capture, the release of the remainder, the refund.
    const answers = timeline.filter((e) => e.kind === 'gateway' && !/sent to/.test(e.title));
    assert.deepEqual(answers.map((e) => e.title).sort(), [
      'Capture answered: SUCCEEDED',
      'Payment CAPTURED',
      'Refund answered: SUCCEEDED',
      'Release of the uncaptured rest answered: SUCCEEDED',
    ]);
    for (const e of answers) assert.ok(Number.isInteger(e.latency_ms) && e.latency_ms >= 0, JSON.stringify(e));
    for (const e of timeline.filter((t) => /sent to/.test(t.title)))
      assert.equal(e.latency_ms, null, 'a request has no latency of its own');
    const stored = await server.db.query<{ table: string; latency: number | null }>(
      `select 'payments' as table, gateway_latency_ms as latency from payments where order_id = $1
       union all select 'captures', gateway_latency_ms from captures where order_id = $1
       union all select 'reversals', gateway_latency_ms from reversals where order_id = $1
       union all select 'refunds', gateway_latency_ms from refunds where order_id = $1`,
      [flowOrder],
    );
    assert.deepEqual(
      stored.map((r) => [r.table, r.latency]),
      [
        ['payments', payment.gateway_latency_ms],
        ['captures', detail.captures[0].gateway_latency_ms],
        ['reversals', detail.reversals[0].gateway_latency_ms],
        ['refunds', detail.refunds[0].gateway_latency_ms],
      ],
    );
    assert.ok(
      stored.every((r) => Number.isInteger(r.latency) && (r.latency ?? -1) >= 0),
      JSON.stringify(stored),
    );

    // Merchant A has a webhook URL: each state change's event, delivered by the jobs run above.
    assert.ok(detail.webhooks.length >= 3, JSON.stringify(detail.webhooks));
    for (const hook of detail.webhooks) {
      assert.equal(hook.dialect, 'pinelabs');
      assert.notEqual(hook.delivered_at, null);
      assert.equal(hook.attempts.length, 1);
      assert.equal(hook.attempts[0].status_code, 200);
      assert.equal(hook.attempts[0].url, receiver.url);
    }
    const webhookEvents = timeline.filter((e) => e.kind === 'webhook');
    assert.equal(webhookEvents.length, detail.webhooks.length);
    assert.ok(webhookEvents.every((e) => typeof e.latency_ms === 'number'));
    assert.deepEqual(detail.links, [], 'a plain server-to-server order has no hosted page');
  });

  it("shows a Juspay order's payment page and return redirect among its links", async () => {
    const viewer = await adminClient(server, 'viewer');
    const detail = (await viewer.get(`/orders/${juspayOrder.id}`)).body;
    assert.equal(detail.order.dialect, 'juspay');
    assert.deepEqual(
      detail.links.map((l: any) => [l.kind, l.url]),
      [
        ['session', `/merchant/pay/${juspayOrder.id}`],
        ['redirect', `/merchant/return/${juspayOrder.txnUuid}`],
      ],
    );
    assert.deepEqual(detail.ledger.balances, { customer: -25000, held: 25000, merchant: 0 });
    const job = detail.timeline.find((e: any) => e.kind === 'job');
    assert.ok(job, 'the authorization waits on its capture-window job');
  });

  it('finds orders by each filter', async () => {
    const viewer = await adminClient(server, 'viewer');
    const ids = async (params: Record<string, string | string[]>) => {
      const response = await viewer.get(`/orders${query(params)}`);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return response.body.data.map((o: any) => o.id);
    };
    const t0 = server.clock.now();
    server.clock.advance(60_000);
    const small = (await pineLabs.createOrder(700, { reference: 'filter-small' })).body.data.order_id;
    server.clock.advance(60_000);
    const big = (await pineLabs.createOrder(900_000, { reference: 'filter-big' })).body.data.order_id;
    const t2 = server.clock.now();
    server.clock.advance(60_000);
    const flagged = await pineLabs.authorizedOrder(5000);
    await setReviewReason(server.db, flagged, 'capture outcome unknown after the last inquiry', server.clock.now());

    assert.deepEqual(await ids({ order_id: small }), [small]);
    assert.deepEqual(await ids({ merchant_order_reference: 'filter-big' }), [big]);
    assert.deepEqual(await ids({ txn_uuid: juspayOrder.txnUuid }), [juspayOrder.id]);
    assert.deepEqual(await ids({ merchant_id: merchantB }), [juspayOrder.id]);
    assert.deepEqual(await ids({ in_review: 'true' }), [flagged]);
    assert.deepEqual(await ids({ created_from: new Date(t0.getTime() + 1).toISOString(), created_to: t2.toISOString() }), [big, small]);
    assert.deepEqual(await ids({ amount_min: '800000' }), [big]);
    assert.deepEqual(await ids({ amount_max: '700', merchant_id: merchantA }), [small]);
    assert.deepEqual(await ids({ status: 'PARTIALLY_REFUNDED' }), [flowOrder]);
    assert.deepEqual(await ids({ status: ['PARTIALLY_REFUNDED', 'AUTHORIZED'], merchant_id: merchantA }), [flagged, flowOrder]);
    assert.deepEqual(await ids({ status: 'AUTHORIZED', merchant_id: merchantA, in_review: 'false' }), []);
    assert.deepEqual(await ids({ merchant_order_reference: 'filter-big', merchant_id: merchantB }), [], 'filters combine with "and"');

    const summary = (await viewer.get(`/orders${query({ order_id: flagged })}`)).body.data[0];
    assert.deepEqual(Object.keys(summary).sort(), [
      'amount',
      'created_at',
      'currency',
      'dialect',
      'id',
      'merchant_id',
      'merchant_order_reference',
      'pre_auth',
      'review_reason',
      'state',
      'updated_at',
    ]);
    assert.equal(summary.review_reason, 'capture outcome unknown after the last inquiry');
  });

  it('pages through 60 orders made in the same instant with the cursor, each exactly once, newest first', async () => {
    const merchant = await server.newMerchant('Sixty orders');
    const client = await PineLabsClient.login(server.baseUrl, merchant);
    const made = new Set<string>();
    for (let i = 0; i < 60; i++) made.add((await client.createOrder(100 + i, { reference: uniqueRef('page') })).body.data.order_id);
    const viewer = await adminClient(server, 'viewer');
    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const params: Record<string, string> = { merchant_id: merchant.merchant_id, limit: '7', ...(cursor ? { cursor } : {}) };
      const page = await viewer.get(`/orders${query(params)}`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.ok(page.body.data.length <= 7);
      seen.push(...page.body.data);
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor !== null);
    assert.equal(pages, 9);
    assert.equal(seen.length, 60);
    assert.deepEqual(new Set(seen.map((o) => o.id)), made);
    const keys = seen.map((o) => [o.created_at, o.id]);
    const sorted = [...keys].sort((x, y) => (x[0] === y[0] ? (x[1] < y[1] ? 1 : -1) : x[0] < y[0] ? 1 : -1));
    assert.deepEqual(keys, sorted, 'newest first, ties by id');

    const firstPage = await viewer.get(`/orders${query({ merchant_id: merchant.merchant_id })}`);
    assert.equal(firstPage.body.data.length, 25, 'limit defaults to 25');
  });

  it("keeps a viewer limited to merchant A away from B's orders", async () => {
    const viewerA = await adminClient(server, 'viewer', [merchantA]);
    const all = await viewerA.get('/orders?limit=100');
    assert.equal(all.status, 200);
    assert.ok(all.body.data.length > 0);
    assert.ok(all.body.data.every((o: any) => o.merchant_id === merchantA));
    assert.deepEqual((await viewerA.get(`/orders${query({ merchant_id: merchantB })}`)).body, { data: [], next_cursor: null });
    assert.deepEqual((await viewerA.get(`/orders${query({ txn_uuid: juspayOrder.txnUuid })}`)).body.data, []);
    assert.deepEqual((await viewerA.get(`/orders${query({ order_id: juspayOrder.id })}`)).body.data, []);

    const hidden = await viewerA.get(`/orders/${juspayOrder.id}`);
    const missing = await viewerA.get('/orders/no-such-order');
    assert.equal(hidden.status, 404);
    assert.deepEqual(hidden.body, missing.body, 'exactly as if it did not exist');
    assert.deepEqual(missing.body, { error: 'not_found', message: 'No such order' });
  });

  it('refuses malformed filters with 400 bad_request', async () => {
    const viewer = await adminClient(server, 'viewer');
    for (const params of [
      { status: 'NOPE' },
      { status: ['AUTHORIZED', 'authorized'] },
      { created_from: 'yesterday' },
      { created_to: '2026-01-01' },
      { amount_min: '-1' },
      { amount_max: '1.5' },
      { limit: '0' },
      { limit: '101' },
      { limit: 'ten' },
      { cursor: 'not-a-cursor' },
      { cursor: Buffer.from('["x","y"]').toString('base64url') },
      { in_review: 'maybe' },
      { colour: 'red' },
      { merchant_order_reference: 'x'.repeat(201) },
    ] as Record<string, string | string[]>[]) {
      const response = await viewer.get(`/orders${query(params)}`);
      assert.equal(response.status, 400, `${JSON.stringify(params)}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error, 'bad_request');
      assert.equal(typeof response.body.message, 'string');
    }
    const anonymous = await fetch(`${server.baseUrl}/admin/v1/orders`);
    assert.equal(anonymous.status, 401);
  });

  it('still renders gateway answers stored before latencies were kept (null)', async () => {
    const orderId = await pineLabs.authorizedOrder(5000);
    const captured = await pineLabs.capture(orderId, {
      merchant_capture_reference: uniqueRef('cap'),
      capture_amount: { value: 5000, currency: 'INR' },
    });
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    const before = await server.db.query<{ latency: number | null }>(
      `select gateway_latency_ms as latency from payments where order_id = $1
       union all select gateway_latency_ms from captures where order_id = $1`,
      [orderId],
    );
    assert.ok(before.length === 2 && before.every((r) => r.latency !== null), 'this version stores the latency with the answer');
    // As a version before migrations/027_gateway_call_latency.sql left the rows.
    await server.db.query('update payments set gateway_latency_ms = null where order_id = $1', [orderId]);
    await server.db.query('update captures set gateway_latency_ms = null where order_id = $1', [orderId]);

    const viewer = await adminClient(server, 'viewer', [merchantA]);
    const response = await viewer.get(`/orders/${orderId}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const gateway = response.body.timeline.filter((e: any) => e.kind === 'gateway');
    assert.ok(gateway.some((e: any) => e.title === 'Payment CAPTURED' && e.latency_ms === null));
    assert.ok(gateway.some((e: any) => e.title === 'Capture answered: SUCCEEDED' && e.latency_ms === null));
    assert.equal(response.body.payments[0].gateway_latency_ms, null);
    assert.equal(response.body.captures[0].gateway_latency_ms, null);
  });
});
