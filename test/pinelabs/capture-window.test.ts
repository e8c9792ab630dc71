import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('capture window (HOLDFAST_CAPTURE_WINDOW=2h)', () => {
  let server: TestServer;
  let client: PineLabsClient;
  before(async () => {
    server = await startTestServer({ HOLDFAST_CAPTURE_WINDOW: '2h' });
  });
  after(() => server.close());

  it('captures inside the window', async () => {
    const merchant = await server.newMerchant();
    client = await PineLabsClient.login(server.baseUrl, merchant);
    const orderId = await client.authorizedOrder(3000);
    server.clock.advance(2 * 3600 * 1000 - 1000);
    client = await PineLabsClient.login(server.baseUrl, merchant); // tokens last one hour
    const captured = await client.capture(orderId, { merchant_capture_reference: 'in-time' });
    assert.equal(captured.status, 200);
    assert.equal(captured.body.data.status, 'PROCESSED');
  });

  it('refuses a capture after the window and releases the authorization', async () => {
    const merchant = await server.newMerchant();
    client = await PineLabsClient.login(server.baseUrl, merchant);
    const orderId = await client.authorizedOrder(3000);
    server.clock.advance(2 * 3600 * 1000);
    client = await PineLabsClient.login(server.baseUrl, merchant);
    const late = await client.capture(orderId, { merchant_capture_reference: 'too-late' });
    assert.equal(late.status, 422);
    assert.equal(late.body.code, 'PAYMENT_EXPIRED');
    const order = await client.getOrder(orderId);
    assert.equal(order.body.data.status, 'CANCELLED');
    assert.deepEqual(
      order.body.data.payments[0].reversal_data.map((r: any) => [r.type, r.reversal_amount.value]),
      [['AUTO_VOID', 3000]],
    );
    assert.equal(order.body.data.payments[0].capture_data, undefined, 'no capture was recorded');
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 3000,
      captured: 0,
      reversed: 3000,
      refunded: 0,
      held: 0,
      merchant: 0,
    });
    await assertLedgerInvariants(server.db);
  });

  it("a merchant's own capture window overrides the configured one", async () => {
    const merchant = await server.newMerchant();
    await server.db.query('update merchants set capture_window_seconds = 600 where id = $1', [merchant.merchant_id]);
    client = await PineLabsClient.login(server.baseUrl, merchant);
    const orderId = await client.authorizedOrder(1000);
    server.clock.advance(600 * 1000);
    const late = await client.capture(orderId, { merchant_capture_reference: 'after-ten-minutes' });
    assert.equal(late.status, 422);
    assert.equal(late.body.code, 'PAYMENT_EXPIRED');
  });
});
