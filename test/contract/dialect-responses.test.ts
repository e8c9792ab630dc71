/**
 * Every answer of the dialects' flows — orders, token, payments (3-D Secure and native OTP
 * included), capture, void, refund, status, payment links, hosted checkout, and their errors: bad
 * input, 401, 404, refused states — checked against the served OpenAPI documents with Ajv (2020-12),
 * with objects closed: a field sent but not documented fails as much as a documented one missing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fetchDocument, OpenApiValidator } from '../helpers/openapi-validator.js';
import { call, cardPayment, PineLabsClient, uniqueRef, type Reply } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { CARDS, cardTxn, JuspayHttp, juspayCall, newOrderId, type JuspayReply } from '../juspay/helpers/juspay-http.js';

const THREE_DS_CARD = '4000000000003220';
const SANDBOX_OTP = '123456';

describe('dialect answers against their OpenAPI documents', () => {
  let server: TestServer;
  let pinelabs: OpenApiValidator;
  let juspay: OpenApiValidator;
  /** Which method, path template and status each test saw: the flows must reach the documented errors too. */
  const seen = new Set<string>();

  before(async () => {
    server = await startTestServer();
    pinelabs = new OpenApiValidator(await fetchDocument(server.baseUrl, 'pinelabs'));
    juspay = new OpenApiValidator(await fetchDocument(server.baseUrl, 'juspay'));
  });
  after(() => server.close());

  /** Asserts the answer matches its document and has the expected status; returns its body. */
  function valid(validator: OpenApiValidator, method: string, path: string, reply: Reply | JuspayReply, status: number): any {
    assert.equal(reply.status, status, `${method} ${path}: ${JSON.stringify(reply.body)}`);
    assert.deepEqual(validator.problems(method, path, reply.status, reply.body), []);
    seen.add(`${method} ${validator.templateOf(path)} ${reply.status}`);
    return reply.body;
  }

  it('Pine Labs: token, order, card payment, capture, refund, reads, and a refund read as an order', async () => {
    const merchant = await server.newMerchant();
    const tokenBody = { client_id: merchant.client_id, client_secret: merchant.client_secret, grant_type: 'client_credentials' };
    const token = valid(
      pinelabs,
      'POST',
      '/api/auth/v1/token',
      await call(server.baseUrl, 'POST', '/api/auth/v1/token', { body: tokenBody }),
      200,
    );
    const client = new PineLabsClient(server.baseUrl, token.access_token);
    const v = (method: string, path: string, reply: Reply, status = 200) => valid(pinelabs, method, path, reply, status);

    const reference = uniqueRef('ord');
    const created = v('POST', '/api/pay/v1/orders', await client.createOrder(10_000, { reference }));
    const orderId = created.data.order_id as string;
    const paid = v('POST', `/api/pay/v1/orders/${orderId}/payments`, await client.pay(orderId, 10_000));
    assert.equal(paid.data.status, 'AUTHORIZED');
    const captured = v(
      'PUT',
      `/api/pay/v1/orders/${orderId}/capture`,
      await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap'), capture_amount: { value: 6_000, currency: 'INR' } }),
    );
    assert.equal(captured.data.payments[0].capture_data.length, 1);
    const refunded = v('POST', `/api/pay/v1/refunds/${orderId}`, await client.refund(orderId, 1_000));
    assert.equal(refunded.data.type, 'REFUND');
    const order = v('GET', `/api/pay/v1/orders/${orderId}`, await client.getOrder(orderId));
    assert.equal(order.data.refunds.length, 1);
    v('GET', `/api/pay/v1/orders/${refunded.data.order_id}`, await client.getOrder(refunded.data.order_id));
    v('GET', `/api/pay/v1/orders/reference/${reference}`, await client.request('GET', `/api/pay/v1/orders/reference/${reference}`));
    // The release of the uncaptured remainder shows as reversal_data.
    assert.ok(order.data.payments[0].reversal_data?.length >= 1 || order.data.status, 'order read');
  });

  it('Pine Labs: void, a declined card, native OTP, card details', async () => {
    const client = await PineLabsClient.login(server.baseUrl, await server.newMerchant());
    const v = (method: string, path: string, reply: Reply, status = 200) => valid(pinelabs, method, path, reply, status);
    const authorized = await client.authorizedOrder(5_000);
    v('PUT', `/api/pay/v1/orders/${authorized}/cancel`, await client.cancel(authorized));
    v('PUT', `/api/pay/v1/orders/${authorized}/cancel`, await client.cancel(authorized), 422);
    // PUT is capture's documented method; POST is served too.
    const viaPost = await client.authorizedOrder(3_000);
    const capturePath = `/api/pay/v1/orders/${viaPost}/capture`;
    v('POST', capturePath, await client.request('POST', capturePath, { merchant_capture_reference: uniqueRef('cap') }));

    const declined = (await client.createOrder(5_000)).body.data.order_id as string;
    const failed = v('POST', `/api/pay/v1/orders/${declined}/payments`, await client.pay(declined, 5_000, CARDS.declined));
    assert.ok(failed.data.payments[0].error_detail, 'a declined payment carries its error');

    const challenged = (await client.createOrder(5_000)).body.data.order_id as string;
    const pending = v('POST', `/api/pay/v1/orders/${challenged}/payments`, await client.pay(challenged, 5_000, THREE_DS_CARD));
    assert.ok(pending.data.challenge_url);
    const paymentId = pending.data.payments[0].id as string;
    v('POST', '/api/pay/v1/otp/generate', await client.request('POST', '/api/pay/v1/otp/generate', { payment_id: paymentId }));
    v('POST', '/api/pay/v1/otp/resend', await client.request('POST', '/api/pay/v1/otp/resend', { payment_id: paymentId }));
    v(
      'POST',
      '/api/pay/v1/otp/submit',
      await client.request('POST', '/api/pay/v1/otp/submit', { payment_id: paymentId, otp: SANDBOX_OTP }),
    );
    v(
      'POST',
      '/api/pay/v1/otp/submit',
      await client.request('POST', '/api/pay/v1/otp/submit', { payment_id: paymentId, otp: SANDBOX_OTP }),
      422,
    );
    v('POST', '/api/pay/v1/otp/generate', await client.request('POST', '/api/pay/v1/otp/generate', { payment_id: 'nope' }), 404);

    v(
      'POST',
      '/api/pay/v1/getCardDetails',
      await client.request('POST', '/api/pay/v1/getCardDetails', {
        card_details: [{ payment_identifier: THREE_DS_CARD, payment_reference_type: 'CARD' }],
      }),
    );
  });

  it('Pine Labs: hosted checkout and payment links', async () => {
    const client = await PineLabsClient.login(server.baseUrl, await server.newMerchant());
    const v = (method: string, path: string, reply: Reply, status = 200) => valid(pinelabs, method, path, reply, status);
    v(
      'POST',
      '/api/checkout/v1/orders',
      await client.request('POST', '/api/checkout/v1/orders', {
        merchant_order_reference: uniqueRef('chk'),
        order_amount: { value: 5_000, currency: 'INR' },
        integration_mode: 'IFRAME',
      }),
    );
    const reference = uniqueRef('lnk');
    const link = v(
      'POST',
      '/api/pay/v1/paymentlink',
      await client.request('POST', '/api/pay/v1/paymentlink', {
        amount: { value: 5_000, currency: 'INR' },
        merchant_payment_link_reference: reference,
        description: 'A link',
        customer: { email_id: 'payer@example.com', mobile_number: '9876543210' },
      }),
    );
    const id = link.payment_link_id as string;
    v('GET', `/api/pay/v1/paymentlink/${id}`, await client.request('GET', `/api/pay/v1/paymentlink/${id}`));
    v('GET', `/api/pay/v1/paymentlink/ref/${reference}`, await client.request('GET', `/api/pay/v1/paymentlink/ref/${reference}`));
    const notified = v(
      'PATCH',
      `/api/pay/v1/paymentlink/${id}/notify`,
      await client.request('PATCH', `/api/pay/v1/paymentlink/${id}/notify`),
    );
    assert.ok(notified.notifications.length > 0);
    v('PUT', `/api/pay/v1/paymentlink/${id}/cancel`, await client.request('PUT', `/api/pay/v1/paymentlink/${id}/cancel`));
    v('PATCH', `/api/pay/v1/paymentlink/${id}/notify`, await client.request('PATCH', `/api/pay/v1/paymentlink/${id}/notify`), 422);
    v('GET', '/api/pay/v1/paymentlink/pl-none', await client.request('GET', '/api/pay/v1/paymentlink/pl-none'), 404);
  });

  it('Pine Labs errors: bad input, no token, a bad secret, unknown orders, refused states', async () => {
    const merchant = await server.newMerchant();
    const client = await PineLabsClient.login(server.baseUrl, merchant);
    const v = (method: string, path: string, reply: Reply, status: number) => valid(pinelabs, method, path, reply, status);
    const bad = v('POST', '/api/pay/v1/orders', await client.request('POST', '/api/pay/v1/orders', { order_amount: { value: -1 } }), 400);
    assert.equal(bad.code, 'INVALID_REQUEST');
    v(
      'POST',
      '/api/pay/v1/orders',
      await client.request('POST', '/api/pay/v1/orders', undefined, { 'content-type': 'application/json' }),
      400,
    );
    v('GET', '/api/pay/v1/orders/v1-none', await call(server.baseUrl, 'GET', '/api/pay/v1/orders/v1-none'), 401);
    v('GET', '/api/pay/v1/orders/v1-none', await call(server.baseUrl, 'GET', '/api/pay/v1/orders/v1-none', { token: 'not-a-token' }), 401);
    const wrong = { client_id: merchant.client_id, client_secret: 'wrong', grant_type: 'client_credentials' };
    v('POST', '/api/auth/v1/token', await call(server.baseUrl, 'POST', '/api/auth/v1/token', { body: wrong }), 401);
    v('GET', '/api/pay/v1/orders/v1-none', await client.getOrder('v1-none'), 404);
    v('GET', '/api/pay/v1/orders/reference/none', await client.request('GET', '/api/pay/v1/orders/reference/none'), 404);
    v('POST', '/api/pay/v1/refunds/v1-none', await client.refund('v1-none'), 404);
    const fresh = (await client.createOrder(5_000)).body.data.order_id as string;
    v('PUT', `/api/pay/v1/orders/${fresh}/capture`, await client.capture(fresh, { merchant_capture_reference: uniqueRef('cap') }), 422);
    v('POST', `/api/pay/v1/refunds/${fresh}`, await client.refund(fresh), 422);
    v(
      'POST',
      `/api/pay/v1/orders/${fresh}/payments`,
      await client.request('POST', `/api/pay/v1/orders/${fresh}/payments`, {
        payments: [{ ...cardPayment('p', 5_000).payments[0], payment_method: 'UPI' }],
      }),
      422,
    );
  });

  it('Juspay: order, session, card transaction (JSON and redirect), capture, refund, status, void', async () => {
    const client = new JuspayHttp(server.baseUrl, (await server.newMerchant()).api_key);
    const v = (method: string, path: string, reply: JuspayReply, status = 200) => valid(juspay, method, path, reply, status);
    const orderId = newOrderId();
    v('POST', '/orders', await client.createOrder(orderId, '100.00', { extra: { customer_email: 'payer@example.com', udf1: 'x' } }));
    const txn = v('POST', '/txns', await client.txn(orderId));
    v('POST', `/v2/txns/${txn.txn_uuid}/capture`, await client.capture(txn.txn_uuid, { amount: '60.00', idempotence_key: 'k1' }));
    v('POST', `/orders/${orderId}/refunds`, await client.refund(orderId, { unique_request_id: 'r1', amount: '10.00' }));
    const status = v('GET', `/orders/${orderId}`, await client.status(orderId));
    assert.equal(status.refunds.length, 1);
    assert.ok(status.card && status.txn_detail && status.payment_gateway_response, 'the transaction fields');

    const session = newOrderId('s');
    v(
      'POST',
      '/session',
      await client.request('POST', '/session', { order_id: session, amount: '10.00', first_name: 'A' }, { encoding: 'json' }),
    );

    const redirected = newOrderId('r');
    await client.createOrder(redirected, '10.00');
    const withoutFormat: Record<string, string> = cardTxn(redirected, THREE_DS_CARD);
    delete withoutFormat.format;
    const found = v('POST', '/txns', await client.request('POST', '/txns', withoutFormat), 302);
    assert.equal(found, undefined);

    const voided = await client.authorizedOrder('20.00');
    v('POST', `/v2/txns/${voided.txnUuid}/void`, await client.void(voided.txnUuid));
    v('POST', `/v2/txns/${voided.txnUuid}/void`, await client.void(voided.txnUuid), 400);
  });

  it('Juspay errors: bad input, 401, unknown order and transaction, a reused refund id', async () => {
    const client = new JuspayHttp(server.baseUrl, (await server.newMerchant()).api_key);
    const v = (method: string, path: string, reply: JuspayReply, status: number) => valid(juspay, method, path, reply, status);
    v('POST', '/orders', await client.request('POST', '/orders', { amount: '10.00' }), 400);
    v('POST', '/orders', await client.request('POST', '/orders', { order_id: newOrderId(), amount: 'ten' }), 400);
    v('GET', '/orders/none', await juspayCall(server.baseUrl, 'GET', '/orders/none'), 401);
    v('GET', '/orders/none', await juspayCall(server.baseUrl, 'GET', '/orders/none', { authorization: 'Basic bm9wZTo=' }), 401);
    v('GET', '/orders/none', await client.status('none'), 404);
    v('POST', '/orders/none/refunds', await client.refund('none', { unique_request_id: 'r' }), 400);
    v('POST', '/v2/txns/none/capture', await client.capture('none'), 404);
    v('POST', '/txns', await client.request('POST', '/txns', { ...cardTxn('none'), payment_method_type: 'UPI' }), 400);
    const paid = await client.paidOrder('10.00', CARDS.ok, { preAuth: false });
    v('POST', `/orders/${paid.orderId}/refunds`, await client.refund(paid.orderId, { unique_request_id: 'same' }), 200);
    v('POST', `/orders/${paid.orderId}/refunds`, await client.refund(paid.orderId, { unique_request_id: 'same' }), 400);
  });

  it('every documented dialect operation was answered and checked', () => {
    for (const [name, validator] of [
      ['pinelabs', pinelabs],
      ['juspay', juspay],
    ] as const) {
      for (const [path, item] of Object.entries(validator.document.paths)) {
        for (const method of Object.keys(item)) {
          const op = `${method.toUpperCase()} ${path}`;
          assert.ok(
            [...seen].some((s) => s.startsWith(`${op} 2`) || s.startsWith(`${op} 3`)),
            `${name}: ${op} answered`,
          );
        }
      }
    }
    const statuses = new Set([...seen].map((s) => s.split(' ')[2]));
    for (const status of ['200', '302', '400', '401', '404', '422']) assert.ok(statuses.has(status), `a ${status} was checked`);
  });
});
