/**
 * Every operation answers from the order it read plus the writes it made (all known values,
 * domain/order-change.ts) instead of reading the order back. These tests hold each answer to a
 * fresh read of the database, field for field (ledger entries included), on every path a capture,
 * a void, a refund and an authorization can take.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authorizePayment, completeAuthentication } from '../../src/core/operations/authorize.js';
import { captureOrder } from '../../src/core/operations/capture.js';
import { refundOrder } from '../../src/core/operations/refund.js';
import { voidOrder } from '../../src/core/operations/void.js';
import { loadAggregate } from '../../src/store/orders-repository.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const CARDS = {
  ok: '4111111111111111',
  capturePending: '4000000000000077',
  captureFails: '4000000000000085',
  captureTimesOut: '4000000000000093',
  voidPending: '4000000000000101',
  voidFails: '4000000000000119',
  refundFails: '4000000000000127',
  declined: '4000000000000002',
  challenge: '4000000000003220',
};

describe('a capture answers exactly what a fresh read of the order shows', () => {
  let server: TestServer;
  let client: PineLabsClient;
  let merchantId: string;
  let webhookClient: PineLabsClient;
  let webhookMerchantId: string;
  before(async () => {
    server = await startTestServer();
    const merchant = await server.newMerchant();
    merchantId = merchant.merchant_id;
    client = await PineLabsClient.login(server.baseUrl, merchant);
    const withWebhook = await server.newMerchant('Webhook merchant', { webhookUrl: 'http://127.0.0.1:9/hooks' });
    webhookMerchantId = withWebhook.merchant_id;
    webhookClient = await PineLabsClient.login(server.baseUrl, withWebhook);
  });
  after(() => server.close());

  async function captureAndRead(c: PineLabsClient, merchant: string, amount: number, card: string, capture?: number, reference = 'cap-1') {
    const orderId = await c.authorizedOrder(amount, card);
    server.clock.advance(1000);
    const answer = await captureOrder(server.app.ctx, {
      merchantId: merchant,
      orderId,
      merchantCaptureReference: reference,
      amount: capture === undefined ? undefined : { value: capture, currency: 'INR' },
      requestFingerprint: `fp-${reference}`,
    });
    return { orderId, answer, read: await loadAggregate(server.db, merchant, orderId) };
  }

  it('partial capture: captured, remainder released, two ledger entries', async () => {
    const { answer, read } = await captureAndRead(client, merchantId, 10000, CARDS.ok, 6000);
    assert.equal(read?.order.state, 'PARTIALLY_CAPTURED');
    assert.deepEqual(
      read.reversals.map((r) => [r.kind, r.amount, r.status]),
      [['REMAINDER', 4000, 'SUCCEEDED']],
    );
    assert.deepEqual(answer.aggregate, read);
  });

  it('full capture', async () => {
    const { answer, read } = await captureAndRead(client, merchantId, 2500, CARDS.ok);
    assert.equal(read?.order.state, 'CAPTURED');
    assert.deepEqual(answer.aggregate, read);
  });

  it('capture refused by the gateway', async () => {
    const { answer, read } = await captureAndRead(client, merchantId, 3000, CARDS.captureFails, 1000);
    assert.equal(read?.order.state, 'CAPTURE_FAILED');
    assert.deepEqual(answer.aggregate, read);
  });

  it('capture pending at the gateway, and one that timed out', async () => {
    for (const card of [CARDS.capturePending, CARDS.captureTimesOut]) {
      const { answer, read } = await captureAndRead(client, merchantId, 3000, card, 1000, `cap-${card}`);
      assert.equal(read?.order.state, 'CAPTURE_PENDING');
      assert.deepEqual(answer.aggregate, read);
    }
  });

  it('merchant with a webhook URL (the answer is recorded in a transaction with its event)', async () => {
    const { orderId, answer, read } = await captureAndRead(webhookClient, webhookMerchantId, 10000, CARDS.ok, 7000);
    assert.deepEqual(answer.aggregate, read);
    const events = await server.db.query<{ event_type: string }>(
      'select event_type from webhook_events where order_id = $1 order by created_at, id',
      [orderId],
    );
    assert.ok(events.length > 0, 'the capture recorded its webhook event');
  });

  it('a replay of the same capture reference', async () => {
    const { orderId } = await captureAndRead(client, merchantId, 5000, CARDS.ok, 2000, 'cap-replayed');
    const again = await captureOrder(server.app.ctx, {
      merchantId,
      orderId,
      merchantCaptureReference: 'cap-replayed',
      amount: { value: 2000, currency: 'INR' },
      requestFingerprint: 'fp-cap-replayed',
    });
    assert.equal(again.replayed, true);
    assert.deepEqual(again.aggregate, await loadAggregate(server.db, merchantId, orderId));
  });

  describe('void', () => {
    for (const [name, card, state] of [
      ['voided', CARDS.ok, 'VOIDED'],
      ['refused by the gateway', CARDS.voidFails, 'VOID_FAILED'],
      ['pending at the gateway', CARDS.voidPending, 'VOID_PENDING'],
    ] as const) {
      it(name, async () => {
        const orderId = await client.authorizedOrder(4000, card);
        server.clock.advance(1000);
        const answer = await voidOrder(server.app.ctx, { merchantId, orderId });
        const read = await loadAggregate(server.db, merchantId, orderId);
        assert.equal(read?.order.state, state);
        assert.deepEqual(answer, read);
      });
    }
  });

  describe('refund', () => {
    for (const [name, card, amount, state] of [
      ['partial', CARDS.ok, 1500, 'PARTIALLY_REFUNDED'],
      ['full', CARDS.ok, undefined, 'FULLY_REFUNDED'],
      ['refused by the gateway', CARDS.refundFails, 1500, 'CAPTURED'],
    ] as const) {
      it(name, async () => {
        const orderId = await client.authorizedOrder(4000, card);
        await captureOrder(server.app.ctx, { merchantId, orderId, merchantCaptureReference: 'cap', requestFingerprint: 'fp-cap' });
        server.clock.advance(1000);
        const answer = await refundOrder(server.app.ctx, {
          merchantId,
          orderId,
          merchantRefundReference: `rf-${name}`,
          amount: amount === undefined ? undefined : { value: amount, currency: 'INR' },
          requestFingerprint: `fp-rf-${name}`,
        });
        const read = await loadAggregate(server.db, merchantId, orderId);
        assert.equal(read?.order.state, state);
        assert.deepEqual(answer.aggregate, read);
      });
    }
  });

  describe('authorization', () => {
    async function authorize(card: string, preAuth = true) {
      const created = await client.createOrder(2000, { preAuth });
      const orderId = created.body.data.order_id as string;
      server.clock.advance(1000);
      const answer = await authorizePayment(server.app.ctx, {
        merchantId,
        orderId,
        merchantPaymentReference: `pay-${card}-${preAuth}`,
        amount: 2000,
        currency: 'INR',
        card: { number: card, cvv: '123', expiryMonth: '12', expiryYear: '2035', holderName: 'Test Holder' },
        requestFingerprint: 'fp-pay',
      });
      return { orderId, answer: answer.aggregate, read: await loadAggregate(server.db, merchantId, orderId) };
    }

    for (const [name, card, preAuth, state] of [
      ['pre-authorization approved', CARDS.ok, true, 'AUTHORIZED'],
      ['sale approved', CARDS.ok, false, 'CAPTURED'],
      ['declined', CARDS.declined, true, 'ATTEMPTED'],
      ['3-D Secure challenge', CARDS.challenge, true, 'PENDING'],
    ] as const) {
      it(name, async () => {
        const { answer, read } = await authorize(card, preAuth);
        assert.equal(read?.order.state, state);
        assert.deepEqual(answer, read);
      });
    }

    it('3-D Secure completed with the OTP', async () => {
      const { orderId, read } = await authorize(CARDS.challenge);
      const challengeId = read?.payments[0]?.challengeId;
      assert.ok(challengeId);
      server.clock.advance(1000);
      const answer = await completeAuthentication(server.app.ctx, challengeId, '123456');
      const after = await loadAggregate(server.db, merchantId, orderId);
      assert.equal(after?.order.state, 'AUTHORIZED');
      assert.deepEqual(answer, after);
    });
  });
});
