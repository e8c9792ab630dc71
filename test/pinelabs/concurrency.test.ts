import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { PineLabsClient, type Reply } from '../helpers/pinelabs-client.js';
import { onPostgres } from '../helpers/test-database.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const count = (replies: Reply[], status: number) => replies.filter((r) => r.status === status).length;

describe(`exactly-once operations under concurrency (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  let server: TestServer;
  let client: PineLabsClient;
  before(async () => {
    server = await startTestServer();
    client = await PineLabsClient.login(server.baseUrl, await server.newMerchant());
  });
  after(() => server.close());

  it('50 concurrent captures with distinct references: exactly one succeeds, the rest get 422', async () => {
    const orderId = await client.authorizedOrder(10000);
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.capture(orderId, { merchant_capture_reference: `race-${i}`, capture_amount: { value: 1000 + i, currency: 'INR' } }),
      ),
    );
    assert.equal(count(replies, 200), 1, 'one capture wins');
    assert.equal(count(replies, 422), 49, 'every other capture is refused');
    for (const r of replies.filter((x) => x.status === 422)) assert.equal(r.body.code, 'OPERATION_NOT_ALLOWED');
    const winner = replies.find((r) => r.status === 200)!;
    const capturedValue = winner.body.data.payments[0].capture_data[0].capture_amount.value;
    const rows = await server.db.query<{ n: number }>('select count(*)::int as n from captures where order_id = $1', [orderId]);
    assert.equal(rows[0]!.n, 1);
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 10000,
      captured: capturedValue,
      reversed: 10000 - capturedValue,
      refunded: 0,
      held: 0,
      merchant: capturedValue,
    });
    await assertLedgerInvariants(server.db);
  });

  it('capture racing cancel on the same order: exactly one wins, 10 times over', async () => {
    for (let round = 0; round < 10; round++) {
      const orderId = await client.authorizedOrder(5000);
      const [capture, cancel] = await Promise.all([
        client.capture(orderId, { merchant_capture_reference: `c-${round}`, capture_amount: { value: 3000, currency: 'INR' } }),
        client.cancel(orderId),
      ]);
      assert.deepEqual([capture.status, cancel.status].sort(), [200, 422], `round ${round}: one 200 and one 422`);
      const ledger = await orderLedger(server.db, orderId);
      if (capture.status === 200) {
        assert.equal(cancel.body.code, 'OPERATION_NOT_ALLOWED');
        assert.deepEqual(ledger, { authorized: 5000, captured: 3000, reversed: 2000, refunded: 0, held: 0, merchant: 3000 });
      } else {
        assert.equal(cancel.body.data.status, 'CANCELLED');
        assert.deepEqual(ledger, { authorized: 5000, captured: 0, reversed: 5000, refunded: 0, held: 0, merchant: 0 });
      }
    }
    await assertLedgerInvariants(server.db);
  });

  it('20 concurrent refunds never refund more than was captured', async () => {
    const orderId = await client.authorizedOrder(10000);
    await client.capture(orderId, { merchant_capture_reference: 'cap', capture_amount: { value: 5000, currency: 'INR' } });
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => client.refund(orderId, 700, `refund-${i}`)));
    // 5000 / 700 → at most 7 refunds fit.
    assert.equal(count(replies, 200), 7);
    assert.equal(count(replies, 400) + count(replies, 422), 13);
    const ledger = await orderLedger(server.db, orderId);
    assert.equal(ledger.refunded, 4900);
    await assertLedgerInvariants(server.db);
  });

  it('concurrent payments on one order: only one authorizes', async () => {
    const created = await client.createOrder(2000);
    const orderId = created.body.data.order_id;
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => client.pay(orderId, 2000, undefined, `p-${i}`)));
    assert.equal(count(replies, 200), 1);
    assert.equal(count(replies, 422), 9);
    const ledger = await orderLedger(server.db, orderId);
    assert.equal(ledger.authorized, 2000);
    await assertLedgerInvariants(server.db);
  });
});
