import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp } from './helpers/juspay-http.js';

const HOUR = 3600 * 1000;

describe('Juspay capture after the capture window (HOLDFAST_CAPTURE_WINDOW=2h)', () => {
  let server: TestServer;
  let juspay: JuspayHttp;
  before(async () => {
    server = await startTestServer({ HOLDFAST_CAPTURE_WINDOW: '2h' });
    juspay = new JuspayHttp(server.baseUrl, (await server.newMerchant()).api_key);
  });
  after(() => server.close());

  it('captures just inside the window', async () => {
    const order = await juspay.authorizedOrder('30.00');
    server.clock.advance(2 * HOUR - 1000);
    const captured = await juspay.capture(order.txnUuid, { amount: '10.00', idempotence_key: 'in-time' });
    assert.equal(captured.status, 200);
    assert.equal(captured.body.status, 'PARTIAL_CHARGED');
    assert.deepEqual(await orderLedger(server.db, order.id), {
      authorized: 3000,
      captured: 1000,
      reversed: 2000,
      refunded: 0,
      held: 0,
      merchant: 1000,
    });
  });

  it('refuses a capture once the window has closed and releases the authorization (VOIDED 31)', async () => {
    const order = await juspay.authorizedOrder('30.00');
    server.clock.advance(2 * HOUR);
    const late = await juspay.capture(order.txnUuid, { amount: '10.00', idempotence_key: 'too-late' });
    assert.equal(late.status, 400);
    assert.equal(late.body.status, 'Bad Request');
    assert.equal(late.body.error_info.code, 'EXPIRED');
    assert.equal(late.body.error_info.category, 'USER_ERROR');
    assert.match(late.body.error_message, /capture window/i);

    const read = await juspay.status(order.orderId);
    assert.equal(read.body.status, 'VOIDED');
    assert.equal(read.body.status_id, 31);
    assert.equal(read.body.txn_detail.status, 'VOIDED');
    const captures = await server.db.query('select id from captures where order_id = $1', [order.id]);
    assert.deepEqual(captures, [], 'no capture was recorded');
    const reversals = await server.db.query<{ kind: string; amount: number; status: string }>(
      'select kind, amount, status from reversals where order_id = $1',
      [order.id],
    );
    assert.deepEqual(
      reversals.map((r) => [r.kind, r.amount, r.status]),
      [['AUTO_VOID', 3000, 'SUCCEEDED']],
    );
    assert.deepEqual(await orderLedger(server.db, order.id), {
      authorized: 3000,
      captured: 0,
      reversed: 3000,
      refunded: 0,
      held: 0,
      merchant: 0,
    });

    const retry = await juspay.capture(order.txnUuid, { amount: '10.00', idempotence_key: 'too-late' });
    assert.equal(retry.status, 400);
    assert.equal(retry.body.error_message, 'Cannot Capture VOIDED Transaction');
    const voidAfter = await juspay.void(order.txnUuid);
    assert.equal(voidAfter.status, 400);
    assert.equal(voidAfter.body.error_message, 'Cannot Void VOIDED Transaction');
    await assertLedgerInvariants(server.db);
  });
});
