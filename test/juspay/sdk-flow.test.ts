/**
 * Juspay's official Node SDK (expresscheckout-nodejs@1.0.0, unmodified) as the client of Holdfast.
 *
 * The SDK always speaks TLS and cannot reach a port other than 443 (it passes the host name with the ":port" glued on), so:
 * - Holdfast serves HTTPS because HOLDFAST_TLS_CERT / HOLDFAST_TLS_KEY are set, with a certificate
 *   for `localhost` signed by a throwaway CA made here with openssl;
 * - the SDK runs in a child Node process (helpers/sdk-child.ts → fixtures/sdk-driver.mjs) that trusts
 *   that CA through NODE_EXTRA_CA_CERTS, and loads fixtures/sdk-port-preload.cjs with --require,
 *   which strips the ":port" the SDK glues onto the host name before DNS resolution.
 * Certificate verification stays on; the last test shows that without either step the SDK fails.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { CARDS, cardTxn, newOrderId } from './helpers/juspay-http.js';
import { SdkChild, type SdkClientConfig } from './helpers/sdk-child.js';
import { httpsRequest, makeTestCertificates, startHttpsTestServer, type HttpsTestServer, type TestCertificates } from './helpers/tls.js';

const INVALID_AUTHENTICATION = { status: 'error', error_code: 'access_denied', error_message: 'Invalid Authentication' };

describe('Juspay Node SDK (expresscheckout-nodejs) against Holdfast over HTTPS', () => {
  let certs: TestCertificates;
  let server: HttpsTestServer;
  let sdk: SdkChild;
  let merchantA: SdkClientConfig;
  let merchantB: SdkClientConfig;
  const seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];

  before(async () => {
    certs = makeTestCertificates();
    server = await startHttpsTestServer(certs);
    // Record what the SDK really puts on the wire (before Fastify sees the request).
    server.app.server.server.prependListener('request', (request: IncomingMessage) => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    });
    const a = await server.newMerchant('SDK merchant A');
    const b = await server.newMerchant('SDK merchant B');
    merchantA = { apiKey: a.api_key, merchantId: a.merchant_id, baseUrl: server.baseUrl };
    merchantB = { apiKey: b.api_key, merchantId: b.merchant_id, baseUrl: server.baseUrl };
    sdk = SdkChild.start({ caFile: certs.caFile });
  });
  after(async () => {
    // before() may have failed part-way, leaving some of these unassigned.
    await (sdk as SdkChild | undefined)?.close();
    await (server as HttpsTestServer | undefined)?.close();
    (certs as TestCertificates | undefined)?.remove();
  });

  const capture = (client: SdkClientConfig, txnUuid: string, body?: Record<string, unknown>) =>
    sdk.call(client, 'serviceCall', { method: 'POST', path: `/v2/txns/${txnUuid}/capture`, ...(body ? { body } : {}) });
  const voidTxn = (client: SdkClientConfig, txnUuid: string) =>
    sdk.call(client, 'serviceCall', { method: 'POST', path: `/v2/txns/${txnUuid}/void` });

  /** order.create (pre-auth through the dotted key) + payments.create with `card`. */
  async function sdkAuthorized(amount: string, card: string = CARDS.ok) {
    const orderId = newOrderId('sdk');
    const created = await sdk.ok(merchantA, 'order.create', { order_id: orderId, amount, 'metadata.txns.auto_capture': false });
    const txn = await sdk.ok(merchantA, 'payments.create', cardTxn(orderId, card));
    return { orderId, id: created.id as string, txnUuid: txn.txn_uuid as string, txn };
  }

  it('pre-auth order → card → status → partial capture → refunds, all through the SDK', async () => {
    const orderId = newOrderId('sdk');
    const created = await sdk.ok(merchantA, 'order.create', {
      order_id: orderId,
      amount: '100.50',
      currency: 'INR',
      customer_id: 'cust-1',
      customer_email: 'buyer@example.com',
      udf1: 'basket 42',
      'metadata.txns.auto_capture': false,
    });
    assert.equal(created.http.statusCode, 200);
    assert.equal(created.status, 'NEW');
    assert.equal(created.status_id, 10);
    assert.equal(created.order_id, orderId);
    assert.equal(created.merchant_id, merchantA.merchantId);
    assert.equal(created.amount, 100.5);
    assert.equal(created.customer_email, 'buyer@example.com');
    assert.equal(created.udf1, 'basket 42');
    const rows = await server.db.query<{ amount: number; pre_auth: boolean; dialect: string }>(
      'select amount, pre_auth, dialect from orders where id = $1',
      [created.id],
    );
    assert.deepEqual(rows, [{ amount: 10050, pre_auth: true, dialect: 'juspay' }], 'rupees "100.50" → 10050 paise, pre-auth');

    const txn = await sdk.ok(merchantA, 'payments.create', { ...cardTxn(orderId, CARDS.ok), payment_method: 'VISA' });
    assert.equal(txn.status, 'AUTHORIZED', 'auto_capture=false: the transaction stops at AUTHORIZED');
    assert.equal(txn.order_id, orderId);
    assert.equal(txn.txn_id, `${merchantA.merchantId}-${orderId}-1`);
    assert.match(txn.txn_uuid, /^[A-Za-z0-9]{8,}$/);

    const status = await sdk.ok(merchantA, 'order.status', orderId);
    assert.equal(status.status, 'AUTHORIZED');
    assert.equal(status.status_id, 25);
    assert.equal(status.txn_uuid, txn.txn_uuid);
    assert.equal(status.txn_detail.status, 'AUTHORIZED');
    assert.equal(status.card.last_four_digits, '1111');
    assert.equal(status.payment_method_type, 'CARD');
    assert.deepEqual(await orderLedger(server.db, created.id), {
      authorized: 10050,
      captured: 0,
      reversed: 0,
      refunded: 0,
      held: 10050,
      merchant: 0,
    });

    const captured = await capture(merchantA, txn.txn_uuid, { amount: '60.25', idempotence_key: 'sdk-cap-1' });
    assert.ok(captured.ok, JSON.stringify(captured));
    assert.equal(captured.value.status, 'PARTIAL_CHARGED');
    assert.equal(captured.value.status_id, 37);
    assert.equal(captured.value.txn_detail.status, 'CHARGED');
    assert.deepEqual(await orderLedger(server.db, created.id), {
      authorized: 10050,
      captured: 6025,
      reversed: 4025,
      refunded: 0,
      held: 0,
      merchant: 6025,
    });

    const replay = await capture(merchantA, txn.txn_uuid, { amount: '60.25', idempotence_key: 'sdk-cap-1' });
    assert.ok(replay.ok, 'the same idempotence_key replays');
    assert.equal(replay.value.status, 'PARTIAL_CHARGED');
    const captureRows = await server.db.query<{ n: number }>('select count(*)::int as n from captures where order_id = $1', [created.id]);
    assert.equal(captureRows[0]!.n, 1);

    const refund = await sdk.ok(merchantA, 'order.refund', orderId, { unique_request_id: 'sdk-rf-1', amount: '10.25' });
    assert.equal(refund.status, 'PARTIAL_CHARGED', 'a refund does not change the order status');
    assert.equal(refund.amount_refunded, 10.25);
    assert.equal(refund.refunded, false);
    assert.deepEqual(
      refund.refunds.map((r: any) => [r.unique_request_id, r.amount, r.status]),
      [['sdk-rf-1', 10.25, 'SUCCESS']],
    );
    const rest = await sdk.ok(merchantA, 'order.refund', orderId, { unique_request_id: 'sdk-rf-2', amount: '50' });
    assert.equal(rest.amount_refunded, 60.25);
    assert.equal(rest.refunded, true);
    assert.deepEqual(await orderLedger(server.db, created.id), {
      authorized: 10050,
      captured: 6025,
      reversed: 4025,
      refunded: 6025,
      held: 0,
      merchant: 0,
    });

    const final = await sdk.ok(merchantA, 'order.status', orderId, { 'options.add_full_gateway_response': true });
    assert.equal(final.amount_refunded, 60.25);
    assert.equal(final.refunds.length, 2);
    await assertLedgerInvariants(server.db);
  });

  it('full capture → CHARGED (21); void → VOIDED (31), through makeServiceCall', async () => {
    const full = await sdkAuthorized('25.00');
    const captured = await capture(merchantA, full.txnUuid);
    assert.ok(captured.ok, JSON.stringify(captured));
    assert.equal(captured.value.status, 'CHARGED');
    assert.equal(captured.value.status_id, 21);
    assert.equal(captured.value.payment_gateway_response.resp_message, 'Capture successful');
    assert.deepEqual(await orderLedger(server.db, full.id), {
      authorized: 2500,
      captured: 2500,
      reversed: 0,
      refunded: 0,
      held: 0,
      merchant: 2500,
    });

    const toVoid = await sdkAuthorized('40.00');
    const voided = await voidTxn(merchantA, toVoid.txnUuid);
    assert.ok(voided.ok, JSON.stringify(voided));
    assert.equal(voided.value.status, 'VOIDED');
    assert.equal(voided.value.status_id, 31);
    assert.deepEqual(await orderLedger(server.db, toVoid.id), {
      authorized: 4000,
      captured: 0,
      reversed: 4000,
      refunded: 0,
      held: 0,
      merchant: 0,
    });
    const status = await sdk.ok(merchantA, 'order.status', toVoid.orderId);
    assert.equal(status.status, 'VOIDED');
  });

  it('every capture and void outcome of the test cards, through the SDK', async () => {
    const cases: [string, 'capture' | 'void', string, number][] = [
      [CARDS.capturePending, 'capture', 'CAPTURE_INITIATED', 33],
      [CARDS.captureFails, 'capture', 'CAPTURE_FAILED', 34],
      [CARDS.captureTimesOut, 'capture', 'AUTHORIZED', 25],
      [CARDS.voidPending, 'void', 'VOID_INITIATED', 32],
      [CARDS.voidFails, 'void', 'VOID_FAILED', 35],
    ];
    for (const [card, operation, status, statusId] of cases) {
      const order = await sdkAuthorized('10.00', card);
      const answer = operation === 'capture' ? await capture(merchantA, order.txnUuid) : await voidTxn(merchantA, order.txnUuid);
      assert.ok(answer.ok, `${card} ${operation}: ${JSON.stringify(answer)}`);
      assert.equal(answer.value.status, status, `${card} ${operation}`);
      assert.equal(answer.value.status_id, statusId, `${card} ${operation}`);
      const read = await sdk.ok(merchantA, 'order.status', order.orderId);
      assert.equal(read.status, status, `${card}: order.status agrees`);
    }
    await assertLedgerInvariants(server.db);
  });

  it('an order created without the dotted key is captured at once (CHARGED 21) and cannot be captured again', async () => {
    const orderId = newOrderId('sdk');
    await sdk.ok(merchantA, 'order.create', { order_id: orderId, amount: '15.00' });
    const txn = await sdk.ok(merchantA, 'payments.create', cardTxn(orderId, CARDS.ok));
    assert.equal(txn.status, 'CHARGED');
    const status = await sdk.ok(merchantA, 'order.status', orderId);
    assert.equal(status.status_id, 21);
    const again = await capture(merchantA, txn.txn_uuid);
    assert.equal(again.ok, false);
    assert.equal(again.error.is.InvalidRequestError, true);
    assert.equal(again.error.error_message, 'Cannot capture charged transaction');
  });

  it('3-D Secure: PENDING_VBV with payment.authentication.url; OTP 123456 on that page → AUTHORIZED; a wrong OTP → AUTHENTICATION_FAILED', async () => {
    for (const [otp, expected, expectedId] of [
      ['123456', 'AUTHORIZED', 25],
      ['000000', 'AUTHENTICATION_FAILED', 26],
    ] as const) {
      const orderId = newOrderId('sdk3ds');
      await sdk.ok(merchantA, 'order.create', {
        order_id: orderId,
        amount: '12.00',
        'metadata.txns.auto_capture': false,
        return_url: 'https://shop.example/juspay/return',
      });
      const txn = await sdk.ok(merchantA, 'payments.create', cardTxn(orderId, CARDS.threeDs));
      assert.equal(txn.status, 'PENDING_VBV');
      const url: string = txn.payment.authentication.url;
      assert.ok(url.startsWith(`${server.baseUrl}/`), `challenge page on HOLDFAST_PUBLIC_URL: ${url}`);
      const pending = await sdk.ok(merchantA, 'order.status', orderId);
      assert.equal(pending.status, 'PENDING_VBV');
      assert.equal(pending.status_id, 23);

      // The challenge page first, as a browser opens it: its form carries the CSRF token that
      // the cookie it sets (Secure, over HTTPS) is checked against.
      const form = await httpsRequest(url, { ca: certs.ca });
      const cookie = [form.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0]);
      assert.match(String(form.headers['set-cookie']), /Secure/);
      const token = /name="_csrf" value="([^"]*)"/.exec(form.text)?.[1] ?? '';
      const page = await httpsRequest(url, {
        ca: certs.ca,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie.join('; ') },
        body: new URLSearchParams({ _csrf: token, otp }).toString(),
      });
      assert.equal(page.status, 303);
      const back = new URL(String(page.headers.location));
      assert.equal(`${back.origin}${back.pathname}`, 'https://shop.example/juspay/return');
      assert.equal(back.searchParams.get('order_id'), orderId);
      assert.equal(back.searchParams.get('status'), expected);
      assert.equal(back.searchParams.get('status_id'), String(expectedId));

      const done = await sdk.ok(merchantA, 'order.status', orderId);
      assert.equal(done.status, expected);
      assert.equal(done.status_id, expectedId);
    }
  });

  it('declined cards: the txn answers AUTHORIZATION_FAILED (27) and capturing it is an InvalidRequestError', async () => {
    for (const [card, code] of [
      [CARDS.declined, 'PAYMENT_DECLINED'],
      [CARDS.insufficientFunds, 'INSUFFICIENT_FUNDS'],
      [CARDS.expired, 'CARD_EXPIRED'],
    ] as const) {
      const order = await sdkAuthorized('9.00', card);
      assert.equal(order.txn.status, 'AUTHORIZATION_FAILED', card);
      const status = await sdk.ok(merchantA, 'order.status', order.orderId);
      assert.equal(status.status_id, 27, card);
      assert.equal(status.bank_error_code, code);
      const refused = await capture(merchantA, order.txnUuid);
      assert.equal(refused.ok, false);
      assert.equal(refused.error.is.InvalidRequestError, true);
      assert.equal(refused.error.error_message, 'Cannot Capture AUTHORIZATION_FAILED Transaction');
      assert.equal(refused.error.error_info.developer_message, 'Cannot Capture AUTHORIZATION_FAILED Transaction');
      assert.deepEqual(await orderLedger(server.db, order.id), {
        authorized: 0,
        captured: 0,
        reversed: 0,
        refunded: 0,
        held: 0,
        merchant: 0,
      });
    }
  });

  it("the SDK's typed errors come out: InvalidRequestError and AuthenticationError", async () => {
    const unknown = await sdk.fails(merchantA, 'order.status', 'noSuchOrder1');
    assert.equal(unknown.className, 'InvalidRequestError');
    assert.equal(unknown.is.InvalidRequestError, true);
    assert.equal(unknown.status, 'NOT_FOUND');
    assert.equal(unknown.raw.status_id, 40);
    assert.equal(unknown.raw.order_id, 'noSuchOrder1');

    const badKey = await sdk.fails({ ...merchantA, apiKey: 'hf_not_a_real_key' }, 'order.status', 'noSuchOrder1');
    assert.equal(badKey.className, 'AuthenticationError');
    assert.equal(badKey.is.AuthenticationError, true);
    assert.equal(badKey.is.InvalidRequestError, false);
    assert.deepEqual(badKey.raw, INVALID_AUTHENTICATION);
    assert.equal(badKey.error_code, 'access_denied');
    assert.equal(badKey.error_message, 'Invalid Authentication');

    const order = await sdkAuthorized('30.00');
    const otherMerchant = await sdk.fails(merchantB, 'order.status', order.orderId);
    assert.equal(otherMerchant.is.InvalidRequestError, true, "another merchant's order reads as unknown");
    assert.equal(otherMerchant.status, 'NOT_FOUND');
    const otherCapture = await capture(merchantB, order.txnUuid);
    assert.equal(otherCapture.ok, false);
    assert.equal(otherCapture.error.status, 'NOT_FOUND');
    const otherRefund = await sdk.fails(merchantB, 'order.refund', order.orderId, { unique_request_id: 'x1', amount: '1' });
    assert.equal(otherRefund.status, 'NOT_FOUND');
    assert.deepEqual(await orderLedger(server.db, order.id), {
      authorized: 3000,
      captured: 0,
      reversed: 0,
      refunded: 0,
      held: 3000,
      merchant: 0,
    });

    assert.ok((await capture(merchantA, order.txnUuid)).ok);
    const twice = await capture(merchantA, order.txnUuid);
    assert.equal(twice.ok, false);
    assert.equal(twice.error.is.InvalidRequestError, true);
    assert.equal(twice.error.status, 'Bad Request');
    assert.equal(twice.error.error_message, 'Cannot capture charged transaction');
    assert.equal(twice.error.error_info.developer_message, 'Cannot capture charged transaction');
    assert.equal(twice.error.error_info.category, 'USER_ERROR');

    const voidCharged = await voidTxn(merchantA, order.txnUuid);
    assert.equal(voidCharged.ok, false);
    assert.equal(voidCharged.error.error_message, 'Cannot Void CHARGED Transaction');

    await sdk.ok(merchantA, 'order.refund', order.orderId, { unique_request_id: 'sdk-dup', amount: '5' });
    const duplicate = await sdk.fails(merchantA, 'order.refund', order.orderId, { unique_request_id: 'sdk-dup', amount: '6' });
    assert.equal(duplicate.is.InvalidRequestError, true);
    assert.equal(duplicate.error_code, 'duplicate.call');
    // The very same body again is a duplicate too, as Juspay answers it.
    const sameAgain = await sdk.fails(merchantA, 'order.refund', order.orderId, { unique_request_id: 'sdk-dup', amount: '5' });
    assert.equal(sameAgain.is.InvalidRequestError, true);
    assert.equal(sameAgain.error_code, 'duplicate.call');
    const exceeded = await sdk.fails(merchantA, 'order.refund', order.orderId, { unique_request_id: 'sdk-big', amount: '25.01' });
    assert.equal(exceeded.error_code, 'invalid.amount.exceeded');
    assert.equal(exceeded.raw.status_id, -1);

    const conflicting = await sdk.fails(merchantA, 'order.create', {
      order_id: order.orderId,
      amount: '31.00',
      'metadata.txns.auto_capture': false,
    });
    assert.equal(conflicting.is.InvalidRequestError, true);
    assert.equal(conflicting.error_code, 'duplicate.call');
    await assertLedgerInvariants(server.db);
  });

  it('order.create replayed with the same order_id and body returns the same order', async () => {
    const orderId = newOrderId('sdkre');
    const body = { order_id: orderId, amount: '11.00', 'metadata.txns.auto_capture': false };
    const first = await sdk.ok(merchantA, 'order.create', body);
    const second = await sdk.ok(merchantA, 'order.create', body);
    assert.equal(second.id, first.id);
    const rows = await server.db.query<{ n: number }>('select count(*)::int as n from orders where merchant_order_reference = $1', [
      orderId,
    ]);
    assert.equal(rows[0]!.n, 1);
  });

  it('orderSession.create: the session answers the hosted page and SDK payload; its order is paid, read and captured like any other', async () => {
    const orderId = newOrderId('sdkses');
    const session = await sdk.ok(merchantA, 'orderSession.create', {
      order_id: orderId,
      // The SDK's CreateSessionRequest types amount as a number.
      amount: 75.5,
      customer_id: 'sdk-cust',
      customer_email: 'buyer@example.com',
      payment_page_client_id: 'sdkclient',
      action: 'paymentPage',
      return_url: 'https://shop.example/juspay/session-return',
      first_name: 'Asha',
      last_name: 'Rao',
      'metadata.txns.auto_capture': false,
    });
    assert.equal(session.http.statusCode, 200);
    assert.equal(session.status, 'NEW');
    assert.equal(session.order_id, orderId);
    assert.equal(typeof session.id, 'string');
    // The page lives as long as the order takes a payment (docs/order-expiry.md).
    assert.deepEqual(session.payment_links, { web: `${server.baseUrl}/merchant/pay/${session.id}`, expiry: session.order_expiry });
    assert.match(session.order_expiry, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.match(session.sdk_payload.requestId, /^[0-9a-f]{32}$/);
    assert.equal(session.sdk_payload.service, 'in.juspay.hyperpay');
    assert.deepEqual(session.sdk_payload.payload, {
      clientId: 'sdkclient',
      merchantId: merchantA.merchantId,
      orderId,
      amount: '75.50',
      currency: 'INR',
      action: 'paymentPage',
      customerId: 'sdk-cust',
      customerEmail: 'buyer@example.com',
      firstName: 'Asha',
      lastName: 'Rao',
      returnUrl: 'https://shop.example/juspay/session-return',
    });
    const rows = await server.db.query<{ amount: number; pre_auth: boolean }>('select amount, pre_auth from orders where id = $1', [
      session.id,
    ]);
    assert.deepEqual(rows, [{ amount: 7550, pre_auth: true }]);

    const created = await sdk.ok(merchantA, 'order.status', orderId);
    assert.equal(created.status, 'NEW');
    assert.equal(created.id, session.id);
    const page = await httpsRequest(session.payment_links.web, { ca: certs.ca, method: 'GET' });
    assert.equal(page.status, 200, 'payment_links.web opens the hosted page');

    const txn = await sdk.ok(merchantA, 'payments.create', cardTxn(orderId, CARDS.ok));
    assert.equal(txn.status, 'AUTHORIZED');
    const authorized = await sdk.ok(merchantA, 'order.status', orderId);
    assert.equal(authorized.status_id, 25);
    const captured = await capture(merchantA, txn.txn_uuid, { amount: '70.00', idempotence_key: 'sdk-ses-cap' });
    assert.ok(captured.ok, JSON.stringify(captured));
    assert.equal(captured.value.status, 'PARTIAL_CHARGED');
    assert.deepEqual(await orderLedger(server.db, session.id), {
      authorized: 7550,
      captured: 7000,
      reversed: 550,
      refunded: 0,
      held: 0,
      merchant: 7000,
    });

    // The SDK sends the session as JSON (chunked, like every SDK body).
    const sent = seen.filter((r) => r.method === 'POST' && r.url === '/session');
    assert.ok(sent.length >= 1);
    for (const r of sent) {
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['transfer-encoding'], 'chunked');
    }

    const conflicting = await sdk.fails(merchantA, 'orderSession.create', { order_id: orderId, amount: 80 });
    assert.equal(conflicting.is.InvalidRequestError, true);
    assert.equal(conflicting.error_code, 'duplicate.call');
    const unauthenticated = await sdk.fails({ ...merchantA, apiKey: 'hf_not_a_real_key' }, 'orderSession.create', {
      order_id: 'sdknokey1',
      amount: 1,
    });
    assert.equal(unauthenticated.is.AuthenticationError, true);
    const otherMerchant = await sdk.fails(merchantB, 'order.status', orderId);
    assert.equal(otherMerchant.status, 'NOT_FOUND', "another merchant cannot read the session's order");
    await assertLedgerInvariants(server.db);
  });

  it('what the SDK puts on the wire (chunked bodies, Basic without colon, odd Host) is what Holdfast answered', () => {
    const juspayCalls = seen.filter((r) => /^\/(orders|txns|v2\/txns)/.test(r.url));
    assert.ok(juspayCalls.length > 20);
    const posts = juspayCalls.filter((r) => r.method === 'POST');
    assert.ok(posts.length > 0);
    for (const r of posts) {
      assert.equal(r.headers['transfer-encoding'], 'chunked', `${r.url} is chunked`);
      assert.equal(r.headers['content-length'], undefined);
      assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
    }
    const keys = new Set([merchantA.apiKey, merchantB.apiKey, 'hf_not_a_real_key']);
    for (const r of juspayCalls) {
      const encoded = /^Basic (.+)$/.exec(String(r.headers.authorization))?.[1];
      const decoded = Buffer.from(encoded ?? '', 'base64').toString('utf8');
      assert.ok(keys.has(decoded), `Basic base64(api key) with no colon: ${decoded}`);
      assert.equal(r.headers.host, `localhost:${server.port}:${server.port}`, 'the SDK doubles the port in Host');
      assert.ok(r.headers['x-merchantid']);
      assert.equal(r.headers.version, '2019-05-07');
    }
    assert.ok(
      juspayCalls.some((r) => r.method === 'GET' && /^\/orders\/[^/?]+\?.*order_id=/.test(r.url)),
      'order.status appends ?order_id=',
    );
    assert.ok(
      juspayCalls.some((r) => r.method === 'POST' && /\/void$/.test(r.url)),
      'void sent with an empty chunked body',
    );
  });

  it('without the port preload the SDK cannot resolve "localhost:<port>"; without the CA it rejects the certificate', async () => {
    const noPreload = SdkChild.start({ caFile: certs.caFile, preload: false });
    const noCa = SdkChild.start({ preload: true });
    try {
      const unresolved = await noPreload.fails(merchantA, 'order.status', 'anything1');
      assert.equal(unresolved.code, 'ENOTFOUND');
      const untrusted = await noCa.fails(merchantA, 'order.status', 'anything1');
      assert.match(String(untrusted.code), /CERT|SIGNATURE|ISSUER/);
    } finally {
      await noPreload.close();
      await noCa.close();
    }
  });
});
