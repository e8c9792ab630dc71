/**
 * The Pine Labs Online connector against a real upstream: a second Holdfast serving the Pine Labs
 * dialect, with sandbox test cards deciding each payment (docs/test-cards.md). What the merchant
 * depends on is checked at both ends: the outcome the connector answers, and the upstream order as
 * its own API shows it (status, amounts, captures, refunds, releases).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { AuthorizeOutcome, CardForAuthorization, GatewayConnector, OperationRequest } from '../../src/connectors/gateway.js';
import { createPineLabsOnlineConnector } from '../../src/connectors/pinelabs-online/connector.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { SANDBOX_OTP } from '../../src/test-cards/table.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-http-proxy.js';
import { returnOf } from '../helpers/merchant-return.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, TestClock, type TestServer } from '../helpers/test-server.js';
import { submitOtp } from '../juspay/helpers/juspay-http.js';

const VISA_OK = '4111111111111111';
const CHALLENGE = '4000000000003220';
const INSUFFICIENT_FUNDS = '4000000000009995';
const PUBLIC_BASE_URL = 'http://127.0.0.1:1';

const card = (number: string): CardForAuthorization => ({
  number,
  cvv: '123',
  expiryMonth: '12',
  expiryYear: '35',
  holderName: 'Asha Rao',
  network: 'VISA',
});

const newPaymentId = () => `pay-${randomBytes(6).toString('hex')}`;
const newOperationId = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

function connectorFor(baseUrl: string, merchant: MerchantCredentials, clock = new TestClock()): GatewayConnector {
  return createPineLabsOnlineConnector(
    {
      id: 'gwa_test',
      merchantId: 'm',
      name: 'pl',
      kind: 'pinelabs-online',
      baseUrl,
      credentials: {
        clientId: merchant.client_id,
        clientSecret: merchant.client_secret,
        redirectKey: merchant.pinelabs_redirect_secret,
        webhookSecret: merchant.webhook_secret,
      },
    },
    { publicBaseUrl: PUBLIC_BASE_URL, timeoutMs: 5000, connectTimeoutMs: 3000, clock },
  );
}

function approved(outcome: AuthorizeOutcome): Extract<AuthorizeOutcome, { kind: 'approved' }> {
  assert.equal(outcome.kind, 'approved', JSON.stringify(outcome));
  return outcome;
}

describe('pinelabs-online connector against an upstream Holdfast', () => {
  let upstream: TestServer;
  let merchant: MerchantCredentials;
  let proxy: CountingProxy;
  let connector: GatewayConnector;
  let shop: PineLabsClient;

  before(async () => {
    upstream = await startTestServer();
    merchant = await upstream.newMerchant('Upstream account');
    proxy = await startCountingProxy(upstream.baseUrl);
    connector = connectorFor(proxy.baseUrl, merchant);
    shop = await PineLabsClient.login(upstream.baseUrl, merchant);
  });
  after(async () => {
    await proxy.close();
    await upstream.close();
  });

  /** The upstream order as the merchant reads it from the upstream's own API. */
  async function upstreamOrder(orderId: string) {
    const read = await shop.request('GET', `/api/pay/v1/orders/${orderId}`);
    assert.equal(read.status, 200);
    return read.body.data;
  }

  async function authorized(amount: number, capture: boolean, cardNumber = VISA_OK) {
    const paymentId = newPaymentId();
    const outcome = approved(await connector.authorize({ paymentId, amount, currency: 'INR', card: card(cardNumber), capture }));
    return { paymentId, orderId: outcome.connectorReference, outcome };
  }

  const operation = (
    paymentId: string,
    orderId: string,
    amount: number,
    prefix: string,
    reason?: 'void' | 'remainder',
  ): OperationRequest => ({
    operationId: newOperationId(prefix),
    paymentId,
    connectorReference: orderId,
    amount,
    currency: 'INR',
    ...(reason ? { reason } : {}),
  });

  it('a pre-authorization: one upstream order with pre_auth, our payment id as its reference, the callback to our return path', async () => {
    const paymentId = newPaymentId();
    const outcome = approved(
      await connector.authorize({
        paymentId,
        amount: 5000,
        currency: 'INR',
        card: card(VISA_OK),
        capture: false,
        order: {
          orderId: 'ord_1',
          merchantOrderReference: 'shop-1',
          returnUrl: null,
          customer: { id: 'cust-1', email: 'asha@example.com', phone: '+91 98765 43210', name: 'Asha Rao' },
        },
      }),
    );
    const order = await upstreamOrder(outcome.connectorReference);
    assert.equal(order.status, 'AUTHORIZED');
    assert.equal(order.merchant_order_reference, paymentId);
    assert.equal(order.pre_auth, true);
    assert.deepEqual(order.order_amount, { value: 5000, currency: 'INR' });
    assert.equal(order.callback_url, `${PUBLIC_BASE_URL}/upstream/gwa_test/return/${paymentId}`);
    assert.deepEqual(order.purchase_details.customer, {
      customer_id: 'cust-1',
      email_id: 'asha@example.com',
      mobile_number: '919876543210',
      first_name: 'Asha',
      last_name: 'Rao',
    });
    assert.equal(order.payments.length, 1);
    const [payment] = order.payments;
    assert.equal(payment.merchant_payment_reference, paymentId);
    assert.equal(payment.status, 'AUTHORIZED');
    assert.equal(payment.payment_option.card_data.last4_digit, '1111');
    assert.equal(outcome.approvalCode, payment.acquirer_data.approval_code);
    assert.equal(outcome.rrn, payment.acquirer_data.rrn);
    assert.equal(outcome.acquirerReference, payment.acquirer_data.acquirer_reference);
    assert.ok(outcome.approvalCode, 'the upstream gave an approval code');
    assert.deepEqual(outcome.details, { gateway: 'pinelabs-online:pl', responseCode: 'AUTHORIZED', responseMessage: null });
  });

  it('a sale: the upstream order is PROCESSED at once', async () => {
    const { orderId, outcome } = await authorized(7000, true);
    assert.equal(outcome.details?.responseCode, 'PROCESSED');
    const order = await upstreamOrder(orderId);
    assert.equal(order.status, 'PROCESSED');
    assert.equal(order.pre_auth, false);
    assert.equal(order.payments[0].status, 'PROCESSED');
  });

  it('a hard decline: the upstream payment FAILED with INSUFFICIENT_FUNDS, not retryable', async () => {
    const paymentId = newPaymentId();
    const outcome = await connector.authorize({ paymentId, amount: 3000, currency: 'INR', card: card(INSUFFICIENT_FUNDS), capture: false });
    assert.equal(outcome.kind, 'declined');
    assert.equal(outcome.code, 'INSUFFICIENT_FUNDS');
    assert.equal(outcome.retryable, undefined);
    assert.equal(outcome.details?.responseCode, 'INSUFFICIENT_FUNDS');
    assert.equal(outcome.details.gateway, 'pinelabs-online:pl');
    const order = await upstreamOrder(outcome.connectorReference!);
    assert.equal(order.status, 'ATTEMPTED');
    assert.equal(order.payments[0].status, 'FAILED');
    // The inquiry reads the same decline.
    const inquired = await connector.inquireAuthorization({ paymentId, connectorReference: null, capture: false });
    assert.equal(inquired.kind, 'declined');
    assert.equal(inquired.code, 'INSUFFICIENT_FUNDS');
  });

  it('3-D Secure at the upstream: its challenge page, then a signed return to our path that verifyReturn accepts, and approved', async () => {
    const paymentId = newPaymentId();
    const outcome = await connector.authorize({ paymentId, amount: 4500, currency: 'INR', card: card(CHALLENGE), capture: false });
    assert.equal(outcome.kind, 'challenge', JSON.stringify(outcome));
    assert.ok(outcome.redirectUrl?.startsWith(`${upstream.baseUrl}/`), "the upstream's own page");
    const orderId = outcome.connectorReference;
    assert.equal((await upstreamOrder(orderId)).status, 'PENDING');
    const waiting = await connector.inquireAuthorization({ paymentId, connectorReference: orderId, capture: false });
    assert.equal(waiting.kind, 'challenge', 'still waiting for the cardholder');

    const back = returnOf(await submitOtp(outcome.redirectUrl!, SANDBOX_OTP));
    assert.equal(back.method, 'POST');
    assert.equal(back.url.href, `${PUBLIC_BASE_URL}/upstream/gwa_test/return/${paymentId}`);
    assert.equal(back.fields.order_id, orderId);
    assert.deepEqual(connector.verifyReturn!(back.fields), { connectorReference: orderId });
    assert.equal(connector.verifyReturn!({ ...back.fields, status: 'PROCESSED' }), null, 'a changed status');
    assert.equal(connector.verifyReturn!({ ...back.fields, order_id: 'v1-000000000000-aa-AAAAAA' }), null, 'another order');
    const flipped = back.fields.signature!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    assert.equal(connector.verifyReturn!({ ...back.fields, signature: flipped }), null, 'a changed signature');
    const unsigned = Object.fromEntries(Object.entries(back.fields).filter(([key]) => key !== 'signature'));
    assert.equal(connector.verifyReturn!(unsigned), null, 'no signature');

    const done = approved(
      await connector.completeAuthentication({
        paymentId,
        connectorReference: orderId,
        otp: '',
        capture: false,
        amount: 4500,
        currency: 'INR',
      }),
    );
    assert.equal(done.connectorReference, orderId);
    approved(await connector.inquireAuthorization({ paymentId, connectorReference: orderId, capture: false }));
    assert.equal((await upstreamOrder(orderId)).status, 'AUTHORIZED');
  });

  it('a failed authentication at the upstream: the return verifies, the inquiry answers declined USER_AUTHENTICATION_FAILED', async () => {
    const paymentId = newPaymentId();
    const outcome = await connector.authorize({ paymentId, amount: 4500, currency: 'INR', card: card(CHALLENGE), capture: true });
    assert.equal(outcome.kind, 'challenge');
    const back = returnOf(await submitOtp(outcome.redirectUrl!, '000000'));
    assert.equal(back.fields.error_code, 'USER_AUTHENTICATION_FAILED');
    assert.deepEqual(connector.verifyReturn!(back.fields), { connectorReference: outcome.connectorReference });
    const inquired = await connector.inquireAuthorization({ paymentId, connectorReference: outcome.connectorReference, capture: true });
    assert.ok(inquired.kind === 'declined', JSON.stringify(inquired));
    assert.equal(inquired.code, 'USER_AUTHENTICATION_FAILED');
    assert.equal(inquired.retryable, undefined);
  });

  it('a full capture with our capture id as the reference; its inquiry finds it', async () => {
    const { paymentId, orderId } = await authorized(6000, false);
    const request = operation(paymentId, orderId, 6000, 'cap');
    assert.deepEqual(await connector.capture(request), { kind: 'succeeded', gatewayReference: orderId });
    const order = await upstreamOrder(orderId);
    assert.equal(order.status, 'PROCESSED');
    assert.deepEqual(
      order.payments[0].capture_data.map((c: { merchant_capture_reference: string; capture_amount: unknown }) => [
        c.merchant_capture_reference,
        c.capture_amount,
      ]),
      [[request.operationId, { value: 6000, currency: 'INR' }]],
    );
    assert.deepEqual(await connector.inquire('capture', request), { kind: 'succeeded', gatewayReference: orderId });
    // Sent again under the same id, the upstream answers with the same capture rather than a second one.
    assert.deepEqual(await connector.capture(request), { kind: 'succeeded', gatewayReference: orderId });
    assert.equal((await upstreamOrder(orderId)).payments[0].capture_data.length, 1);
  });

  it('a partial capture: the upstream releases the remainder itself; reverse(remainder) confirms it without a cancel', async () => {
    const { paymentId, orderId } = await authorized(10000, false);
    const capture = operation(paymentId, orderId, 6000, 'cap');
    assert.deepEqual(await connector.capture(capture), { kind: 'succeeded', gatewayReference: orderId });
    const cancelsBefore = proxy.count('PUT', /\/cancel$/);
    const release = operation(paymentId, orderId, 4000, 'rev', 'remainder');
    assert.deepEqual(await connector.reverse(release), { kind: 'succeeded', gatewayReference: orderId });
    assert.deepEqual(await connector.inquire('reverse', release), { kind: 'succeeded', gatewayReference: orderId });
    assert.equal(proxy.count('PUT', /\/cancel$/), cancelsBefore, 'no cancel was sent');
    const order = await upstreamOrder(orderId);
    assert.equal(order.status, 'PROCESSED');
    const [payment] = order.payments;
    assert.equal(payment.capture_data[0].capture_amount.value, 6000);
    assert.deepEqual(
      payment.reversal_data.map((r: { type: string; reversal_amount: { value: number }; status: string }) => [
        r.type,
        r.reversal_amount.value,
        r.status,
      ]),
      [['AUTO_REVERSAL', 4000, 'PROCESSED']],
      'the remainder released once',
    );
    // A remainder the order does not show left over is not confirmed.
    const wrong = await connector.reverse(operation(paymentId, orderId, 3000, 'rev', 'remainder'));
    assert.equal(wrong.kind, 'unknown');
  });

  it('a void is a cancel: the upstream order CANCELLED; a second one, or its inquiry, finds it done', async () => {
    const { paymentId, orderId } = await authorized(2500, false);
    const request = operation(paymentId, orderId, 2500, 'rev', 'void');
    assert.deepEqual(await connector.reverse(request), { kind: 'succeeded', gatewayReference: orderId });
    const order = await upstreamOrder(orderId);
    assert.equal(order.status, 'CANCELLED');
    assert.equal(order.payments[0].status, 'CANCELLED');
    assert.deepEqual(await connector.reverse(request), { kind: 'succeeded', gatewayReference: orderId });
    assert.deepEqual(await connector.inquire('reverse', request), { kind: 'succeeded', gatewayReference: orderId });
  });

  it('a refund with our refund id as its reference; sent again it is the same refund; its inquiry finds it', async () => {
    const { paymentId, orderId } = await authorized(8000, true);
    const request = operation(paymentId, orderId, 3000, 'rfd');
    const refunded = await connector.refund(request);
    assert.equal(refunded.kind, 'succeeded', JSON.stringify(refunded));
    const refundOrderId = refunded.gatewayReference;
    assert.notEqual(refundOrderId, orderId);
    const order = await upstreamOrder(orderId);
    assert.equal(order.status, 'PARTIALLY_REFUNDED');
    assert.deepEqual(
      order.refunds.map((r: { merchant_order_reference: string; order_amount: { value: number } }) => [
        r.merchant_order_reference,
        r.order_amount.value,
      ]),
      [[request.operationId, 3000]],
    );
    const refundOrder = await upstreamOrder(refundOrderId);
    assert.equal(refundOrder.type, 'REFUND');
    assert.equal(refundOrder.parent_order_id, orderId);
    assert.deepEqual(await connector.refund(request), { kind: 'succeeded', gatewayReference: refundOrderId });
    assert.equal((await upstreamOrder(orderId)).refunds.length, 1, 'one refund, not two');
    assert.deepEqual(await connector.inquire('refund', request), { kind: 'succeeded', gatewayReference: refundOrderId });
  });

  it('an operation the upstream never received: inquiry answers NOT_FOUND (so the core sends it again)', async () => {
    const { paymentId, orderId } = await authorized(4000, false);
    for (const [kind, prefix] of [
      ['capture', 'cap'],
      ['reverse', 'rev'],
      ['refund', 'rfd'],
    ] as const) {
      const outcome = await connector.inquire(kind, operation(paymentId, orderId, 4000, prefix, kind === 'reverse' ? 'void' : undefined));
      assert.equal(outcome.kind, 'failed', kind);
      assert.equal(outcome.code, 'NOT_FOUND', kind);
    }
    assert.equal((await upstreamOrder(orderId)).status, 'AUTHORIZED', 'inquiries change nothing');
  });

  it('an operation the upstream refuses is failed with its code', async () => {
    const { paymentId, orderId } = await authorized(4000, true);
    const outcome = await connector.capture(operation(paymentId, orderId, 4000, 'cap'));
    assert.equal(outcome.kind, 'failed');
    assert.equal(outcome.code, 'OPERATION_NOT_ALLOWED');
    assert.equal((await upstreamOrder(orderId)).status, 'PROCESSED');
  });

  it('inquireAuthorization by our payment id when the order id never came back; no such order ends the attempt', async () => {
    const { paymentId, orderId } = await authorized(3300, false);
    const found = approved(await connector.inquireAuthorization({ paymentId, connectorReference: null, capture: false }));
    assert.equal(found.connectorReference, orderId);
    for (const connectorReference of [null, 'v1-000000000000-aa-AAAAAA']) {
      assert.deepEqual(await connector.inquireAuthorization({ paymentId: newPaymentId(), connectorReference, capture: false }), {
        kind: 'declined',
        connectorReference,
        code: 'PAYMENT_DECLINED',
        message: 'No such authorization at the gateway',
      });
    }
  });

  it('the order made but the payment call never sent: notSent with the order id, and nothing authorized on it', async () => {
    const paymentId = newPaymentId();
    const cutting = await startCountingProxy(upstream.baseUrl);
    try {
      const viaCut = connectorFor(cutting.baseUrl, merchant);
      cutting.stopAfterAnswerTo('POST', /^\/api\/pay\/v1\/orders$/);
      const outcome = await viaCut.authorize({ paymentId, amount: 1200, currency: 'INR', card: card(VISA_OK), capture: false });
      assert.equal(outcome.kind, 'unknown', JSON.stringify(outcome));
      assert.equal(outcome.notSent, true);
      assert.ok(outcome.connectorReference?.startsWith('v1-'));
      assert.equal(cutting.count('POST', /\/payments$/), 0);
      const order = await upstreamOrder(outcome.connectorReference!);
      assert.equal(order.status, 'CREATED');
      assert.deepEqual(order.payments, []);
      // Asked later, the upstream holds no authorization for it: the attempt ends.
      const inquired = await connector.inquireAuthorization({ paymentId, connectorReference: outcome.connectorReference, capture: false });
      assert.equal(inquired.kind, 'declined');
    } finally {
      await cutting.close();
    }
  });

  it('the payment acted on but its answer lost: unknown (never notSent) with the order id; the inquiry finds it approved', async () => {
    const paymentId = newPaymentId();
    proxy.cutAnswerTo('POST', /\/payments$/);
    const outcome = await connector.authorize({ paymentId, amount: 1300, currency: 'INR', card: card(VISA_OK), capture: false });
    assert.equal(outcome.kind, 'unknown', JSON.stringify(outcome));
    assert.equal(outcome.notSent, undefined);
    assert.ok(outcome.connectorReference);
    assert.equal((await upstreamOrder(outcome.connectorReference)).status, 'AUTHORIZED');
    const inquired = approved(
      await connector.inquireAuthorization({ paymentId, connectorReference: outcome.connectorReference, capture: false }),
    );
    assert.equal(inquired.connectorReference, outcome.connectorReference);
  });
});
