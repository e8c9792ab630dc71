/**
 * Unpaid orders expire (docs/order-expiry.md), in the Juspay dialect: `order_expiry` on
 * `POST /orders` and `POST /session` (an ISO 8601 date-time with a zone, in the future, within
 * 180 days) sets the instant, earlier or later than HOLDFAST_ORDER_TTL (24 h); after it `POST /txns`
 * is a 400 Bad Request with error_info.code EXPIRED and nothing stored; the order reads
 * AUTHENTICATION_FAILED (26) with its order_expiry; its job raises ORDER_FAILED. A bad
 * order_expiry is Juspay's 400 naming the field, and creates nothing. The clock is the test clock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { orderLedger, snapshot } from '../helpers/ledger-check.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { CARDS, JuspayHttp, newOrderId, type JuspayReply } from './helpers/juspay-http.js';
import { JuspaySchemas } from './helpers/openapi.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOTHING_HELD = { authorized: 0, captured: 0, reversed: 0, refunded: 0, held: 0, merchant: 0 };

/** Juspay's timestamps: ISO 8601 in UTC without milliseconds. */
const juspayTime = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

describe('Juspay: unpaid orders expire, and order_expiry is honoured', () => {
  let server: TestServer;
  let juspay: JuspayHttp;
  let schemas: JuspaySchemas;
  before(async () => {
    server = await startTestServer();
    juspay = new JuspayHttp(server.baseUrl, (await server.newMerchant('Juspay shop', { webhookUrl: 'http://127.0.0.1:9/hooks' })).api_key);
    schemas = new JuspaySchemas();
  });
  after(() => server.close());

  const inFromNow = (ms: number) => new Date(server.clock.now().getTime() + ms);
  const create = async (extra: Record<string, unknown> = {}, orderId = newOrderId('exp')) => {
    const created = await juspay.createOrder(orderId, '50.00', { extra });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return { orderId, id: created.body.id as string, body: created.body };
  };
  const ordersNamed = async (orderId: string) =>
    (await server.db.query<{ n: number }>('select count(*)::int as n from orders where merchant_order_reference = $1', [orderId]))[0]!.n;
  const eventsOf = async (id: string) =>
    (
      await server.db.query<{ event_type: string }>('select event_type from webhook_events where order_id = $1 order by created_at, id', [
        id,
      ])
    ).map((r) => r.event_type);

  function assertExpiredRefusal(reply: JuspayReply, label: string) {
    assert.equal(reply.status, 400, `${label}: ${JSON.stringify(reply.body)}`);
    assert.equal(reply.body.status, 'Bad Request', label);
    assert.equal(reply.body.error_code, 'Invalid', label);
    assert.match(reply.body.error_message, /expired/, label);
    assert.equal(reply.body.error_info.code, 'EXPIRED', label);
    assert.equal(reply.body.error_info.category, 'USER_ERROR', label);
  }

  function assertBadOrderExpiry(reply: JuspayReply, label: string, says: RegExp) {
    assert.equal(reply.status, 400, `${label}: ${JSON.stringify(reply.body)}`);
    assert.equal(reply.body.status, 'Bad Request', label);
    assert.equal(reply.body.error_info.code, 'INVALID_INPUT', label);
    assert.deepEqual(
      reply.body.error_info.fields.map((f: { field_name: string }) => f.field_name),
      ['order_expiry'],
      label,
    );
    assert.match(reply.body.error_message, says, label);
  }

  it('without order_expiry the order expires after HOLDFAST_ORDER_TTL (24 h): order_expiry says when', async () => {
    const { orderId, body } = await create();
    assert.equal(body.order_expiry, juspayTime(inFromNow(DAY)));
    assert.equal((await juspay.status(orderId)).body.order_expiry, juspayTime(inFromNow(DAY)));
  });

  it('an order_expiry earlier than the default: payable until it, refused from it (400 EXPIRED), nothing stored', async () => {
    const expiry = inFromNow(10 * MINUTE);
    const paidInTime = await create({ order_expiry: expiry.toISOString() });
    const late = await create({ order_expiry: expiry.toISOString() });
    assert.equal(paidInTime.body.order_expiry, juspayTime(expiry));
    server.clock.advance(10 * MINUTE - 1000);
    assert.equal((await juspay.txn(paidInTime.orderId)).body.status, 'AUTHORIZED');
    server.clock.advance(1000);
    const before = await snapshot(server.db, late.id);
    assertExpiredRefusal(await juspay.txn(late.orderId), 'txn at order_expiry');
    assert.deepEqual(await snapshot(server.db, late.id), before, 'nothing changed');
    assert.deepEqual(await orderLedger(server.db, late.id), NOTHING_HELD);
    // The paid order is not touched by its expiry.
    await server.runJobs();
    assert.equal((await juspay.status(paidInTime.orderId)).body.status, 'AUTHORIZED');
    assert.deepEqual((await eventsOf(paidInTime.id)).sort(), ['ORDER_AUTHORIZED', 'TXN_CREATED']);
  });

  it('an order_expiry later than the default: still payable after 24 h, refused after it', async () => {
    const expiry = inFromNow(3 * DAY);
    const payable = await create({ order_expiry: expiry.toISOString() });
    const late = await create({ order_expiry: expiry.toISOString() });
    server.clock.advance(DAY + HOUR);
    await server.runJobs();
    assert.equal((await juspay.status(late.orderId)).body.status, 'NEW', 'not expired after the default lifetime');
    assert.equal((await juspay.txn(payable.orderId)).body.status, 'AUTHORIZED');
    server.clock.advance(2 * DAY - HOUR);
    assertExpiredRefusal(await juspay.txn(late.orderId), 'txn after a later order_expiry');
  });

  it('an expired order reads AUTHENTICATION_FAILED (26) with its order_expiry, valid against the OpenAPI; its job raises ORDER_FAILED', async () => {
    const expiry = inFromNow(HOUR);
    const { orderId, id } = await create({ order_expiry: juspayTime(expiry), return_url: 'https://shop.example/back' });
    server.clock.advance(HOUR);
    // From the instant itself, before the job.
    const read = await juspay.status(orderId);
    assert.equal(read.status, 200);
    assert.equal(read.body.status, 'AUTHENTICATION_FAILED');
    assert.equal(read.body.status_id, 26);
    assert.equal(read.body.order_expiry, juspayTime(expiry));
    assert.equal(read.body.txn_uuid, undefined, 'no transaction');
    assert.deepEqual(schemas.errors('OrderStatusResponseV1', read.body), []);
    assert.ok(schemas.enums.orderStatus.includes(read.body.status));
    assert.deepEqual(await eventsOf(id), []);
    await server.runJobs();
    assert.deepEqual(await eventsOf(id), ['ORDER_FAILED']);
    const event = await server.db.query<{ payload: string }>('select payload from webhook_events where order_id = $1', [id]);
    const webhook = JSON.parse(event[0]!.payload);
    assert.equal(webhook.event_name, 'ORDER_FAILED');
    assert.equal(webhook.content.order.status, 'AUTHENTICATION_FAILED');
    assert.equal(webhook.content.order.order_expiry, juspayTime(expiry));
    assertExpiredRefusal(await juspay.txn(orderId), 'txn on the closed order');
  });

  it('an order declined once and then expired keeps its failure status; no second ORDER_FAILED', async () => {
    const { orderId, id } = await create({ order_expiry: inFromNow(HOUR).toISOString() });
    assert.equal((await juspay.txn(orderId, CARDS.declined)).body.status, 'AUTHORIZATION_FAILED');
    server.clock.advance(HOUR);
    await server.runJobs();
    assert.equal((await juspay.status(orderId)).body.status, 'AUTHORIZATION_FAILED');
    assert.deepEqual((await eventsOf(id)).sort(), ['ORDER_FAILED', 'TXN_CREATED'], 'the decline only');
    assertExpiredRefusal(await juspay.txn(orderId), 'retry after the expiry');
  });

  it('POST /session honours order_expiry: the session answers it as order_expiry and payment_links.expiry', async () => {
    const orderId = newOrderId('ses');
    const expiry = inFromNow(2 * HOUR);
    const reply = await juspay.request(
      'POST',
      '/session',
      {
        order_id: orderId,
        amount: '20.00',
        customer_id: 'c-1',
        order_expiry: expiry.toISOString(),
        return_url: 'https://shop.example/back',
      },
      { encoding: 'json' },
    );
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.order_expiry, juspayTime(expiry));
    assert.equal(reply.body.payment_links.expiry, juspayTime(expiry));
    assert.deepEqual(schemas.errors('SessionResponse', reply.body), []);
    server.clock.advance(2 * HOUR);
    assertExpiredRefusal(await juspay.txn(orderId), 'txn after the session expired');
  });

  it('a replay of the same request answers the same order, even after its order_expiry passed', async () => {
    const orderId = newOrderId('rep');
    const body = { order_expiry: inFromNow(MINUTE).toISOString() };
    const first = await create(body, orderId);
    server.clock.advance(MINUTE);
    const replay = await juspay.createOrder(orderId, '50.00', { extra: body });
    assert.equal(replay.status, 200, JSON.stringify(replay.body));
    assert.equal(replay.body.id, first.id);
    assert.equal(replay.body.status, 'AUTHENTICATION_FAILED');
    const other = await juspay.createOrder(orderId, '50.00', { extra: { order_expiry: inFromNow(HOUR).toISOString() } });
    assert.equal(other.status, 400);
    assert.equal(other.body.error_code, 'duplicate.call', 'another order_expiry under the same order_id is another request');
  });

  it('a bad order_expiry is a 400 naming it, in both encodings, and creates nothing', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['not a date', 'tomorrow', /ISO 8601/],
      ['no time zone', '2031-01-01T10:00:00', /ISO 8601/],
      ['a date that does not exist', '2031-02-30T10:00:00Z', /ISO 8601/],
      ['24:00', '2031-01-01T24:00:00Z', /ISO 8601/],
      ['a number (epoch)', 1_900_000_000, /ISO 8601/],
      ['a boolean', true, /ISO 8601/],
      ['in the past', juspayTime(inFromNow(-MINUTE)), /must be in the future/],
      ['now', juspayTime(inFromNow(0)), /must be in the future/],
      ['beyond 180 days', juspayTime(inFromNow(181 * DAY)), /within 180 days/],
      ['far too long', `2031-01-01T10:00:00Z${'0'.repeat(50)}`, /ISO 8601/],
    ];
    for (const encoding of ['form', 'json'] as const) {
      for (const [label, value, says] of cases) {
        if (encoding === 'form' && typeof value !== 'string') continue;
        const orderId = newOrderId('bad');
        const reply = await juspay.request('POST', '/orders', { order_id: orderId, amount: '10.00', order_expiry: value }, { encoding });
        assertBadOrderExpiry(reply, `${encoding}: ${label}`, says);
        assert.equal(await ordersNamed(orderId), 0, `${encoding}: ${label}: nothing created`);
      }
    }
    const sessionId = newOrderId('bad');
    const session = await juspay.request(
      'POST',
      '/session',
      { order_id: sessionId, amount: '10.00', order_expiry: 'soon' },
      { encoding: 'json' },
    );
    assertBadOrderExpiry(session, 'session', /ISO 8601/);
    assert.equal(await ordersNamed(sessionId), 0);
    // The edge of each limit is accepted.
    await create({ order_expiry: juspayTime(inFromNow(180 * DAY)) });
    await create({ order_expiry: juspayTime(inFromNow(1000)) });
  });
});
