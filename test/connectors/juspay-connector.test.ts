/**
 * The Juspay connector against a real upstream: another Holdfast speaking Juspay's dialect, on its
 * own database. Every outcome is checked against the upstream order as the upstream's own API
 * reads it (status, amounts), and against its ledger where money moved.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { juspayRedirectSignature } from '../../src/api/juspay/redirect-signature.js';
import { pineLabsIds } from '../../src/api/pinelabs/ids.js';
import type { AuthorizeRequest, GatewayConnector, OperationRequest } from '../../src/connectors/gateway.js';
import { juspayOrderId, juspayRefundRequestId } from '../../src/connectors/juspay/ids.js';
import { createJuspayConnector } from '../../src/connectors/juspay/connector.js';
import { returnSignature } from '../../src/connectors/juspay/return-signature.js';
import { upstreamReturnPath, type GatewayAccountConfig, type UpstreamDeps } from '../../src/connectors/upstream.js';
import { setMerchantWebhook, type MerchantCredentials } from '../../src/core/merchants.js';
import { detectNetwork } from '../../src/domain/card.js';
import { newId } from '../../src/domain/ids.js';
import { toMajorUnitsText } from '../../src/domain/money.js';
import { orderLedger } from '../helpers/ledger-check.js';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { CARDS, JuspayHttp, submitOtp } from '../juspay/helpers/juspay-http.js';

const WEBHOOK_AUTH = 'hook-user:hook-pass';

const newPaymentId = () => pineLabsIds.payment(pineLabsIds.order(new Date()));

function authorizeRequest(card: string, options: { capture: boolean; amount?: number; paymentId?: string }): AuthorizeRequest {
  const paymentId = options.paymentId ?? newPaymentId();
  return {
    paymentId,
    order: {
      orderId: newId('ord'),
      merchantOrderReference: `shop-${paymentId.slice(-6)}`,
      returnUrl: 'https://shop.example/back',
      customer: { id: 'cust-7', email: 'asha@example.com', phone: '9876543210', name: 'Asha Rao' },
    },
    amount: options.amount ?? 10_000,
    currency: 'INR',
    card: { number: card, cvv: '123', expiryMonth: '12', expiryYear: '2034', holderName: 'Asha Rao', network: detectNetwork(card) },
    capture: options.capture,
  };
}

function operation(
  request: AuthorizeRequest,
  connectorReference: string,
  fields: Partial<OperationRequest> & { prefix: string },
): OperationRequest {
  const { prefix, ...rest } = fields;
  return {
    operationId: newId(prefix),
    paymentId: request.paymentId,
    connectorReference,
    amount: request.amount,
    currency: 'INR',
    ...rest,
  };
}

describe('the Juspay connector, against an upstream Holdfast speaking Juspay', () => {
  let upstream: TestServer;
  let receiver: MerchantReceiver;
  let proxy: TcpProxy;
  let merchant: MerchantCredentials;
  let juspay: JuspayHttp;
  let account: GatewayAccountConfig;
  let deps: UpstreamDeps;
  let connector: GatewayConnector;
  /** The same account reached through a proxy that can withhold an answer. */
  let proxied: GatewayConnector;

  before(async () => {
    upstream = await startTestServer();
    receiver = await startMerchantReceiver();
    merchant = await upstream.newMerchant('Juspay upstream merchant');
    await setMerchantWebhook(upstream.app.ctx, merchant.merchant_id, receiver.url('/hooks'), WEBHOOK_AUTH);
    juspay = new JuspayHttp(upstream.baseUrl, merchant.api_key);
    account = {
      id: 'gwa_juspaytest0000000001',
      merchantId: 'mer_downstream',
      name: 'juspay-main',
      kind: 'juspay',
      baseUrl: upstream.baseUrl,
      credentials: {
        apiKey: merchant.api_key,
        upstreamMerchantId: merchant.merchant_id,
        redirectKey: merchant.juspay_response_key,
        webhookBasicAuth: WEBHOOK_AUTH,
      },
    };
    deps = { publicBaseUrl: receiver.origin, timeoutMs: 20_000, connectTimeoutMs: 3000, clock: upstream.clock };
    connector = createJuspayConnector(account, deps);
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(upstream.baseUrl).port) });
    proxied = createJuspayConnector({ ...account, baseUrl: `http://127.0.0.1:${proxy.port}` }, deps);
  });
  after(async () => {
    await proxy.close();
    await receiver.close();
    await upstream.close();
  });

  const upstreamOrder = async (paymentId: string) => {
    const reply = await juspay.status(juspayOrderId(paymentId));
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return reply.body;
  };

  it('derives a short, case-free, stable Juspay order id from a longer payment id, and sends rupees exactly', () => {
    const paymentId = newPaymentId();
    assert.ok(paymentId.length > 20, paymentId);
    const orderId = juspayOrderId(paymentId);
    assert.match(orderId, /^hf[a-z2-7]{18}$/);
    assert.equal(juspayOrderId(paymentId), orderId);
    assert.notEqual(juspayOrderId(`${paymentId}x`), orderId);
    assert.match(juspayRefundRequestId('v1-250101120000-aa-AbC123'), /^hf[a-z2-7]{18}$/);
    assert.equal(toMajorUnitsText(10_050, 'INR'), '100.50');
    assert.equal(toMajorUnitsText(7, 'INR'), '0.07');
    assert.equal(toMajorUnitsText(123_456_789_012, 'INR'), '1234567890.12');
  });

  it('a pre-authorization is approved and the upstream order holds it: AUTHORIZED, not auto-captured, our fields', async () => {
    const request = authorizeRequest(CARDS.ok, { capture: false, amount: 12_345 });
    const outcome = await connector.authorize(request);
    assert.equal(outcome.kind, 'approved', JSON.stringify(outcome));
    assert.equal(outcome.connectorReference, juspayOrderId(request.paymentId));
    assert.notEqual(outcome.approvalCode, '');
    assert.notEqual(outcome.rrn, '');
    assert.deepEqual(outcome.details, { gateway: 'HOLDFAST_SANDBOX', responseCode: 'SUCCESS', responseMessage: 'Transaction successful' });
    const order = await upstreamOrder(request.paymentId);
    assert.equal(order.status, 'AUTHORIZED');
    assert.equal(order.amount, 123.45);
    assert.equal(order.metadata['txns.auto_capture'], 'false');
    assert.equal(order.return_url, `${receiver.origin}${upstreamReturnPath(account.id, request.paymentId)}`);
    assert.equal(order.udf1, request.paymentId);
    assert.equal(order.customer_email, 'asha@example.com');
    assert.equal(order.customer_id, 'cust-7');
    assert.equal(order.card.last_four_digits, '1111');
    assert.equal((await orderLedger(upstream.db, order.id)).held, 12_345);
  });

  it('a sale is approved and the upstream order is CHARGED', async () => {
    const request = authorizeRequest(CARDS.ok, { capture: true, amount: 5_000 });
    const outcome = await connector.authorize(request);
    assert.equal(outcome.kind, 'approved', JSON.stringify(outcome));
    const order = await upstreamOrder(request.paymentId);
    assert.equal(order.status, 'CHARGED');
    assert.equal(order.metadata['txns.auto_capture'], 'true');
    assert.equal((await orderLedger(upstream.db, order.id)).captured, 5_000);
  });

  it('the same attempt authorized again never sends a second transaction: its order answers', async () => {
    const request = authorizeRequest(CARDS.ok, { capture: false, amount: 2_000 });
    assert.equal((await connector.authorize(request)).kind, 'approved');
    // The same fields: the upstream replays the order, which already holds a transaction.
    assert.equal((await connector.authorize(request)).kind, 'approved');
    // Later (another order_expiry): the upstream answers duplicate.call, and the order is read.
    upstream.clock.advance(60_000);
    assert.equal((await connector.authorize(request)).kind, 'approved');
    const order = await upstreamOrder(request.paymentId);
    assert.equal(order.status, 'AUTHORIZED');
    assert.match(order.txn_id, /-1$/, 'one transaction on the order');
    assert.equal((await orderLedger(upstream.db, order.id)).authorized, 2_000);
  });

  it('a hard decline keeps the upstream code and is not retryable', async () => {
    const request = authorizeRequest(CARDS.insufficientFunds, { capture: true });
    const outcome = await connector.authorize(request);
    assert.equal(outcome.kind, 'declined', JSON.stringify(outcome));
    assert.equal(outcome.code, 'INSUFFICIENT_FUNDS');
    assert.equal(outcome.message, 'Insufficient funds');
    assert.equal(outcome.retryable, undefined);
    assert.equal(outcome.connectorReference, juspayOrderId(request.paymentId));
    assert.deepEqual(outcome.details, {
      gateway: 'HOLDFAST_SANDBOX',
      responseCode: 'INSUFFICIENT_FUNDS',
      responseMessage: 'Insufficient funds',
    });
    const order = await upstreamOrder(request.paymentId);
    assert.equal(order.status, 'AUTHORIZATION_FAILED');
    assert.equal(order.bank_error_code, 'INSUFFICIENT_FUNDS');
  });

  it("an upstream refusing the account's API key is a decline another gateway may take; nothing is created", async () => {
    const misconfigured = createJuspayConnector({ ...account, credentials: { ...account.credentials, apiKey: 'not-the-key' } }, deps);
    const request = authorizeRequest(CARDS.ok, { capture: true });
    const outcome = await misconfigured.authorize(request);
    assert.equal(outcome.kind, 'declined', JSON.stringify(outcome));
    assert.equal(outcome.retryable, true);
    assert.equal(outcome.details?.responseCode, 'access_denied');
    assert.equal((await juspay.status(juspayOrderId(request.paymentId))).status, 404);
  });

  it('3-D Secure: the challenge is the upstream page; its signed return verifies (a tampered one does not); the order then answers', async () => {
    const request = authorizeRequest(CARDS.threeDs, { capture: false });
    const outcome = await connector.authorize(request);
    assert.equal(outcome.kind, 'challenge', JSON.stringify(outcome));
    assert.equal(outcome.connectorReference, juspayOrderId(request.paymentId));
    assert.ok(outcome.redirectUrl?.startsWith(`${upstream.baseUrl}/web/auth/landing/?token=`), outcome.redirectUrl);
    assert.equal((await upstreamOrder(request.paymentId)).status, 'PENDING_VBV');
    assert.equal((await connector.inquireAuthorization({ ...request, connectorReference: outcome.connectorReference })).kind, 'unknown');

    const otp = await submitOtp(outcome.redirectUrl!, '123456');
    assert.equal(otp.status, 303);
    const back = new URL(otp.location!);
    assert.equal(`${back.origin}${back.pathname}`, `${receiver.origin}${upstreamReturnPath(account.id, request.paymentId)}`);
    // The browser arrives at Holdfast's return: the connector checks what it carries.
    const returned = await fetch(back);
    assert.equal(returned.status, 200);
    const params = Object.fromEntries(back.searchParams);
    assert.equal(params.status, 'AUTHORIZED');
    assert.deepEqual(connector.verifyReturn!(params), { connectorReference: outcome.connectorReference });
    assert.equal(connector.verifyReturn!({ ...params, status: 'CHARGED' }), null, 'a changed status');
    assert.equal(connector.verifyReturn!({ ...params, order_id: juspayOrderId(newPaymentId()) }), null, 'another order');
    const signature = params.signature!;
    const changed = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    assert.equal(connector.verifyReturn!({ ...params, signature: changed }), null, 'a changed signature');
    const unsigned = Object.fromEntries(Object.entries(params).filter(([key]) => key !== 'signature'));
    assert.equal(connector.verifyReturn!(unsigned), null, 'no signature');
    const otherKey = createJuspayConnector({ ...account, credentials: { ...account.credentials, redirectKey: 'another-key' } }, deps);
    assert.equal(otherKey.verifyReturn!(params), null, 'signed with another key');

    const settled = await connector.completeAuthentication({
      paymentId: request.paymentId,
      connectorReference: outcome.connectorReference,
      otp: '',
      capture: false,
      amount: request.amount,
      currency: 'INR',
    });
    assert.equal(settled.kind, 'approved', JSON.stringify(settled));
    assert.equal((await connector.inquireAuthorization({ ...request, connectorReference: outcome.connectorReference })).kind, 'approved');
    assert.equal((await upstreamOrder(request.paymentId)).status, 'AUTHORIZED');
  });

  it('3-D Secure with a wrong OTP ends declined USER_AUTHENTICATION_FAILED', async () => {
    const request = authorizeRequest(CARDS.threeDs, { capture: true });
    const outcome = await connector.authorize(request);
    assert.equal(outcome.kind, 'challenge');
    assert.equal((await submitOtp(outcome.redirectUrl!, '000000')).status, 303);
    const settled = await connector.inquireAuthorization({ ...request, connectorReference: outcome.connectorReference });
    assert.equal(settled.kind, 'declined', JSON.stringify(settled));
    assert.equal(settled.code, 'USER_AUTHENTICATION_FAILED');
    assert.equal((await upstreamOrder(request.paymentId)).status, 'AUTHENTICATION_FAILED');
  });

  it('the signature matches the one Holdfast signs returns with, also for values a looser encoder would change', () => {
    const params = { order_id: 'a b+c', status: "it's (ok)*!", z_key: '~ä/?', status_id: '25' };
    assert.equal(returnSignature(params, 'response-key'), juspayRedirectSignature(Object.entries(params), 'response-key'));
  });

  it('a full capture succeeds under our capture id, and its inquiry finds it', async () => {
    const request = authorizeRequest(CARDS.ok, { capture: false, amount: 8_000 });
    const authorized = await connector.authorize(request);
    assert.equal(authorized.kind, 'approved');
    const reference = juspayOrderId(request.paymentId);
    const capture = operation(request, reference, { prefix: 'cap' });
    assert.deepEqual(await connector.inquire('capture', capture), {
      kind: 'failed',
      code: 'NOT_FOUND',
      message: 'Juspay has no capture of ours',
    });
    const outcome = await connector.capture(capture);
    assert.equal(outcome.kind, 'succeeded', JSON.stringify(outcome));
    // The same capture again (its answer lost) is the upstream's replay of the same idempotence_key.
    assert.equal((await connector.capture(capture)).kind, 'succeeded');
    assert.equal((await connector.inquire('capture', capture)).kind, 'succeeded');
    const order = await upstreamOrder(request.paymentId);
    assert.equal(order.status, 'CHARGED');
    assert.deepEqual(await orderLedger(upstream.db, order.id), {
      authorized: 8_000,
      captured: 8_000,
      reversed: 0,
      refunded: 0,
      held: 0,
      merchant: 8_000,
    });
  });

  it('a partial capture closes the authorization at Juspay: the remainder is answered from the order, with no call of its own', async () => {
    const request = authorizeRequest(CARDS.ok, { capture: false, amount: 10_000 });
    assert.equal((await proxied.authorize(request)).kind, 'approved');
    const reference = juspayOrderId(request.paymentId);
    const capture = operation(request, reference, { prefix: 'cap', amount: 6_000 });
    assert.equal((await proxied.capture(capture)).kind, 'succeeded');
    const release = operation(request, reference, { prefix: 'rev', amount: 4_000, reason: 'remainder' });
    const before = proxy.stats.accepted;
    assert.equal((await proxied.reverse(release)).kind, 'succeeded');
    assert.equal(proxy.stats.accepted - before, 1, 'one exchange: the order read');
    assert.equal((await proxied.inquire('reverse', release)).kind, 'succeeded');
    const order = await upstreamOrder(request.paymentId);
    assert.equal(order.status, 'PARTIAL_CHARGED');
    assert.equal(order.amount, 100);
    assert.deepEqual(await orderLedger(upstream.db, order.id), {
      authorized: 10_000,
      captured: 6_000,
      reversed: 4_000,
      refunded: 0,
      held: 0,
      merchant: 6_000,
    });
  });

  it('a void releases the authorization; a void sent again after a lost answer reads as done', async () => {
    const request = authorizeRequest(CARDS.ok, { capture: false, amount: 3_000 });
    assert.equal((await connector.authorize(request)).kind, 'approved');
    const reference = juspayOrderId(request.paymentId);
    const voiding = operation(request, reference, { prefix: 'rev', reason: 'void' });
    assert.equal((await connector.inquire('reverse', voiding)).kind, 'failed');
    assert.equal((await connector.reverse(voiding)).kind, 'succeeded');
    // Juspay's void takes no idempotency key: the upstream refuses a second one, and the order says it is done.
    assert.equal((await connector.reverse(voiding)).kind, 'succeeded');
    assert.equal((await connector.inquire('reverse', voiding)).kind, 'succeeded');
    const order = await upstreamOrder(request.paymentId);
    assert.equal(order.status, 'VOIDED');
    assert.equal((await orderLedger(upstream.db, order.id)).reversed, 3_000);
    // A capture of a voided authorization is the upstream's refusal.
    const late = await connector.capture(operation(request, reference, { prefix: 'cap' }));
    assert.equal(late.kind, 'failed');
  });

  it('a refund succeeds once; sent again under the same id, its duplicate.call is answered from the order', async () => {
    const request = authorizeRequest(CARDS.ok, { capture: true, amount: 9_000 });
    assert.equal((await connector.authorize(request)).kind, 'approved');
    const reference = juspayOrderId(request.paymentId);
    const refund = operation(request, reference, { prefix: 'ref', amount: 2_500 });
    assert.deepEqual(await connector.inquire('refund', refund), {
      kind: 'failed',
      code: 'NOT_FOUND',
      message: 'Juspay has no refund of ours',
    });
    const first = await connector.refund(refund);
    assert.equal(first.kind, 'succeeded', JSON.stringify(first));
    const again = await connector.refund(refund);
    assert.deepEqual(again, first);
    assert.deepEqual(await connector.inquire('refund', refund), first);
    const order = await upstreamOrder(request.paymentId);
    assert.equal(order.amount_refunded, 25);
    assert.equal(order.refunds.length, 1);
    assert.equal(order.refunds[0].unique_request_id, juspayRefundRequestId(refund.operationId));
    assert.equal(order.refunds[0].amount, 25);
    assert.equal((await orderLedger(upstream.db, order.id)).refunded, 2_500);
    const tooMuch = await connector.refund(operation(request, reference, { prefix: 'ref', amount: 9_000 }));
    assert.equal(tooMuch.kind, 'failed');
    assert.equal(tooMuch.code, 'invalid.amount.exceeded');
  });

  it('an inquiry finds an authorization whose answer was lost by the id derived from the payment id alone', async () => {
    const request = authorizeRequest(CARDS.ok, { capture: false, amount: 4_200 });
    const cut = proxy.cutAfterAnswer((bytes) => bytes.toString('latin1').startsWith('POST /txns '));
    const outcome = await proxied.authorize(request);
    await cut;
    assert.equal(outcome.kind, 'unknown', JSON.stringify(outcome));
    assert.notEqual(outcome.notSent, true, 'the transaction reached the upstream: never "not sent"');
    const found = await connector.inquireAuthorization({ paymentId: request.paymentId, connectorReference: null, capture: false });
    assert.equal(found.kind, 'approved', JSON.stringify(found));
    assert.equal(found.connectorReference, juspayOrderId(request.paymentId));
    assert.equal((await upstreamOrder(request.paymentId)).status, 'AUTHORIZED');
  });

  it('an order whose creation answer was lost holds no card: not sent; the upstream order has no transaction, and an inquiry ends the attempt', async () => {
    const request = authorizeRequest(CARDS.ok, { capture: true });
    const cut = proxy.cutAfterAnswer((bytes) => bytes.toString('latin1').startsWith('POST /orders '));
    const outcome = await proxied.authorize(request);
    await cut;
    assert.deepEqual(outcome, {
      kind: 'unknown',
      connectorReference: null,
      reason: outcome.kind === 'unknown' ? outcome.reason : '',
      notSent: true,
    });
    const order = await upstreamOrder(request.paymentId);
    assert.equal(order.status, 'NEW');
    assert.equal(order.txn_uuid, undefined);
    // Asked later (the status sync waits twice the upstream timeout), an order still without its
    // transaction never got one: the attempt ends.
    assert.deepEqual(await connector.inquireAuthorization({ ...request, connectorReference: null }), {
      kind: 'declined',
      connectorReference: juspayOrderId(request.paymentId),
      code: 'PAYMENT_DECLINED',
      message: 'No such authorization at the gateway',
    });
  });

  it('an upstream order that does not exist ends the attempt', async () => {
    const outcome = await connector.inquireAuthorization({ paymentId: newPaymentId(), connectorReference: null, capture: true });
    assert.deepEqual(outcome, {
      kind: 'declined',
      connectorReference: null,
      code: 'PAYMENT_DECLINED',
      message: 'No such authorization at the gateway',
    });
  });

  it('an upstream that is not listening: the request was never sent', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const stopped = createJuspayConnector({ ...account, baseUrl: `http://127.0.0.1:${port}` }, deps);
    const outcome = await stopped.authorize(authorizeRequest(CARDS.ok, { capture: true }));
    assert.equal(outcome.kind, 'unknown');
    assert.equal(outcome.notSent, true);
    assert.equal(outcome.connectorReference, null);
    const request = authorizeRequest(CARDS.ok, { capture: false });
    assert.equal((await stopped.capture(operation(request, juspayOrderId(request.paymentId), { prefix: 'cap' }))).kind, 'unknown');
  });

  it('answers that are not Juspay\'s (a bare 404 page, a 502) leave the outcome unknown, never "no such authorization"', async () => {
    let answer = { status: 404, body: '<html>Not Found</html>' };
    const foreign = createHttpServer((request, response) => {
      request.resume();
      response.writeHead(answer.status, { 'content-type': 'text/html' }).end(answer.body);
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = foreign.address() as AddressInfo;
      const elsewhere = createJuspayConnector({ ...account, baseUrl: `http://127.0.0.1:${port}` }, deps);
      const request = authorizeRequest(CARDS.ok, { capture: false });
      const reference = juspayOrderId(request.paymentId);
      assert.equal((await elsewhere.inquireAuthorization({ ...request, connectorReference: reference })).kind, 'unknown');
      assert.equal((await elsewhere.inquire('capture', operation(request, reference, { prefix: 'cap' }))).kind, 'unknown');
      answer = { status: 502, body: 'Bad Gateway' };
      assert.equal((await elsewhere.inquireAuthorization({ ...request, connectorReference: reference })).kind, 'unknown');
      assert.equal((await elsewhere.refund(operation(request, reference, { prefix: 'ref' }))).kind, 'unknown');
      // A 502 to the order's creation: the card was never sent, so the attempt may go elsewhere.
      const created = await elsewhere.authorize(request);
      assert.equal(created.kind, 'unknown');
      assert.equal(created.notSent, true);
    } finally {
      await new Promise((resolve) => foreign.close(resolve));
    }
  });

  it("verifies the upstream's webhooks by their Basic credentials, and names the order and our payment", async () => {
    const request = authorizeRequest(CARDS.ok, { capture: true, amount: 1_500 });
    assert.equal((await connector.authorize(request)).kind, 'approved');
    await upstream.runJobs();
    const orderId = juspayOrderId(request.paymentId);
    const delivered = receiver.received.filter((r) => r.url.pathname === '/hooks' && r.body.includes(orderId));
    assert.ok(delivered.length > 0, 'the upstream delivered webhooks for the order');
    for (const hook of delivered) {
      const headers = Object.fromEntries(Object.entries(hook.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
      const event = connector.verifyWebhook!({ headers, rawBody: hook.body });
      const body = JSON.parse(hook.body);
      assert.deepEqual(event, { eventId: body.id, connectorReference: orderId, paymentId: request.paymentId });
      assert.match(body.id, /^evt_V2_/);
      assert.equal(
        connector.verifyWebhook!({ headers: { ...headers, authorization: undefined }, rawBody: hook.body }),
        null,
        'no credentials',
      );
      const forged = `Basic ${Buffer.from('hook-user:guess').toString('base64')}`;
      assert.equal(
        connector.verifyWebhook!({ headers: { ...headers, authorization: forged }, rawBody: hook.body }),
        null,
        'wrong password',
      );
    }
    // A body naming another payment than its order's is not believed for the payment.
    const first = delivered[0]!;
    const tampered = JSON.parse(first.body);
    tampered.content.order.udf1 = newPaymentId();
    const headers = { authorization: `Basic ${Buffer.from(WEBHOOK_AUTH).toString('base64')}` };
    assert.equal(connector.verifyWebhook!({ headers, rawBody: JSON.stringify(tampered) })?.paymentId, null);
  });
});
