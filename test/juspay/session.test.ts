/**
 * Juspay's `POST /session`: the order it creates is an ordinary order (status, card payment,
 * capture, ledger), the answer carries the hosted payment page and an SDK payload, order_id is
 * the idempotency key, and bad input is refused in Juspay's shape with nothing written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { CARDS, JuspayHttp, juspayCall, newOrderId, submitOtp, type JuspayReply } from './helpers/juspay-http.js';
import { JuspaySchemas, loadDocument } from './helpers/openapi.js';

const RETURN_URL = 'https://shop.example/juspay/back';

describe('Juspay POST /session', () => {
  let server: TestServer;
  let juspay: JuspayHttp;
  let other: JuspayHttp;
  let merchantId: string;
  before(async () => {
    server = await startTestServer();
    const merchant = await server.newMerchant('Session merchant');
    merchantId = merchant.merchant_id;
    juspay = new JuspayHttp(server.baseUrl, merchant.api_key, { encoding: 'json' });
    other = new JuspayHttp(server.baseUrl, (await server.newMerchant('Other merchant')).api_key, { encoding: 'json' });
  });
  after(() => server.close());

  const session = (client: JuspayHttp, body: Record<string, unknown>, encoding: 'json' | 'form' = 'json') =>
    client.request('POST', '/session', body, { encoding });
  const ordersNamed = async (orderId: string) =>
    server.db.query<{ id: string; amount: number; pre_auth: boolean; merchant_id: string }>(
      'select id, amount, pre_auth, merchant_id from orders where merchant_order_reference = $1 order by merchant_id',
      [orderId],
    );

  it('creates a pre-auth order and answers the SessionResponse: payment page link and SDK payload', async () => {
    const orderId = newOrderId('ses');
    const reply = await session(juspay, {
      order_id: orderId,
      amount: '100.50',
      currency: 'INR',
      customer_id: 'cust-7',
      customer_email: 'buyer@example.com',
      customer_phone: '9876543210',
      description: 'Complete your payment',
      first_name: 'Asha',
      last_name: 'Rao',
      return_url: RETURN_URL,
      udf1: 'basket 42',
      payment_page_client_id: 'shopclient',
      action: 'paymentPage',
      metadata: { txns: { auto_capture: false } },
    });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const body = reply.body;
    assert.deepEqual(Object.keys(body).sort(), ['id', 'order_expiry', 'order_id', 'payment_links', 'sdk_payload', 'status']);
    assert.equal(body.status, 'NEW');
    assert.equal(body.order_id, orderId);
    // The page lives as long as the order takes a payment: HOLDFAST_ORDER_TTL (24 h) by default.
    const expiry = `${new Date(server.clock.now().getTime() + 24 * 3_600_000).toISOString().slice(0, 19)}Z`;
    assert.equal(body.order_expiry, expiry);
    assert.deepEqual(body.payment_links, { web: `${server.baseUrl}/merchant/pay/${body.id}`, expiry });
    assert.match(body.sdk_payload.requestId, /^[0-9a-f]{32}$/);
    assert.equal(body.sdk_payload.service, 'in.juspay.hyperpay');
    assert.deepEqual(body.sdk_payload.payload, {
      clientId: 'shopclient',
      merchantId,
      orderId,
      amount: '100.50',
      currency: 'INR',
      action: 'paymentPage',
      customerId: 'cust-7',
      customerEmail: 'buyer@example.com',
      customerPhone: '9876543210',
      firstName: 'Asha',
      lastName: 'Rao',
      description: 'Complete your payment',
      returnUrl: RETURN_URL,
    });
    assert.deepEqual(await ordersNamed(orderId), [{ id: body.id, amount: 10050, pre_auth: true, merchant_id: merchantId }]);
    const customer = await server.db.query<{ customer: unknown }>('select customer from orders where id = $1', [body.id]);
    assert.deepEqual(customer[0]?.customer, { id: 'cust-7', email: 'buyer@example.com', phone: '9876543210', name: 'Asha Rao' });

    const status = await juspay.status(orderId);
    assert.equal(status.status, 200);
    assert.equal(status.body.status, 'NEW');
    assert.equal(status.body.id, body.id);
    assert.equal(status.body.udf1, 'basket 42');
    assert.equal(status.body.metadata['txns.auto_capture'], 'false');

    const page = await fetch(body.payment_links.web);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /₹100\.50<\/span> <span class="currency">INR/);
  });

  it("the answer validates against Juspay's OpenAPI SessionResponse, and every field it sends is one the schemas declare", async () => {
    const schemas = new JuspaySchemas();
    const declared = loadDocument().components.schemas;
    const names = (schema: string) => Object.keys(declared[schema].properties);
    for (const body of [
      { order_id: newOrderId('sesa'), amount: '1.00' },
      {
        order_id: newOrderId('sesa'),
        amount: 2,
        customer_id: 'c1',
        first_name: 'A',
        last_name: 'B',
        return_url: RETURN_URL,
        description: 'd',
      },
    ]) {
      const reply = await session(juspay, body);
      assert.equal(reply.status, 200);
      const answer = reply.body;
      assert.deepEqual(
        [
          ...schemas.errors('SessionResponse', answer),
          ...schemas.errors('SessionPaymentlinks', answer.payment_links),
          ...schemas.errors('SessionSDKPayload', answer.sdk_payload),
          ...schemas.errors('payload', answer.sdk_payload.payload),
        ],
        [],
      );
      assert.ok(schemas.enums.orderStatus.includes(answer.status), answer.status);
      for (const [part, schema] of [
        [answer, 'SessionResponse'],
        [answer.payment_links, 'SessionPaymentlinks'],
        [answer.sdk_payload, 'SessionSDKPayload'],
        [answer.sdk_payload.payload, 'payload'],
      ] as const) {
        for (const key of Object.keys(part)) assert.ok(names(schema).includes(key), `${schema} declares ${key}`);
      }
    }
    // The schemas are not empty checks: a number amount or a missing requestId is refused.
    assert.notDeepEqual(schemas.errors('payload', { amount: 1 }), []);
    assert.notDeepEqual(schemas.errors('SessionSDKPayload', { service: 'in.juspay.hyperpay' }), []);
  });

  it('the session order is paid with the card API, captured in part, refunded: one ledger, the usual statuses', async () => {
    const orderId = newOrderId('sesc');
    const created = await session(juspay, { order_id: orderId, amount: 80, 'metadata.txns.auto_capture': false, return_url: RETURN_URL });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const txn = await juspay.txn(orderId, CARDS.ok);
    assert.equal(txn.body.status, 'AUTHORIZED');
    assert.equal((await juspay.status(orderId)).body.status_id, 25);

    const captured = await juspay.capture(txn.body.txn_uuid, { amount: '50.00', idempotence_key: 'ses-cap' });
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    assert.equal(captured.body.status, 'PARTIAL_CHARGED');
    const refunded = await juspay.refund(orderId, { unique_request_id: 'ses-rf', amount: '20' });
    assert.equal(refunded.status, 200);
    assert.deepEqual(await orderLedger(server.db, created.body.id), {
      authorized: 8000,
      captured: 5000,
      reversed: 3000,
      refunded: 2000,
      held: 0,
      merchant: 3000,
    });
    await assertLedgerInvariants(server.db);
  });

  it('3-D Secure on a session order: the challenge page with the right OTP authorizes it, then it captures in full', async () => {
    const orderId = newOrderId('ses3');
    const created = await session(juspay, {
      order_id: orderId,
      amount: '12.00',
      'metadata.txns.auto_capture': false,
      return_url: RETURN_URL,
    });
    const txn = await juspay.txn(orderId, CARDS.threeDs);
    assert.equal(txn.body.status, 'PENDING_VBV');
    const answered = await submitOtp(txn.body.payment.authentication.url, '123456');
    const back = new URL(answered.location ?? '');
    assert.equal(back.origin + back.pathname, RETURN_URL);
    assert.equal(back.searchParams.get('status'), 'AUTHORIZED');
    const captured = await juspay.capture(txn.body.txn_uuid);
    assert.equal(captured.body.status, 'CHARGED');
    assert.equal((await orderLedger(server.db, created.body.id)).merchant, 1200);
  });

  it('without auto_capture=false the order is a sale: the card API charges it at once', async () => {
    const orderId = newOrderId('sess');
    await session(juspay, { order_id: orderId, amount: '15.00' });
    assert.deepEqual(
      (await ordersNamed(orderId)).map((o) => o.pre_auth),
      [false],
    );
    assert.equal((await juspay.txn(orderId, CARDS.ok)).body.status, 'CHARGED');
  });

  it("form-encoded bodies (as Juspay's own session samples send them) work too; the client id defaults to the merchant id", async () => {
    const orderId = newOrderId('sesf');
    const reply = await session(juspay, { order_id: orderId, amount: '9.99', 'metadata.txns.auto_capture': 'false' }, 'form');
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.sdk_payload.payload.clientId, merchantId);
    assert.equal(reply.body.sdk_payload.payload.action, 'paymentPage');
    assert.equal(reply.body.sdk_payload.payload.amount, '9.99');
    assert.equal('returnUrl' in reply.body.sdk_payload.payload, false, 'absent fields are left out');
    assert.deepEqual(
      (await ordersNamed(orderId)).map((o) => [o.amount, o.pre_auth]),
      [[999, true]],
    );
  });

  it('order_id is the idempotency key: the same session again, or after POST /orders, answers the same order; other order fields are duplicate.call', async () => {
    const orderId = newOrderId('sesi');
    const body = { order_id: orderId, amount: '40.00', 'metadata.txns.auto_capture': false, return_url: RETURN_URL };
    const first = await session(juspay, { ...body, payment_page_client_id: 'one' });
    const second = await session(juspay, { ...body, payment_page_client_id: 'two' });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body.id, first.body.id);
    assert.notEqual(second.body.sdk_payload.requestId, first.body.sdk_payload.requestId, 'each session call is its own request');
    assert.equal(second.body.sdk_payload.payload.clientId, 'two', "the client id is the session call's, not the order's");

    const conflicting = await session(juspay, { ...body, amount: '41.00' });
    assert.equal(conflicting.status, 400);
    assert.equal(conflicting.body.error_code, 'duplicate.call');
    assert.deepEqual(
      (await ordersNamed(orderId)).map((o) => o.amount),
      [4000],
      'nothing changed',
    );

    // An order made by POST /orders gets its session when the order fields are the same.
    const viaOrders = newOrderId('seso');
    const made = await juspay.createOrder(viaOrders, '25.00', { extra: { return_url: RETURN_URL } });
    const later = await session(
      juspay,
      { order_id: viaOrders, amount: '25.00', 'metadata.txns.auto_capture': 'false', return_url: RETURN_URL, action: 'paymentPage' },
      'form',
    );
    assert.equal(later.status, 200, JSON.stringify(later.body));
    assert.equal(later.body.id, made.body.id);

    // Once paid, the session answers the order as it now is; its page no longer takes a payment.
    await juspay.txn(orderId, CARDS.ok);
    const afterPaying = await session(juspay, body);
    assert.equal(afterPaying.body.status, 'AUTHORIZED');
    assert.doesNotMatch(await (await fetch(afterPaying.body.payment_links.web)).text(), /name="card_number"/);
  });

  it("merchants are isolated: another merchant's session with the same order_id is its own order; it cannot read the first", async () => {
    const orderId = newOrderId('sesm');
    const mine = await session(juspay, { order_id: orderId, amount: '30.00' });
    const theirs = await session(other, { order_id: orderId, amount: '31.00' });
    assert.equal(theirs.status, 200, JSON.stringify(theirs.body));
    assert.notEqual(theirs.body.id, mine.body.id);
    assert.deepEqual((await ordersNamed(orderId)).map((o) => o.amount).sort(), [3000, 3100]);
    assert.equal((await juspay.status(orderId)).body.amount, 30);
    assert.equal((await other.status(orderId)).body.amount, 31);
  });

  it("bad input answers in Juspay's error shape, names the field, and writes nothing", async () => {
    const before = await server.db.query<{ n: number }>('select count(*)::int as n from orders');
    const cases: [string, Record<string, unknown>, string][] = [
      ['no order_id', { amount: '10.00' }, 'order_id'],
      ['no amount', { order_id: newOrderId('bad') }, 'amount'],
      ['three decimals', { order_id: newOrderId('bad'), amount: '10.001' }, 'amount'],
      ['zero', { order_id: newOrderId('bad'), amount: 0 }, 'amount'],
      ['order_id too long', { order_id: 'x'.repeat(21), amount: '1.00' }, 'order_id'],
      ['order_id with a space', { order_id: 'a b', amount: '1.00' }, 'order_id'],
      ['javascript: return_url', { order_id: newOrderId('bad'), amount: '1.00', return_url: 'javascript:alert(1)' }, 'return_url'],
      ['relative return_url', { order_id: newOrderId('bad'), amount: '1.00', return_url: '/back' }, 'return_url'],
      [
        'http return_url to a remote host',
        { order_id: newOrderId('bad'), amount: '1.00', return_url: 'http://shop.example/' },
        'return_url',
      ],
      ['another action', { order_id: newOrderId('bad'), amount: '1.00', action: 'quickPay' }, 'action'],
      [
        'auto_capture not a boolean',
        { order_id: newOrderId('bad'), amount: '1.00', 'metadata.txns.auto_capture': 'maybe' },
        'metadata.txns.auto_capture',
      ],
      ['udf1 too long', { order_id: newOrderId('bad'), amount: '1.00', udf1: 'u'.repeat(256) }, 'udf1'],
      ['first_name too long', { order_id: newOrderId('bad'), amount: '1.00', first_name: 'f'.repeat(256) }, 'first_name'],
      ['a list', { order_id: newOrderId('bad'), amount: '1.00', udf2: ['a'] }, 'udf2'],
      ['currency not supported', { order_id: newOrderId('bad'), amount: '1.00', currency: 'USD' }, 'currency'],
    ];
    for (const [label, body, field] of cases) {
      const reply = await session(juspay, body);
      assert.equal(reply.status, 400, `${label}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.status, 'Bad Request', label);
      assert.equal(typeof reply.body.error_message, 'string', label);
      assert.equal(reply.body.error_info.category, 'USER_ERROR', label);
      if (field !== 'currency') assert.equal(reply.body.error_info.fields?.[0]?.field_name, field, label);
    }
    const raw = (rawBody: string, contentType = 'application/json'): Promise<JuspayReply> =>
      juspayCall(server.baseUrl, 'POST', '/session', {
        authorization: juspay.authorization,
        rawBody,
        headers: { 'content-type': contentType },
      });
    for (const [label, reply] of [
      ['malformed JSON', await raw('{"order_id": ')],
      ['a JSON list', await raw('[1,2]')],
      ['empty body', await raw('')],
      ['a NUL in a field', await raw(JSON.stringify({ order_id: 'nul1', amount: '1.00', description: 'a\u0000b' }))],
    ] as const) {
      assert.equal(reply.status, 400, `${label}: ${JSON.stringify(reply.body)}`);
      assert.equal(typeof reply.body.error_message, 'string', label);
    }
    const unauthenticated = await juspayCall(server.baseUrl, 'POST', '/session', {
      body: { order_id: 'noauth1', amount: '1.00' },
      encoding: 'json',
    });
    assert.equal(unauthenticated.status, 401);
    assert.deepEqual(unauthenticated.body, { status: 'error', error_code: 'access_denied', error_message: 'Invalid Authentication' });
    const wrongKey = await juspayCall(server.baseUrl, 'POST', '/session', {
      authorization: `Basic ${Buffer.from('hf_not_a_key:').toString('base64')}`,
      body: { order_id: 'noauth2', amount: '1.00' },
      encoding: 'json',
    });
    assert.equal(wrongKey.status, 401);
    assert.deepEqual(await server.db.query<{ n: number }>('select count(*)::int as n from orders'), before, 'no order was written');
  });

  it('two identical sessions at once make one order and answer it twice', async () => {
    const orderId = newOrderId('sesr');
    const body = { order_id: orderId, amount: '55.00', 'metadata.txns.auto_capture': false };
    const replies = await Promise.all(Array.from({ length: 6 }, () => session(juspay, body)));
    for (const reply of replies) assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(new Set(replies.map((r) => r.body.id)).size, 1);
    assert.equal((await ordersNamed(orderId)).length, 1);
  });
});
