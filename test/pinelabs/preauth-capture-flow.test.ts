import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('Pine Labs pre-auth flow: token → order → card → partial capture → refund', () => {
  let server: TestServer;
  let client: PineLabsClient;
  before(async () => {
    server = await startTestServer();
    client = await PineLabsClient.login(server.baseUrl, await server.newMerchant());
  });
  after(() => server.close());

  it('authorizes 10000, captures 6000, reverses 4000, refuses a second capture', async () => {
    const created = await client.createOrder(10000, { reference: 'flow-order-1' });
    assert.equal(created.status, 200);
    assert.equal(created.body.data.status, 'CREATED');
    assert.equal(created.body.data.pre_auth, true);
    assert.deepEqual(created.body.data.payments, []);
    assert.match(created.body.data.order_id, /^v1-\d{12}-aa-[A-Za-z0-9]{6}$/);
    const orderId = created.body.data.order_id;

    const paid = await client.pay(orderId, 10000);
    assert.equal(paid.status, 200);
    assert.equal(paid.body.data.status, 'AUTHORIZED');
    assert.equal(paid.body.data.payments[0].status, 'AUTHORIZED');
    assert.equal(paid.body.data.payments[0].payment_option.card_data.last4_digit, '1111');
    assert.equal(paid.body.data.payments[0].payment_option.card_data.network_name, 'VISA');

    const captured = await client.capture(orderId, {
      merchant_capture_reference: 'cap-6000',
      capture_amount: { value: 6000, currency: 'INR' },
    });
    assert.equal(captured.status, 200);
    assert.equal(captured.body.data.status, 'PROCESSED');
    const payment = captured.body.data.payments[0];
    assert.equal(payment.status, 'PROCESSED');
    assert.deepEqual(
      payment.capture_data.map((c: any) => ({ ref: c.merchant_capture_reference, amount: c.capture_amount })),
      [{ ref: 'cap-6000', amount: { value: 6000, currency: 'INR' } }],
    );
    assert.deepEqual(
      payment.reversal_data.map((r: any) => [r.type, r.reversal_amount.value]),
      [['AUTO_REVERSAL', 4000]],
    );
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 10000,
      captured: 6000,
      reversed: 4000,
      refunded: 0,
      held: 0,
      merchant: 6000,
    });
    const leftover = await server.db.query<{ kind: string }>("select kind from jobs where payload->>'orderId' = $1", [orderId]);
    assert.deepEqual(leftover, [], 'answered at once and nothing held: no status sync, remainder or auto-void job is left behind');

    const second = await client.capture(orderId, {
      merchant_capture_reference: 'cap-again',
      capture_amount: { value: 1000, currency: 'INR' },
    });
    assert.equal(second.status, 422);
    assert.equal(second.body.code, 'OPERATION_NOT_ALLOWED');

    const read = await client.getOrder(orderId);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.data, captured.body.data);
    await assertLedgerInvariants(server.db);
  });

  it('captures the full amount when capture_amount is omitted', async () => {
    const orderId = await client.authorizedOrder(2500);
    const captured = await client.capture(orderId, { merchant_capture_reference: 'full' });
    assert.equal(captured.status, 200);
    assert.equal(captured.body.data.status, 'PROCESSED');
    assert.equal(captured.body.data.payments[0].capture_data[0].capture_amount.value, 2500);
    assert.equal(captured.body.data.payments[0].reversal_data, undefined);
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 2500,
      captured: 2500,
      reversed: 0,
      refunded: 0,
      held: 0,
      merchant: 2500,
    });
  });

  it('accepts POST for capture as well as PUT', async () => {
    const orderId = await client.authorizedOrder(3000);
    const captured = await client.request('POST', `/api/pay/v1/orders/${orderId}/capture`, { merchant_capture_reference: 'by-post' });
    assert.equal(captured.status, 200);
    assert.equal(captured.body.data.status, 'PROCESSED');
  });

  it('cancels an authorized order and releases the whole hold', async () => {
    const orderId = await client.authorizedOrder(4000);
    const cancelled = await client.cancel(orderId);
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.data.status, 'CANCELLED');
    assert.equal(cancelled.body.data.payments[0].status, 'CANCELLED');
    assert.equal(cancelled.body.data.payments[0].capture_data, undefined);
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 4000,
      captured: 0,
      reversed: 4000,
      refunded: 0,
      held: 0,
      merchant: 0,
    });
    const again = await client.cancel(orderId);
    assert.equal(again.status, 422);
    assert.equal(again.body.code, 'ORDER_CANCELLED');
  });

  it('refunds partially then fully; a refund reads as an order of type REFUND', async () => {
    const orderId = await client.authorizedOrder(10000);
    await client.capture(orderId, { merchant_capture_reference: 'c1', capture_amount: { value: 8000, currency: 'INR' } });
    const first = await client.refund(orderId, 3000, 'refund-a');
    assert.equal(first.status, 200);
    assert.equal(first.body.data.type, 'REFUND');
    assert.equal(first.body.data.status, 'PROCESSED');
    assert.equal(first.body.data.parent_order_id, orderId);
    assert.equal(first.body.data.order_amount.value, 3000);
    assert.equal((await client.getOrder(orderId)).body.data.status, 'PARTIALLY_REFUNDED');

    const readRefund = await client.getOrder(first.body.data.order_id);
    assert.equal(readRefund.status, 200);
    assert.deepEqual(readRefund.body.data, first.body.data);

    const tooMuch = await client.refund(orderId, 5001, 'refund-b');
    assert.equal(tooMuch.status, 400);
    assert.equal(tooMuch.body.code, 'INVALID_REQUEST');

    const rest = await client.refund(orderId, 5000, 'refund-c');
    assert.equal(rest.status, 200);
    assert.equal((await client.getOrder(orderId)).body.data.status, 'FULLY_REFUNDED');
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 10000,
      captured: 8000,
      reversed: 2000,
      refunded: 8000,
      held: 0,
      merchant: 0,
    });
    await assertLedgerInvariants(server.db);
  });

  it('auto-captures an order created without pre_auth; such an order cannot be captured', async () => {
    const created = await client.createOrder(1500, { preAuth: false });
    const orderId = created.body.data.order_id;
    const paid = await client.pay(orderId, 1500);
    assert.equal(paid.body.data.status, 'PROCESSED');
    assert.equal(paid.body.data.payments[0].status, 'PROCESSED');
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 1500,
      captured: 1500,
      reversed: 0,
      refunded: 0,
      held: 0,
      merchant: 1500,
    });
    const capture = await client.capture(orderId, { merchant_capture_reference: 'nope' });
    assert.equal(capture.status, 422);
    assert.equal(capture.body.code, 'OPERATION_NOT_ALLOWED');
  });
});
