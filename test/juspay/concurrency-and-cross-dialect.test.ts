/**
 * Exactly-once under concurrency through the Juspay dialect, and one merchant using both
 * dialects on the same orders (one core behind both dialects, one ledger).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants, orderLedger, snapshot } from '../helpers/ledger-check.js';
import { PineLabsClient, VISA_OK } from '../helpers/pinelabs-client.js';
import { onPostgres } from '../helpers/test-database.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { CARDS, JuspayHttp, newOrderId, type JuspayReply } from './helpers/juspay-http.js';

const count = (replies: JuspayReply[], status: number) => replies.filter((r) => r.status === status).length;
const REFUSALS = /^(Cannot capture charged transaction|Cannot Capture [A-Z_]+ Transaction|Cannot Void [A-Z_]+ Transaction)$/;

describe(`Juspay dialect under concurrency (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  let server: TestServer;
  let juspay: JuspayHttp;
  before(async () => {
    server = await startTestServer();
    juspay = new JuspayHttp(server.baseUrl, (await server.newMerchant()).api_key);
  });
  after(() => server.close());

  it('20 concurrent partial captures with distinct idempotence_keys: exactly one wins, the rest get 400', async () => {
    const order = await juspay.authorizedOrder('100.00');
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => juspay.capture(order.txnUuid, { amount: `${10 + i}.00`, idempotence_key: `race-${i}` })),
    );
    assert.equal(count(replies, 200), 1, 'one capture wins');
    assert.equal(count(replies, 400), 19, 'every other capture is refused');
    for (const r of replies.filter((x) => x.status === 400)) {
      assert.match(r.body.error_message, REFUSALS);
      assert.equal(r.body.status, 'Bad Request');
    }
    const winner = replies.find((r) => r.status === 200)!;
    assert.equal(winner.body.status, 'PARTIAL_CHARGED');
    const rows = await server.db.query<{ amount: number }>('select amount from captures where order_id = $1', [order.id]);
    assert.equal(rows.length, 1);
    const captured = rows[0]!.amount;
    assert.deepEqual(await orderLedger(server.db, order.id), {
      authorized: 10000,
      captured,
      reversed: 10000 - captured,
      refunded: 0,
      held: 0,
      merchant: captured,
    });
    const read = await juspay.status(order.orderId);
    assert.equal(read.body.status, 'PARTIAL_CHARGED');
    await assertLedgerInvariants(server.db);
  });

  it('10 concurrent captures replaying one idempotence_key: all answered 200, one capture, one ledger movement', async () => {
    const order = await juspay.authorizedOrder('50.00');
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => juspay.capture(order.txnUuid, { amount: '20.00', idempotence_key: 'same-key' })),
    );
    assert.equal(count(replies, 200), 10, JSON.stringify(replies.filter((r) => r.status !== 200).map((r) => r.body)));
    const rows = await server.db.query<{ n: number }>('select count(*)::int as n from captures where order_id = $1', [order.id]);
    assert.equal(rows[0]!.n, 1);
    assert.deepEqual(await orderLedger(server.db, order.id), {
      authorized: 5000,
      captured: 2000,
      reversed: 3000,
      refunded: 0,
      held: 0,
      merchant: 2000,
    });
  });

  it('capture racing void on the same txn: exactly one wins, 10 times over; the ledger matches the winner', async () => {
    for (let round = 0; round < 10; round++) {
      const order = await juspay.authorizedOrder('50.00');
      const [capture, voided] = await Promise.all([
        juspay.capture(order.txnUuid, { amount: '30.00', idempotence_key: `c-${round}` }),
        juspay.void(order.txnUuid),
      ]);
      assert.deepEqual(
        [capture.status, voided.status].sort(),
        [200, 400],
        `round ${round}: ${JSON.stringify([capture.body.error_message, voided.body.error_message])}`,
      );
      const ledger = await orderLedger(server.db, order.id);
      if (capture.status === 200) {
        assert.equal(capture.body.status, 'PARTIAL_CHARGED');
        assert.match(voided.body.error_message, /^Cannot Void (CHARGED|CAPTURE_INITIATED) Transaction$/);
        assert.deepEqual(ledger, { authorized: 5000, captured: 3000, reversed: 2000, refunded: 0, held: 0, merchant: 3000 });
      } else {
        assert.equal(voided.body.status, 'VOIDED');
        assert.match(capture.body.error_message, /^Cannot Capture (VOIDED|VOID_INITIATED) Transaction$/);
        assert.deepEqual(ledger, { authorized: 5000, captured: 0, reversed: 5000, refunded: 0, held: 0, merchant: 0 });
      }
      assert.equal((await juspay.status(order.orderId)).body.status, capture.status === 200 ? 'PARTIAL_CHARGED' : 'VOIDED');
    }
    await assertLedgerInvariants(server.db);
  });

  it('15 concurrent refunds with distinct unique_request_ids never refund more than was captured', async () => {
    const order = await juspay.authorizedOrder('50.00');
    await juspay.capture(order.txnUuid, { amount: '35.00', idempotence_key: 'cap' });
    const replies = await Promise.all(
      Array.from({ length: 15 }, (_, i) => juspay.refund(order.orderId, { unique_request_id: `rf-${i}`, amount: '6.00' })),
    );
    // 35.00 / 6.00 → at most 5 refunds fit.
    assert.equal(count(replies, 200), 5);
    assert.equal(count(replies, 400), 10);
    for (const r of replies.filter((x) => x.status === 400)) assert.equal(r.body.error_code, 'invalid.amount.exceeded');
    assert.equal((await orderLedger(server.db, order.id)).refunded, 3000);
    const read = await juspay.status(order.orderId);
    assert.equal(read.body.amount_refunded, 30);
    assert.equal(read.body.refunds.length, 5);
    await assertLedgerInvariants(server.db);
  });

  it('concurrent POST /orders with one order_id create one order; concurrent /txns authorize once', async () => {
    const orderId = newOrderId('conc');
    const created = await Promise.all(Array.from({ length: 8 }, () => juspay.createOrder(orderId, '20.00')));
    assert.equal(count(created, 200), 8);
    assert.equal(new Set(created.map((r) => r.body.id)).size, 1);
    const txns = await Promise.all(Array.from({ length: 6 }, () => juspay.txn(orderId, CARDS.ok)));
    assert.equal(count(txns, 200), 1, JSON.stringify(txns.map((t) => [t.status, t.body.error_message ?? t.body.status])));
    assert.equal(count(txns, 400), 5);
    assert.equal((await orderLedger(server.db, created[0]!.body.id)).authorized, 2000);
    await assertLedgerInvariants(server.db);
  });
});

describe('one merchant, both dialects, one ledger', () => {
  let server: TestServer;
  let juspay: JuspayHttp;
  let pine: PineLabsClient;
  let otherJuspay: JuspayHttp;
  let otherPine: PineLabsClient;
  before(async () => {
    server = await startTestServer();
    const merchant = await server.newMerchant('Both dialects');
    juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
    pine = await PineLabsClient.login(server.baseUrl, merchant);
    const other = await server.newMerchant('Someone else');
    otherJuspay = new JuspayHttp(server.baseUrl, other.api_key);
    otherPine = await PineLabsClient.login(server.baseUrl, other);
  });
  after(() => server.close());

  it('a Pine Labs order is read, captured and refunded through Juspay at /orders/{merchant_order_reference}', async () => {
    const reference = newOrderId('pl');
    const created = await pine.createOrder(10000, { reference });
    assert.equal(created.status, 200);
    const orderId = created.body.data.order_id;
    assert.equal((await pine.pay(orderId, 10000, VISA_OK)).body.data.status, 'AUTHORIZED');

    const read = await juspay.status(reference);
    assert.equal(read.status, 200);
    assert.equal(read.body.id, orderId, "Juspay's id is Holdfast's order id");
    assert.equal(read.body.order_id, reference);
    assert.equal(read.body.status, 'AUTHORIZED');
    assert.equal(read.body.status_id, 25);
    assert.equal(read.body.amount, 100, '10000 paise read as 100 rupees');
    assert.equal(read.body.card.last_four_digits, '1111');

    const captured = await juspay.capture(read.body.txn_uuid, { amount: '60.00', idempotence_key: 'jp-cap' });
    assert.equal(captured.status, 200);
    assert.equal(captured.body.status, 'PARTIAL_CHARGED');
    const afterCapture = await pine.getOrder(orderId);
    assert.equal(afterCapture.body.data.status, 'PROCESSED');
    const payment = afterCapture.body.data.payments[0];
    assert.deepEqual(
      payment.capture_data.map((c: any) => [c.merchant_capture_reference, c.capture_amount.value]),
      [['jp-cap', 6000]],
    );
    assert.deepEqual(
      payment.reversal_data.map((r: any) => [r.type, r.reversal_amount.value]),
      [['AUTO_REVERSAL', 4000]],
    );

    const refunded = await juspay.refund(reference, { unique_request_id: 'jp-rf', amount: '10.00' });
    assert.equal(refunded.status, 200);
    assert.equal(refunded.body.amount_refunded, 10);
    assert.equal((await pine.getOrder(orderId)).body.data.status, 'PARTIALLY_REFUNDED');
    const pineRefund = await pine.refund(orderId, 5000, 'pl-rf');
    assert.equal(pineRefund.status, 200);
    const final = await juspay.status(reference);
    assert.equal(final.body.amount_refunded, 60);
    assert.equal(final.body.refunded, true);
    assert.deepEqual(final.body.refunds.map((r: any) => [r.unique_request_id, r.amount]).sort(), [
      ['jp-rf', 10],
      ['pl-rf', 50],
    ]);
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 10000,
      captured: 6000,
      reversed: 4000,
      refunded: 6000,
      held: 0,
      merchant: 0,
    });
    await assertLedgerInvariants(server.db);
  });

  it('a Juspay order is read, captured and refunded through Pine Labs', async () => {
    const order = await juspay.authorizedOrder('75.00');
    const byReference = await pine.request('GET', `/api/pay/v1/orders/reference/${order.orderId}`);
    assert.equal(byReference.status, 200);
    assert.equal(byReference.body.data.order_id, order.id);
    assert.equal(byReference.body.data.merchant_order_reference, order.orderId);
    assert.equal(byReference.body.data.status, 'AUTHORIZED');
    assert.equal(byReference.body.data.pre_auth, true);
    assert.deepEqual(byReference.body.data.order_amount, { value: 7500, currency: 'INR' });

    const captured = await pine.capture(order.id, { merchant_capture_reference: 'pl-cap' });
    assert.equal(captured.status, 200);
    assert.equal(captured.body.data.status, 'PROCESSED');
    const read = await juspay.status(order.orderId);
    assert.equal(read.body.status, 'CHARGED');
    assert.equal(read.body.status_id, 21);
    // The Juspay capture with the same txn is now refused in Juspay's words.
    const again = await juspay.capture(order.txnUuid);
    assert.equal(again.status, 400);
    assert.equal(again.body.error_message, 'Cannot capture charged transaction');

    assert.equal((await pine.refund(order.id, 7500, 'pl-full')).status, 200);
    const refunded = await juspay.status(order.orderId);
    assert.equal(refunded.body.status, 'CHARGED');
    assert.equal(refunded.body.amount_refunded, 75);
    assert.equal(refunded.body.refunded, true);
    const more = await juspay.refund(order.orderId, { unique_request_id: 'jp-more', amount: '1.00' });
    assert.equal(more.status, 400);
    assert.ok(['invalid.amount.exceeded', 'invalid.order.not_successful'].includes(more.body.error_code), more.body.error_code);
    assert.deepEqual(await orderLedger(server.db, order.id), {
      authorized: 7500,
      captured: 7500,
      reversed: 0,
      refunded: 7500,
      held: 0,
      merchant: 0,
    });
  });

  it('a Juspay order cancelled through Pine Labs reads VOIDED (31); a Pine Labs order voided through Juspay reads CANCELLED', async () => {
    const juspayOrder = await juspay.authorizedOrder('20.00');
    assert.equal((await pine.cancel(juspayOrder.id)).body.data.status, 'CANCELLED');
    const read = await juspay.status(juspayOrder.orderId);
    assert.equal(read.body.status, 'VOIDED');
    assert.equal(read.body.status_id, 31);

    const pineOrderId = await pine.authorizedOrder(2000);
    const reference = (await pine.getOrder(pineOrderId)).body.data.merchant_order_reference;
    const txnUuid = (await juspay.status(reference)).body.txn_uuid;
    const voided = await juspay.void(txnUuid);
    assert.equal(voided.status, 200);
    assert.equal(voided.body.status, 'VOIDED');
    assert.equal((await pine.getOrder(pineOrderId)).body.data.status, 'CANCELLED');
    for (const id of [juspayOrder.id, pineOrderId]) {
      assert.deepEqual(await orderLedger(server.db, id), {
        authorized: 2000,
        captured: 0,
        reversed: 2000,
        refunded: 0,
        held: 0,
        merchant: 0,
      });
    }
  });

  it('a Juspay capture racing a Pine Labs cancel: exactly one wins', async () => {
    for (let round = 0; round < 6; round++) {
      const order = await juspay.authorizedOrder('30.00');
      const [capture, cancel] = await Promise.all([
        juspay.capture(order.txnUuid, { idempotence_key: `x-${round}` }),
        pine.cancel(order.id),
      ]);
      assert.deepEqual(
        [capture.status === 200, cancel.status === 200].filter(Boolean).length,
        1,
        `round ${round}: ${capture.status} ${cancel.status}`,
      );
      const ledger = await orderLedger(server.db, order.id);
      assert.equal(ledger.captured + ledger.reversed, 3000);
      assert.equal(ledger.held, 0);
      assert.equal(ledger.captured, capture.status === 200 ? 3000 : 0);
    }
    await assertLedgerInvariants(server.db);
  });

  it("another merchant sees neither dialect's orders", async () => {
    const juspayOrder = await juspay.authorizedOrder('10.00');
    const reference = newOrderId('pl');
    const pineOrder = await pine.createOrder(1000, { reference });
    const pineOrderId = pineOrder.body.data.order_id;
    const before = [await snapshot(server.db, juspayOrder.id), await snapshot(server.db, pineOrderId)];
    assert.equal((await otherJuspay.status(reference)).body.status, 'NOT_FOUND');
    assert.equal((await otherJuspay.status(juspayOrder.orderId)).body.status, 'NOT_FOUND');
    assert.equal((await otherJuspay.capture(juspayOrder.txnUuid)).status, 404);
    assert.equal((await otherPine.getOrder(juspayOrder.id)).status, 404);
    assert.equal((await otherPine.request('GET', `/api/pay/v1/orders/reference/${juspayOrder.orderId}`)).status, 404);
    assert.equal((await otherPine.capture(juspayOrder.id, { merchant_capture_reference: 'steal' })).status, 404);
    assert.deepEqual([await snapshot(server.db, juspayOrder.id), await snapshot(server.db, pineOrderId)], before);
  });

  it('a Juspay order_id that is already a Pine Labs merchant_order_reference is refused (duplicate.call), not merged', async () => {
    const reference = newOrderId('pl');
    const pineOrder = await pine.createOrder(1000, { reference });
    const before = await snapshot(server.db, pineOrder.body.data.order_id);
    const clash = await juspay.createOrder(reference, '10.00');
    assert.equal(clash.status, 400);
    assert.equal(clash.body.error_code, 'duplicate.call');
    assert.deepEqual(await snapshot(server.db, pineOrder.body.data.order_id), before);
    await assertLedgerInvariants(server.db);
  });
});
