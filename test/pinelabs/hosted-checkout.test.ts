/**
 * Pine Labs hosted checkout, POST /api/checkout/v1/orders (reference §10): an ordinary order made
 * for the hosted page, answered as {token, order_id, redirect_url, response_code, response_message}
 * without a data wrapper, with create order's validation, idempotency and Request-ID rules.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { call, PineLabsClient, uniqueRef, VISA_OK } from '../helpers/pinelabs-client.js';
import { answerOf, payOnHostedPage } from '../helpers/hosted-form.js';
import { returnOf } from '../helpers/merchant-return.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { assertPineLabsError } from './helpers/bad-input.js';

const CALLBACK = 'https://merchant.example/done';

/** Posts the hosted page's card form as a browser would, without following the redirect. */
const submitCard = (pageUrl: string, card: string) => payOnHostedPage(pageUrl, card, 'Page Payer');

describe('Pine Labs hosted checkout', () => {
  let server: TestServer;
  let client: PineLabsClient;
  let other: PineLabsClient;
  before(async () => {
    server = await startTestServer();
    client = await PineLabsClient.login(server.baseUrl, await server.newMerchant('Checkout shop'));
    other = await PineLabsClient.login(server.baseUrl, await server.newMerchant('Another shop'));
  });
  after(() => server.close());

  const checkout = (extra: Record<string, unknown> = {}, headers?: Record<string, string>) =>
    client.request(
      'POST',
      '/api/checkout/v1/orders',
      { merchant_order_reference: uniqueRef('chk'), order_amount: { value: 10000, currency: 'INR' }, pre_auth: true, ...extra },
      headers,
    );
  const orderCount = async () => Number((await server.db.query<{ n: number }>('select count(*)::int as n from orders'))[0]?.n);
  const detailsOf = async (orderId: string) =>
    (await server.db.query<{ details: any }>('select details from orders where id = $1', [orderId]))[0]?.details;

  it('REDIRECT (the default): the answer has no data wrapper and leads to the payment page; pay on the page, capture part, refund', async () => {
    const created = await checkout({ callback_url: CALLBACK });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.deepEqual(Object.keys(created.body).sort(), ['order_id', 'redirect_url', 'response_code', 'response_message', 'token']);
    const { order_id: orderId, token, redirect_url: redirectUrl } = created.body;
    assert.equal(created.body.response_code, 200);
    assert.equal(typeof created.body.response_message, 'string');
    assert.match(token, /^[A-Za-z0-9]{32}$/);
    assert.equal(redirectUrl, `${server.baseUrl}/merchant/pay/${orderId}?token=${token}`);
    assert.equal((await detailsOf(orderId)).integration_mode, 'REDIRECT');

    const read = await client.getOrder(orderId);
    assert.equal(read.status, 200);
    assert.equal(read.body.data.status, 'CREATED');
    assert.equal(read.body.data.pre_auth, true);
    assert.equal(read.body.data.integration_mode, 'REDIRECT');
    assert.equal(read.body.data.callback_url, CALLBACK);

    const page = await fetch(redirectUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /name="card_number"/);
    const paid = await submitCard(`${server.baseUrl}/merchant/pay/${orderId}`, VISA_OK);
    const back = returnOf(answerOf(paid));
    assert.equal(back.url.href, CALLBACK);
    assert.equal(back.fields.status, 'AUTHORIZED');

    const captured = await client.capture(orderId, {
      merchant_capture_reference: uniqueRef('cap'),
      capture_amount: { value: 6000, currency: 'INR' },
    });
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    assert.equal(captured.body.data.status, 'PROCESSED');
    const refunded = await client.refund(orderId, 2000);
    assert.equal(refunded.status, 200, JSON.stringify(refunded.body));
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 10000,
      captured: 6000,
      reversed: 4000,
      refunded: 2000,
      held: 0,
      merchant: 4000,
    });
    await assertLedgerInvariants(server.db);
  });

  it('IFRAME leads to the framable page and is stored on the order; paid through the card API, then cancelled', async () => {
    const created = await checkout({ integration_mode: 'IFRAME' });
    assert.equal(created.status, 200);
    const orderId = created.body.order_id;
    assert.equal(created.body.redirect_url, `${server.baseUrl}/merchant/ipay/${orderId}?token=${created.body.token}`);
    assert.equal((await detailsOf(orderId)).integration_mode, 'IFRAME');
    assert.equal((await client.pay(orderId, 10000)).body.data.status, 'AUTHORIZED');
    const cancelled = await client.cancel(orderId);
    assert.equal(cancelled.body.data.status, 'CANCELLED');
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 10000,
      captured: 0,
      reversed: 10000,
      refunded: 0,
      held: 0,
      merchant: 0,
    });
  });

  it('SDK is answered like REDIRECT and stored as SDK; without pre_auth the order is a sale', async () => {
    const created = await checkout({ integration_mode: 'SDK', pre_auth: false });
    assert.equal(created.status, 200);
    const orderId = created.body.order_id;
    assert.ok(created.body.redirect_url.startsWith(`${server.baseUrl}/merchant/pay/${orderId}?token=`));
    assert.equal((await detailsOf(orderId)).integration_mode, 'SDK');
    assert.equal((await client.pay(orderId, 10000)).body.data.status, 'PROCESSED');
    assert.equal((await client.refund(orderId)).body.data.status, 'PROCESSED');
    assert.equal((await client.getOrder(orderId)).body.data.status, 'FULLY_REFUNDED');
    const ledger = await orderLedger(server.db, orderId);
    assert.equal(ledger.captured, 10000);
    assert.equal(ledger.refunded, 10000);
  });

  it('merchant_order_reference is the idempotency key: the same request answers the same token, another is DUPLICATE_REQUEST', async () => {
    const reference = uniqueRef('idem');
    const first = await checkout({ merchant_order_reference: reference });
    const again = await checkout({ merchant_order_reference: reference, integration_mode: 'REDIRECT' });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body, 'REDIRECT is the default: the same request');
    const count = await orderCount();
    const changed = await checkout({ merchant_order_reference: reference, order_amount: { value: 20000, currency: 'INR' } });
    assertPineLabsError(changed, 'changed amount', { status: 422, code: 'DUPLICATE_REQUEST' });
    const iframe = await checkout({ merchant_order_reference: reference, integration_mode: 'IFRAME' });
    assertPineLabsError(iframe, 'changed mode', { status: 422, code: 'DUPLICATE_REQUEST' });
    // A reference first used by create order is another request on this endpoint, even with the same fields.
    const ordered = await client.createOrder(10000, { reference: uniqueRef('both') });
    const reused = await checkout({ merchant_order_reference: ordered.body.data.merchant_order_reference });
    assertPineLabsError(reused, 'create order reference', { status: 422, code: 'DUPLICATE_REQUEST' });
    assert.equal(await orderCount(), count + 1, 'only the create order made an order');
  });

  it('Request-ID: a replay answers the first answer, another body under it is DUPLICATE_REQUEST, a long one is refused', async () => {
    const requestId = `req-${uniqueRef('r')}`;
    const body = { merchant_order_reference: uniqueRef('rid'), order_amount: { value: 5000, currency: 'INR' } };
    const first = await client.request('POST', '/api/checkout/v1/orders', body, { 'Request-ID': requestId });
    const replay = await client.request('POST', '/api/checkout/v1/orders', body, { 'Request-ID': requestId });
    assert.equal(replay.status, 200);
    assert.deepEqual(replay.body, first.body);
    const count = await orderCount();
    const other = await client.request(
      'POST',
      '/api/checkout/v1/orders',
      { ...body, merchant_order_reference: uniqueRef('rid2') },
      { 'Request-ID': requestId },
    );
    assertPineLabsError(other, 'reused Request-ID', { status: 422, code: 'DUPLICATE_REQUEST' });
    const long = await checkout({}, { 'Request-ID': 'x'.repeat(51) });
    assertPineLabsError(long, 'long Request-ID', { status: 400, code: 'INVALID_REQUEST' });
    assert.equal(await orderCount(), count);
  });

  it('bad input is a Pine Labs 400 (or 422 for a page that could take no card) and creates nothing', async () => {
    const count = await orderCount();
    const cases: Array<[string, Record<string, unknown>, number, string]> = [
      ['javascript: callback', { callback_url: 'javascript:alert(1)' }, 400, 'callback_url'],
      ['host-less callback', { callback_url: 'http://' }, 400, 'callback_url'],
      ['malformed IPv6 callback', { callback_url: 'https://[::1' }, 400, 'callback_url'],
      ['plain http callback', { callback_url: 'http://merchant.example/done' }, 400, 'callback_url'],
      ['bad failure callback', { failure_callback_url: 'https://[::1' }, 400, 'failure_callback_url'],
      ['unknown mode', { integration_mode: 'POPUP' }, 400, 'integration_mode'],
      ['zero amount', { order_amount: { value: 0, currency: 'INR' } }, 400, 'order_amount.value'],
      ['empty reference', { merchant_order_reference: '' }, 400, 'merchant_order_reference'],
      ['no card on the page', { allowed_payment_methods: ['UPI'] }, 422, 'allowed_payment_methods'],
    ];
    for (const [label, extra, status, field] of cases) {
      const reply = await checkout(extra);
      assertPineLabsError(reply, label, { status, code: status === 400 ? 'INVALID_REQUEST' : 'PAYMENT_METHOD_NOT_ENABLED' });
      assert.match(reply.body.message, new RegExp(field.replace('.', '\\.')), `${label}: names ${field}`);
    }
    const missing = await client.request('POST', '/api/checkout/v1/orders', { order_amount: { value: 100, currency: 'INR' } });
    assertPineLabsError(missing, 'no reference', { status: 400, code: 'INVALID_REQUEST' });
    const anonymous = await call(server.baseUrl, 'POST', '/api/checkout/v1/orders', {
      body: { merchant_order_reference: uniqueRef('anon'), order_amount: { value: 100, currency: 'INR' } },
    });
    assertPineLabsError(anonymous, 'no token', { status: 401, code: 'UNAUTHORIZED' });
    assert.equal(await orderCount(), count, 'nothing was created');
  });

  it("another merchant cannot read a checkout's order", async () => {
    const created = await checkout();
    assertPineLabsError(await other.getOrder(created.body.order_id), 'other merchant', { status: 404, code: 'ORDER_NOT_FOUND' });
  });
});
