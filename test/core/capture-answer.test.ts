/**
 * The capture answers from the order it read plus the writes it made (all known values) instead
 * of reading the order back. These tests hold that answer to a fresh read of the database, field
 * for field (ledger entries included), on every path a capture can take.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { captureOrder } from '../../src/core/operations/capture.js';
import { loadAggregate } from '../../src/store/orders-repository.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const CARDS = {
  ok: '4111111111111111',
  capturePending: '4000000000000077',
  captureFails: '4000000000000085',
  captureTimesOut: '4000000000000093',
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
      read?.reversals.map((r) => [r.kind, r.amount, r.status]),
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
});
