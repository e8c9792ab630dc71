import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants, orderLedger, snapshot } from '../helpers/ledger-check.js';
import { cardPayment, PineLabsClient, uniqueRef, type Reply } from '../helpers/pinelabs-client.js';
import { onPostgres } from '../helpers/test-database.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/**
 * Idempotency keys: merchant_order_reference, merchant_payment_reference,
 * merchant_capture_reference, the refund's merchant_order_reference and the Request-ID header.
 * Replaying a key with the same request returns the original result and has no second effect;
 * the same key with a different request is 422 DUPLICATE_REQUEST and changes nothing.
 */

/** A fresh Request-ID (1–50 characters). */
const rid = () => uniqueRef('rid').slice(0, 50);

function expectDuplicate(reply: Reply, label: string): void {
  assert.equal(reply.status, 422, `${label}: status (body: ${JSON.stringify(reply.body)})`);
  assert.equal(reply.body.code, 'DUPLICATE_REQUEST', `${label}: code`);
  assert.equal(typeof reply.body.message, 'string');
  assert.ok(reply.body.message.length > 0);
}

describe(`Pine Labs idempotency: replays and conflicting reuse of keys (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  let server: TestServer;
  let client: PineLabsClient;
  before(async () => {
    server = await startTestServer();
    client = await PineLabsClient.login(server.baseUrl, await server.newMerchant('Merchant A'));
  });
  after(() => server.close());

  const count = async (sql: string, params: unknown[]): Promise<number> => (await server.db.query<{ n: number }>(sql, params))[0]!.n;
  const journal = (orderId: string, kind: string) =>
    count('select count(*)::int as n from journal_entries where order_id = $1 and kind = $2', [orderId, kind]);
  const orderBody = (reference: string, value = 5000, extra: Record<string, unknown> = {}) => ({
    merchant_order_reference: reference,
    order_amount: { value, currency: 'INR' },
    pre_auth: true,
    ...extra,
  });
  const createOrder = (body: unknown, headers?: Record<string, string>) => client.request('POST', '/api/pay/v1/orders', body, headers);

  describe('merchant_order_reference', () => {
    it('same reference, same body → 200 with the same order; one row', async () => {
      const reference = uniqueRef('idem-order');
      const first = await createOrder(orderBody(reference, 5000, { notes: 'first' }));
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const again = await createOrder(orderBody(reference, 5000, { notes: 'first' }));
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.data.order_id, first.body.data.order_id);
      assert.deepEqual(again.body.data, first.body.data);
      assert.equal(await count('select count(*)::int as n from orders where merchant_order_reference = $1', [reference]), 1);
    });

    it('the same body with its keys in another order is the same request', async () => {
      const reference = uniqueRef('idem-order');
      const first = await createOrder({
        merchant_order_reference: reference,
        order_amount: { value: 700, currency: 'INR' },
        pre_auth: true,
      });
      const reordered = await createOrder({
        pre_auth: true,
        order_amount: { currency: 'INR', value: 700 },
        merchant_order_reference: reference,
      });
      assert.equal(reordered.status, 200, JSON.stringify(reordered.body));
      assert.equal(reordered.body.data.order_id, first.body.data.order_id);
      assert.equal(await count('select count(*)::int as n from orders where merchant_order_reference = $1', [reference]), 1);
    });

    it('same reference, different body → 422 DUPLICATE_REQUEST; the first order is untouched', async () => {
      const reference = uniqueRef('idem-order');
      const first = await createOrder(orderBody(reference, 5000));
      const id = first.body.data.order_id;
      const before = await snapshot(server.db, id);
      for (const [label, body] of [
        ['another amount', orderBody(reference, 5001)],
        ['pre_auth false', orderBody(reference, 5000, { pre_auth: false })],
        ['added notes', orderBody(reference, 5000, { notes: 'changed' })],
      ] as const) {
        expectDuplicate(await createOrder(body), label);
      }
      assert.deepEqual(await snapshot(server.db, id), before);
      assert.equal(await count('select count(*)::int as n from orders where merchant_order_reference = $1', [reference]), 1);
      const read = await client.request('GET', `/api/pay/v1/orders/reference/${reference}`);
      assert.equal(read.body.data.order_amount.value, 5000);
    });

    it('a replay after the order moved on returns the order as it is now, still one row', async () => {
      const reference = uniqueRef('idem-order');
      const first = await createOrder(orderBody(reference, 4000));
      const id = first.body.data.order_id;
      assert.equal((await client.pay(id, 4000)).body.data.status, 'AUTHORIZED');
      const again = await createOrder(orderBody(reference, 4000));
      assert.equal(again.status, 200);
      assert.equal(again.body.data.order_id, id);
      assert.equal(again.body.data.status, 'AUTHORIZED');
      assert.equal(await count('select count(*)::int as n from orders where merchant_order_reference = $1', [reference]), 1);
    });
  });

  describe('merchant_payment_reference', () => {
    it('same reference on the same order, same body → 200; one payment row, one AUTHORIZE entry', async () => {
      const id = (await client.createOrder(6000)).body.data.order_id;
      const body = cardPayment('pay-once', 6000);
      const first = await client.request('POST', `/api/pay/v1/orders/${id}/payments`, body);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.data.status, 'AUTHORIZED');
      const again = await client.request('POST', `/api/pay/v1/orders/${id}/payments`, body);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual(again.body.data, first.body.data);
      assert.equal(await count('select count(*)::int as n from payments where order_id = $1', [id]), 1);
      assert.equal(await journal(id, 'AUTHORIZE'), 1);
      assert.deepEqual(await orderLedger(server.db, id), {
        authorized: 6000,
        captured: 0,
        reversed: 0,
        refunded: 0,
        held: 6000,
        merchant: 0,
      });
    });

    it('same reference, different body → 422 DUPLICATE_REQUEST; still one payment', async () => {
      const id = (await client.createOrder(6000)).body.data.order_id;
      assert.equal((await client.pay(id, 6000, undefined, 'pay-x')).status, 200);
      const before = await snapshot(server.db, id);
      expectDuplicate(await client.pay(id, 6000, '5555555555554444', 'pay-x'), 'another card');
      const otherExpiry = cardPayment('pay-x', 6000);
      otherExpiry.payments[0]!.payment_option.card_details.expiry_year = '2031';
      expectDuplicate(await client.request('POST', `/api/pay/v1/orders/${id}/payments`, otherExpiry), 'another expiry');
      // Nothing stored is derived from a security code, so another CVV cannot be told apart: it
      // replays the first answer, and the gateway is not asked again.
      const otherCvv = cardPayment('pay-x', 6000);
      otherCvv.payments[0]!.payment_option.card_details.cvv = '999';
      const replayed = await client.request('POST', `/api/pay/v1/orders/${id}/payments`, otherCvv);
      assert.equal(replayed.status, 200, 'another cvv replays');
      assert.deepEqual(await snapshot(server.db, id), before);
      assert.equal(await count('select count(*)::int as n from payments where order_id = $1', [id]), 1);
      assert.equal(await journal(id, 'AUTHORIZE'), 1);
    });

    it('a replay after the capture still answers 200, not a state error', async () => {
      const id = (await client.createOrder(6000)).body.data.order_id;
      const body = cardPayment('pay-then-capture', 6000);
      assert.equal((await client.request('POST', `/api/pay/v1/orders/${id}/payments`, body)).status, 200);
      assert.equal((await client.capture(id, { merchant_capture_reference: 'c' })).status, 200);
      const again = await client.request('POST', `/api/pay/v1/orders/${id}/payments`, body);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.data.status, 'PROCESSED');
      assert.equal(await count('select count(*)::int as n from payments where order_id = $1', [id]), 1);
      assert.equal(await journal(id, 'AUTHORIZE'), 1);
    });
  });

  describe('merchant_capture_reference', () => {
    it('same reference, same body → 200 with the same answer; one capture row, one CAPTURE entry', async () => {
      const id = await client.authorizedOrder(10000);
      const body = { merchant_capture_reference: 'cap-once', capture_amount: { value: 6000, currency: 'INR' } };
      const first = await client.capture(id, body);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.data.status, 'PROCESSED');
      const again = await client.capture(id, body);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual(again.body, first.body);
      const byPost = await client.request('POST', `/api/pay/v1/orders/${id}/capture`, body);
      assert.equal(byPost.status, 200, 'a replay by POST is the same capture');
      assert.deepEqual(byPost.body, first.body);
      assert.equal(await count('select count(*)::int as n from captures where order_id = $1', [id]), 1);
      assert.equal(await journal(id, 'CAPTURE'), 1);
      assert.equal(await journal(id, 'REVERSE'), 1);
      assert.deepEqual(await orderLedger(server.db, id), {
        authorized: 10000,
        captured: 6000,
        reversed: 4000,
        refunded: 0,
        held: 0,
        merchant: 6000,
      });
    });

    it('a full capture (amount omitted) replays too', async () => {
      const id = await client.authorizedOrder(2500);
      const first = await client.capture(id, { merchant_capture_reference: 'full-once' });
      const again = await client.capture(id, { merchant_capture_reference: 'full-once' });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, first.body);
      assert.equal(await journal(id, 'CAPTURE'), 1);
    });

    it('same reference, different amount → 422 DUPLICATE_REQUEST; nothing changes', async () => {
      const id = await client.authorizedOrder(10000);
      assert.equal(
        (await client.capture(id, { merchant_capture_reference: 'cap-y', capture_amount: { value: 6000, currency: 'INR' } })).status,
        200,
      );
      const before = await snapshot(server.db, id);
      expectDuplicate(
        await client.capture(id, { merchant_capture_reference: 'cap-y', capture_amount: { value: 7000, currency: 'INR' } }),
        'another amount',
      );
      expectDuplicate(await client.capture(id, { merchant_capture_reference: 'cap-y' }), 'amount omitted');
      assert.deepEqual(await snapshot(server.db, id), before);
      assert.equal(await count('select count(*)::int as n from captures where order_id = $1', [id]), 1);
      assert.equal(await journal(id, 'CAPTURE'), 1);
      await assertLedgerInvariants(server.db);
    });

    it('a capture reference is scoped to its order: the same reference captures another order', async () => {
      const a = await client.authorizedOrder(3000);
      const b = await client.authorizedOrder(3000);
      const body = { merchant_capture_reference: 'shared-ref', capture_amount: { value: 1000, currency: 'INR' } };
      assert.equal((await client.capture(a, body)).status, 200);
      const onB = await client.capture(b, body);
      assert.equal(onB.status, 200, JSON.stringify(onB.body));
      assert.equal(onB.body.data.order_id, b);
      assert.equal(await journal(a, 'CAPTURE'), 1);
      assert.equal(await journal(b, 'CAPTURE'), 1);
    });
  });

  describe('refund reference (merchant_order_reference on POST /refunds/:id)', () => {
    it('replay → the same refund order; one refund row, one REFUND entry', async () => {
      const id = await client.authorizedOrder(10000);
      await client.capture(id, { merchant_capture_reference: 'c' });
      const first = await client.refund(id, 3000, 'refund-once');
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.data.type, 'REFUND');
      const again = await client.refund(id, 3000, 'refund-once');
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.data.order_id, first.body.data.order_id);
      assert.deepEqual(again.body.data, first.body.data);
      assert.equal(await count('select count(*)::int as n from refunds where order_id = $1', [id]), 1);
      assert.equal(await journal(id, 'REFUND'), 1);
      assert.equal((await client.getOrder(id)).body.data.status, 'PARTIALLY_REFUNDED');
      assert.equal((await orderLedger(server.db, id)).refunded, 3000);
    });

    it('a full refund (amount omitted) replays after the order is FULLY_REFUNDED', async () => {
      const id = await client.authorizedOrder(4000);
      await client.capture(id, { merchant_capture_reference: 'c' });
      const first = await client.refund(id, undefined, 'refund-all');
      assert.equal(first.body.data.order_amount.value, 4000);
      const again = await client.refund(id, undefined, 'refund-all');
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.data.order_id, first.body.data.order_id);
      assert.equal(await journal(id, 'REFUND'), 1);
    });

    it('different amount → 422 DUPLICATE_REQUEST; nothing refunded twice', async () => {
      const id = await client.authorizedOrder(10000);
      await client.capture(id, { merchant_capture_reference: 'c' });
      assert.equal((await client.refund(id, 3000, 'refund-z')).status, 200);
      const before = await snapshot(server.db, id);
      expectDuplicate(await client.refund(id, 4000, 'refund-z'), 'another amount');
      assert.deepEqual(await snapshot(server.db, id), before);
      assert.equal(await count('select count(*)::int as n from refunds where order_id = $1', [id]), 1);
      assert.equal(await journal(id, 'REFUND'), 1);
      assert.equal((await orderLedger(server.db, id)).refunded, 3000);
      await assertLedgerInvariants(server.db);
    });

    it('the DUPLICATE_REQUEST names the wire field, merchant_order_reference', async () => {
      const id = await client.authorizedOrder(10000);
      await client.capture(id, { merchant_capture_reference: 'c' });
      assert.equal((await client.refund(id, 3000, 'refund-w')).status, 200);
      const reply = await client.refund(id, 4000, 'refund-w');
      expectDuplicate(reply, 'another amount');
      assert.equal(reply.body.additional_error_details?.field, 'merchant_order_reference');
    });
  });

  describe('Request-ID header', () => {
    it('replaying a cancel with the same Request-ID returns the first answer (200 CANCELLED), not 422', async () => {
      const id = await client.authorizedOrder(5000);
      const requestId = rid();
      const first = await client.request('PUT', `/api/pay/v1/orders/${id}/cancel`, undefined, { 'Request-ID': requestId });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.data.status, 'CANCELLED');
      const before = await snapshot(server.db, id);
      const again = await client.request('PUT', `/api/pay/v1/orders/${id}/cancel`, undefined, { 'Request-ID': requestId });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual(again.body, first.body);
      assert.deepEqual(await snapshot(server.db, id), before);
      assert.equal(await count('select count(*)::int as n from reversals where order_id = $1', [id]), 1);
      assert.equal(await journal(id, 'REVERSE'), 1);
      // Without the Request-ID it is a new cancel, refused.
      const fresh = await client.cancel(id);
      assert.equal(fresh.status, 422);
      assert.equal(fresh.body.code, 'ORDER_CANCELLED');
    });

    it('replaying a create-order with the same Request-ID returns the same body; one row', async () => {
      const requestId = rid();
      const body = orderBody(uniqueRef('rid-order'), 1234);
      const first = await createOrder(body, { 'Request-ID': requestId });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const again = await createOrder(body, { 'Request-ID': requestId });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, first.body);
      assert.equal(
        await count('select count(*)::int as n from orders where merchant_order_reference = $1', [body.merchant_order_reference]),
        1,
      );
    });

    it('replaying a capture with the same Request-ID returns the first answer; one capture', async () => {
      const id = await client.authorizedOrder(8000);
      const requestId = rid();
      const body = { merchant_capture_reference: 'rid-cap', capture_amount: { value: 5000, currency: 'INR' } };
      const first = await client.request('PUT', `/api/pay/v1/orders/${id}/capture`, body, { 'Request-ID': requestId });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const again = await client.request('PUT', `/api/pay/v1/orders/${id}/capture`, body, { 'Request-ID': requestId });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, first.body);
      assert.equal(await count('select count(*)::int as n from captures where order_id = $1', [id]), 1);
      assert.equal(await journal(id, 'CAPTURE'), 1);
    });

    it('the same Request-ID with a different body → 422 DUPLICATE_REQUEST, nothing created', async () => {
      const requestId = rid();
      const first = await createOrder(orderBody(uniqueRef('rid-order'), 1000), { 'Request-ID': requestId });
      assert.equal(first.status, 200);
      const otherReference = uniqueRef('rid-other');
      expectDuplicate(await createOrder(orderBody(otherReference, 1000), { 'Request-ID': requestId }), 'another reference');
      expectDuplicate(
        await createOrder({ ...orderBody(first.body.data.merchant_order_reference, 2000) }, { 'Request-ID': requestId }),
        'another amount',
      );
      assert.equal(await count('select count(*)::int as n from orders where merchant_order_reference = $1', [otherReference]), 0);
    });

    it('the same Request-ID on a different path → 422 DUPLICATE_REQUEST, and the other order is untouched', async () => {
      const requestId = rid();
      const a = await client.authorizedOrder(3000);
      const b = await client.authorizedOrder(3000);
      assert.equal((await client.request('PUT', `/api/pay/v1/orders/${a}/cancel`, undefined, { 'Request-ID': requestId })).status, 200);
      const before = await snapshot(server.db, b);
      expectDuplicate(
        await client.request('PUT', `/api/pay/v1/orders/${b}/cancel`, undefined, { 'Request-ID': requestId }),
        'cancel of another order',
      );
      expectDuplicate(
        await client.request('PUT', `/api/pay/v1/orders/${b}/capture`, { merchant_capture_reference: 'x' }, { 'Request-ID': requestId }),
        'a capture',
      );
      expectDuplicate(await createOrder(orderBody(uniqueRef('rid-order')), { 'Request-ID': requestId }), 'a create');
      assert.deepEqual(await snapshot(server.db, b), before);
      assert.equal((await client.getOrder(b)).body.data.status, 'AUTHORIZED');
    });

    it('a Request-ID whose first request was refused (4xx) is not spent: the corrected request goes through', async () => {
      const requestId = rid();
      const id = await client.authorizedOrder(3000);
      const refused = await client.request(
        'PUT',
        `/api/pay/v1/orders/${id}/capture`,
        { merchant_capture_reference: 'r', capture_amount: { value: 3001, currency: 'INR' } },
        { 'Request-ID': requestId },
      );
      assert.equal(refused.status, 400);
      const corrected = await client.request(
        'PUT',
        `/api/pay/v1/orders/${id}/capture`,
        { merchant_capture_reference: 'r', capture_amount: { value: 3000, currency: 'INR' } },
        { 'Request-ID': requestId },
      );
      assert.equal(corrected.status, 200, JSON.stringify(corrected.body));
      assert.equal(corrected.body.data.status, 'PROCESSED');
    });

    it('a Request-ID is per merchant: another merchant may use it, and each replay returns its own answer', async () => {
      const other = await PineLabsClient.login(server.baseUrl, await server.newMerchant('Merchant B'));
      const requestId = rid();
      const bodyA = orderBody(uniqueRef('rid-a'), 1100);
      const bodyB = orderBody(uniqueRef('rid-b'), 2200);
      const a = await createOrder(bodyA, { 'Request-ID': requestId });
      const b = await other.request('POST', '/api/pay/v1/orders', bodyB, { 'Request-ID': requestId });
      assert.equal(a.status, 200);
      assert.equal(b.status, 200, JSON.stringify(b.body));
      assert.notEqual(b.body.data.order_id, a.body.data.order_id);
      assert.deepEqual((await createOrder(bodyA, { 'Request-ID': requestId })).body, a.body);
      assert.deepEqual((await other.request('POST', '/api/pay/v1/orders', bodyB, { 'Request-ID': requestId })).body, b.body);
      // B's id does not stop A's other requests being checked against A's own first use.
      expectDuplicate(await createOrder(bodyB, { 'Request-ID': requestId }), 'A reusing the id with B’s body');
    });

    it('a Request-ID first used on a replay by merchant reference is still bound to that request', {}, async () => {
      const reference = uniqueRef('rid-replayed');
      assert.equal((await createOrder(orderBody(reference, 1500))).status, 200);
      const requestId = rid();
      const replay = await createOrder(orderBody(reference, 1500), { 'Request-ID': requestId });
      assert.equal(replay.status, 200);
      const otherReference = uniqueRef('rid-sneak');
      expectDuplicate(await createOrder(orderBody(otherReference, 1500), { 'Request-ID': requestId }), 'the same id with another body');
      assert.equal(await count('select count(*)::int as n from orders where merchant_order_reference = $1', [otherReference]), 0);
    });

    it('a Request-ID first used on a capture replay cannot then cancel another order', {}, async () => {
      const captured = await client.authorizedOrder(3000);
      const body = { merchant_capture_reference: 'cap-then-rid' };
      assert.equal((await client.capture(captured, body)).status, 200);
      const requestId = rid();
      assert.equal((await client.request('PUT', `/api/pay/v1/orders/${captured}/capture`, body, { 'Request-ID': requestId })).status, 200);
      const other = await client.authorizedOrder(3000);
      const before = await snapshot(server.db, other);
      expectDuplicate(
        await client.request('PUT', `/api/pay/v1/orders/${other}/cancel`, undefined, { 'Request-ID': requestId }),
        'a cancel of another order',
      );
      assert.deepEqual(await snapshot(server.db, other), before);
    });
  });

  describe('concurrent identical replays: one effect, balanced ledger, no 5xx', () => {
    const PARALLEL = 10;

    it(`${PARALLEL} parallel captures with the same reference and body → one capture, one CAPTURE entry`, async () => {
      const id = await client.authorizedOrder(10000);
      const body = { merchant_capture_reference: 'same-cap', capture_amount: { value: 6000, currency: 'INR' } };
      const replies = await Promise.all(Array.from({ length: PARALLEL }, () => client.capture(id, body)));
      for (const r of replies) {
        assert.ok(
          r.status === 200 || (r.status === 422 && r.body.code === 'OPERATION_NOT_ALLOWED'),
          `${r.status} ${JSON.stringify(r.body)}`,
        );
        if (r.status === 200) {
          // Every 200 shows this one capture (a reply while it is in flight may still say AUTHORIZED).
          assert.deepEqual(
            r.body.data.payments[0].capture_data.map((c: any) => [c.merchant_capture_reference, c.capture_amount.value]),
            [['same-cap', 6000]],
          );
        }
      }
      assert.ok(
        replies.some((r) => r.status === 200),
        'at least one capture answered 200',
      );
      assert.equal(await count('select count(*)::int as n from captures where order_id = $1', [id]), 1);
      assert.equal(await journal(id, 'CAPTURE'), 1);
      const final = await client.getOrder(id);
      assert.equal(final.body.data.status, 'PROCESSED');
      assert.deepEqual(await orderLedger(server.db, id), {
        authorized: 10000,
        captured: 6000,
        reversed: 4000,
        refunded: 0,
        held: 0,
        merchant: 6000,
      });
      // Once settled, a replay answers exactly what the order now is.
      const settled = await client.capture(id, body);
      assert.equal(settled.status, 200);
      assert.deepEqual(settled.body.data, final.body.data);
      await assertLedgerInvariants(server.db);
    });

    it('one Request-ID on captures of two orders at once → one capture, the other 422 DUPLICATE_REQUEST and untouched', async () => {
      for (let round = 0; round < 5; round++) {
        const requestId = rid();
        const orders = [await client.authorizedOrder(3000), await client.authorizedOrder(3000)];
        const replies = await Promise.all(
          orders.map((id) =>
            client.request(
              'PUT',
              `/api/pay/v1/orders/${id}/capture`,
              { merchant_capture_reference: 'rid-race' },
              { 'Request-ID': requestId },
            ),
          ),
        );
        const won = replies.findIndex((r) => r.status === 200);
        assert.notEqual(won, -1, `one capture answered 200: ${JSON.stringify(replies.map((r) => r.body))}`);
        expectDuplicate(replies[1 - won]!, 'the other capture');
        assert.equal(await count('select count(*)::int as n from captures where order_id = $1', [orders[won]!]), 1);
        assert.equal(
          await count('select count(*)::int as n from captures where order_id = $1', [orders[1 - won]!]),
          0,
          'the refused capture wrote nothing',
        );
        assert.equal((await client.getOrder(orders[1 - won]!)).body.data.status, 'AUTHORIZED');
      }
      await assertLedgerInvariants(server.db);
    });

    it(`${PARALLEL} parallel creates with the same reference and body → all 200, one order`, async () => {
      const reference = uniqueRef('same-order');
      const replies = await Promise.all(Array.from({ length: PARALLEL }, () => createOrder(orderBody(reference, 3000))));
      for (const r of replies) assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(new Set(replies.map((r) => r.body.data.order_id)).size, 1);
      assert.equal(await count('select count(*)::int as n from orders where merchant_order_reference = $1', [reference]), 1);
    });

    it(`${PARALLEL} parallel payments with the same reference and body → one payment, one AUTHORIZE entry`, async () => {
      const id = (await client.createOrder(3000)).body.data.order_id;
      const body = cardPayment('same-pay', 3000);
      const replies = await Promise.all(
        Array.from({ length: PARALLEL }, () => client.request('POST', `/api/pay/v1/orders/${id}/payments`, body)),
      );
      for (const r of replies)
        assert.ok(
          r.status === 200 || (r.status === 422 && r.body.code === 'OPERATION_NOT_ALLOWED'),
          `${r.status} ${JSON.stringify(r.body)}`,
        );
      assert.ok(replies.some((r) => r.status === 200));
      assert.equal(await count('select count(*)::int as n from payments where order_id = $1', [id]), 1);
      assert.equal(await journal(id, 'AUTHORIZE'), 1);
      assert.equal((await client.getOrder(id)).body.data.status, 'AUTHORIZED');
      await assertLedgerInvariants(server.db);
    });

    it(`${PARALLEL} parallel refunds with the same reference and body → one refund, one REFUND entry`, async () => {
      const id = await client.authorizedOrder(10000);
      await client.capture(id, { merchant_capture_reference: 'c' });
      const replies = await Promise.all(Array.from({ length: PARALLEL }, () => client.refund(id, 2500, 'same-refund')));
      for (const r of replies)
        assert.ok(
          r.status === 200 || (r.status === 422 && r.body.code === 'OPERATION_NOT_ALLOWED'),
          `${r.status} ${JSON.stringify(r.body)}`,
        );
      const ok = replies.filter((r) => r.status === 200);
      assert.ok(ok.length > 0);
      assert.equal(new Set(ok.map((r) => r.body.data.order_id)).size, 1, 'every 200 names the same refund');
      assert.equal(await count('select count(*)::int as n from refunds where order_id = $1', [id]), 1);
      assert.equal(await journal(id, 'REFUND'), 1);
      assert.equal((await orderLedger(server.db, id)).refunded, 2500);
      await assertLedgerInvariants(server.db);
    });

    it(`${PARALLEL} parallel cancels with the same Request-ID → one void; the rest replay or are refused while it is in flight`, async () => {
      const id = await client.authorizedOrder(5000);
      const requestId = rid();
      const replies = await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          client.request('PUT', `/api/pay/v1/orders/${id}/cancel`, undefined, { 'Request-ID': requestId }),
        ),
      );
      for (const r of replies) {
        assert.ok(
          r.status === 200 || (r.status === 422 && ['OPERATION_NOT_ALLOWED', 'ORDER_CANCELLED'].includes(r.body.code)),
          `${r.status} ${JSON.stringify(r.body)}`,
        );
      }
      assert.ok(replies.some((r) => r.status === 200));
      assert.equal(await count('select count(*)::int as n from reversals where order_id = $1', [id]), 1);
      assert.equal(await journal(id, 'REVERSE'), 1);
      assert.equal((await client.getOrder(id)).body.data.status, 'CANCELLED');
      // Settled: a replay returns the first answer.
      const replay = await client.request('PUT', `/api/pay/v1/orders/${id}/cancel`, undefined, { 'Request-ID': requestId });
      assert.equal(replay.status, 200);
      assert.equal(replay.body.data.status, 'CANCELLED');
      assert.deepEqual(await orderLedger(server.db, id), {
        authorized: 5000,
        captured: 0,
        reversed: 5000,
        refunded: 0,
        held: 0,
        merchant: 0,
      });
      await assertLedgerInvariants(server.db);
    });
  });
});
