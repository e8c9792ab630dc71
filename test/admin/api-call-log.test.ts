import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runRetention } from '../../src/core/retention.js';
import { ApiCallLog } from '../../src/core/api-call-log.js';
import { insertApiCalls, type ApiCallRow } from '../../src/store/api-calls-repository.js';
import { migrate } from '../../src/store/migrate.js';
import { adminClient } from '../helpers/admin.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { openTestDatabase } from '../helpers/test-database.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp } from '../juspay/helpers/juspay-http.js';

const DAY = 24 * 3600 * 1000;
/** A card number and CVV that appear nowhere else in these requests. */
const CARD = '4111111111111111';
const CVV = '987';

/**
 * The API call log: every merchant API call that named an order (reads and refused calls too) is
 * in the order's admin timeline with its method, route pattern, status, Request-ID and duration,
 * and only in its own merchant's orders; the table never holds card data.
 */
describe('API call log in the order timeline', () => {
  let server: TestServer;
  let pineLabsA: PineLabsClient;
  let pineLabsB: PineLabsClient;
  let juspayB: JuspayHttp;
  let orderA: string;
  let orderB: string;
  let juspayOrder: { id: string; orderId: string };

  const timelineOf = async (orderId: string) => {
    await server.app.server.flushApiCalls();
    const admin = await adminClient(server, 'admin');
    const detail = await admin.get(`/orders/${orderId}`);
    assert.equal(detail.status, 200, JSON.stringify(detail.body));
    return (detail.body.timeline as any[]).filter((e) => e.kind === 'api_call' && e.call !== null);
  };

  before(async () => {
    server = await startTestServer();
    const a = await server.newMerchant('Merchant A');
    const b = await server.newMerchant('Merchant B');
    pineLabsA = await PineLabsClient.login(server.baseUrl, a);
    pineLabsB = await PineLabsClient.login(server.baseUrl, b);
    juspayB = new JuspayHttp(server.baseUrl, b.api_key);

    const created = await pineLabsA.request(
      'POST',
      '/api/pay/v1/orders',
      { merchant_order_reference: uniqueRef('ord'), order_amount: { value: 10000, currency: 'INR' }, pre_auth: true },
      { 'Request-ID': 'req-create-a' },
    );
    assert.equal(created.status, 200, JSON.stringify(created.body));
    orderA = created.body.data.order_id;
    // Each call a second apart on the test clock: a call's time is when it started, by the server's clock.
    const tick = () => {
      server.clock.advance(1000);
    };
    tick();
    const paid = await pineLabsA.request('POST', `/api/pay/v1/orders/${orderA}/payments`, {
      payments: [
        {
          merchant_payment_reference: uniqueRef('pay'),
          payment_method: 'CARD',
          payment_amount: { value: 10000, currency: 'INR' },
          payment_option: {
            card_details: { name: 'Test Holder', card_number: CARD, cvv: CVV, expiry_month: '12', expiry_year: '2035' },
          },
        },
      ],
    });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    tick();
    assert.equal((await pineLabsA.getOrder(`${orderA}?probe=1`)).status, 200);
    tick();
    const over = await pineLabsA.request(
      'PUT',
      `/api/pay/v1/orders/${orderA}/capture`,
      { merchant_capture_reference: 'cap-over', capture_amount: { value: 20000, currency: 'INR' } },
      { 'Request-ID': 'req-capture-over' },
    );
    assert.ok(over.status >= 400 && over.status < 500, `over-amount capture refused: ${over.status}`);
    tick();
    const captured = await pineLabsA.request(
      'PUT',
      `/api/pay/v1/orders/${orderA}/capture`,
      { merchant_capture_reference: 'cap-6000', capture_amount: { value: 6000, currency: 'INR' } },
      { 'Request-ID': 'req-capture-a' },
    );
    assert.equal(captured.status, 200, JSON.stringify(captured.body));

    // Merchant B: an order of its own, and a read of A's order id, refused as not found.
    tick();
    orderB = (await pineLabsB.createOrder(5000)).body.data.order_id;
    tick();
    assert.equal((await pineLabsB.request('GET', `/api/pay/v1/orders/${orderA}`, undefined, { 'Request-ID': 'req-b-probe' })).status, 404);
    tick();
    assert.equal((await pineLabsB.getOrder(orderB)).status, 200);

    tick();
    const juspayRef = uniqueRef('jp');
    const juspayCreated = await juspayB.createOrder(juspayRef, '250.00');
    assert.equal(juspayCreated.status, 200, JSON.stringify(juspayCreated.body));
    juspayOrder = { id: juspayCreated.body.id, orderId: juspayRef };
    tick();
    const txn = await juspayB.txn(juspayRef, CARD);
    assert.equal(txn.status, 200, JSON.stringify(txn.body));
    tick();
    assert.equal((await juspayB.status(juspayRef)).status, 200);
  });
  after(async () => {
    await server.close();
  });

  it('lists each Pine Labs call: create, pay, status read, refused capture and capture, with Request-IDs', async () => {
    const calls = await timelineOf(orderA);
    const summary = calls.map((e) => [e.call.method, e.call.route, e.call.status, e.request_id]);
    assert.deepEqual(summary.slice(0, 3), [
      ['POST', '/api/pay/v1/orders', 200, 'req-create-a'],
      ['POST', '/api/pay/v1/orders/:order_id/payments', 200, null],
      ['GET', '/api/pay/v1/orders/:order_id', 200, null],
    ]);
    const [refused, capture] = calls.slice(3);
    assert.equal(refused.call.method, 'PUT');
    assert.equal(refused.call.route, '/api/pay/v1/orders/:order_id/capture');
    assert.ok(refused.call.status >= 400 && refused.call.status < 500);
    assert.equal(refused.request_id, 'req-capture-over');
    assert.deepEqual(
      [capture.call.method, capture.call.route, capture.call.status, capture.request_id],
      ['PUT', '/api/pay/v1/orders/:order_id/capture', 200, 'req-capture-a'],
    );
    assert.equal(calls.length, 5, JSON.stringify(summary));
    for (const e of calls) {
      assert.equal(e.call.dialect, 'pinelabs');
      assert.ok(Number.isInteger(e.latency_ms) && e.latency_ms >= 0);
      assert.match(e.title, new RegExp(`^${e.call.method} /api/pay/v1/orders\\S* answered ${e.call.status}$`));
      assert.ok(e.call.server_request_id.length > 0);
    }
    // The calls that made a change are still shown as changes too.
    const all = (await (await adminClient(server, 'admin')).get(`/orders/${orderA}`)).body.timeline as any[];
    assert.ok(all.some((e) => e.kind === 'api_call' && e.call === null && /created/.test(e.title) && e.request_id === 'req-create-a'));
    assert.ok(all.some((e) => e.kind === 'api_call' && e.call === null && /Capture/.test(e.title) && e.request_id === 'req-capture-a'));
  });

  it("never shows a call of merchant B in merchant A's order, nor A's in B's", async () => {
    const callsA = await timelineOf(orderA);
    assert.ok(!callsA.some((e) => e.request_id === 'req-b-probe'));
    const callsB = await timelineOf(orderB);
    assert.deepEqual(
      callsB.map((e) => [e.call.method, e.call.route, e.call.status]),
      [
        ['POST', '/api/pay/v1/orders', 200],
        ['GET', '/api/pay/v1/orders/:order_id', 200],
      ],
    );
    // B's refused read of A's order is stored under B, and shown on no order of A.
    const rows = await server.db.query<{ merchant_id: string }>('select merchant_id from api_calls where request_id = $1', ['req-b-probe']);
    assert.equal(rows.length, 1);
    assert.notEqual(
      rows[0]?.merchant_id,
      (await server.db.query<{ merchant_id: string }>('select merchant_id from orders where id = $1', [orderA]))[0]?.merchant_id,
    );
  });

  it("lists the Juspay calls under Holdfast's order id, the status read by the merchant's order id included", async () => {
    const calls = await timelineOf(juspayOrder.id);
    assert.deepEqual(
      calls.map((e) => [e.call.method, e.call.route, e.call.status, e.call.dialect]),
      [
        ['POST', '/orders', 200, 'juspay'],
        ['POST', '/txns', 200, 'juspay'],
        ['GET', '/orders/:order_id', 200, 'juspay'],
      ],
    );
  });

  it('holds no card number, CVV, URL or query string in any column', async () => {
    await server.app.server.flushApiCalls();
    const rows = await server.db.query('select * from api_calls');
    assert.ok(rows.length >= 10);
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        const text = value instanceof Date ? value.toISOString() : String(value);
        assert.ok(!text.includes(CARD), `${column} holds the card number`);
        assert.ok(!text.includes(CARD.slice(-10)), `${column} holds part of the card number`);
        assert.notEqual(text, CVV, `${column} is the CVV`);
        assert.ok(!text.includes('?'), `${column} holds a query string`);
      }
      for (const column of ['method', 'route', 'dialect']) assert.ok(!String(row[column]).includes(CVV), `${column} holds the CVV`);
      assert.ok(!String(row.route).includes(orderA), 'the route is the pattern, not the URL');
    }
    const dropped = await server.app.metrics.registry.getSingleMetricAsString('holdfast_api_call_log_dropped_total');
    assert.match(dropped, /^holdfast_api_call_log_dropped_total 0$/m, 'nothing dropped');
  });
});

describe('API call log writer and retention', () => {
  const row = (at: Date, orderId = 'v1-test'): ApiCallRow => ({
    orderId,
    merchantId: 'm-test',
    method: 'GET',
    route: '/api/pay/v1/orders/:order_id',
    statusCode: 200,
    requestId: null,
    serverRequestId: 'req-1',
    dialect: 'pinelabs',
    at,
    durationMs: 3,
  });

  it('drops and counts rows when the database is down or the buffer is full, and never throws', async () => {
    const db = await openTestDatabase();
    await db.close();
    const errors: number[] = [];
    const log = new ApiCallLog(db, { maxBuffered: 2, onWriteError: (_error, rows) => errors.push(rows) });
    log.record(row(new Date()));
    log.record(row(new Date()));
    log.record(row(new Date()));
    assert.equal(log.dropped, 1, 'the third row did not fit');
    await log.flush();
    assert.equal(log.dropped, 3, 'the failed batch is counted too');
    assert.deepEqual(errors, [2]);
  });

  it('writes a batch at batchRows without waiting for the timer, and retention deletes rows past the window', async () => {
    const db = await openTestDatabase();
    try {
      await migrate(db);
      const log = new ApiCallLog(db, { batchRows: 2, flushMs: 60_000 });
      const now = new Date();
      log.record(row(now, 'v1-new'));
      log.record(row(now, 'v1-new'));
      await log.flush();
      await insertApiCalls(db, [row(new Date(now.getTime() - 31 * DAY), 'v1-old')]);
      const clock = { now: () => now };
      await runRetention({ db, clock }, { webhookAttemptRetentionMs: undefined, apiCallRetentionMs: 30 * DAY });
      const left = await db.query<{ order_id: string }>('select order_id from api_calls order by id');
      assert.deepEqual(
        left.map((r) => r.order_id),
        ['v1-new', 'v1-new'],
      );
    } finally {
      await db.close();
    }
  });
});
