import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants, orderLedger, snapshot } from '../helpers/ledger-check.js';
import { call, PineLabsClient, type Reply } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/**
 * Every way a capture can be refused: each refusal answers in Pine Labs' error
 * shape with the right status and code, names the field or states the limit, and changes nothing.
 */

const AUTHORIZED = 10000;

/** The Pine Labs error shape: `{code, message}` (plus optional `additional_error_details`), nothing else. */
function expectError(reply: Reply, status: number, code: string, ...messageMatches: RegExp[]): void {
  assert.equal(reply.status, status, `status (body: ${JSON.stringify(reply.body)})`);
  assert.equal(typeof reply.body, 'object', 'the body is JSON');
  assert.equal(reply.body.code, code, `code (body: ${JSON.stringify(reply.body)})`);
  assert.equal(typeof reply.body.message, 'string');
  assert.ok(reply.body.message.length > 0, 'a message is given');
  for (const key of Object.keys(reply.body))
    assert.ok(['code', 'message', 'additional_error_details'].includes(key), `unexpected key ${key}`);
  for (const pattern of messageMatches) assert.match(reply.body.message, pattern);
}

describe('Pine Labs capture: every refusal, and the boundaries that are accepted', () => {
  let server: TestServer;
  let client: PineLabsClient;
  /** One authorized pre-auth order that every validation case tries (and fails) to capture. */
  let orderId: string;

  before(async () => {
    server = await startTestServer();
    client = await PineLabsClient.login(server.baseUrl, await server.newMerchant());
    orderId = await client.authorizedOrder(AUTHORIZED);
  });
  after(() => server.close());

  /** Runs `attempt` against `id` and asserts that the order and its ledger are exactly as before. */
  async function unchanged(id: string, attempt: () => Promise<Reply>): Promise<Reply> {
    const before = await snapshot(server.db, id);
    const reply = await attempt();
    assert.deepEqual(await snapshot(server.db, id), before, 'a refused capture changes nothing');
    await assertLedgerInvariants(server.db);
    return reply;
  }

  const inr = (value: unknown) => ({ value, currency: 'INR' });

  describe('invalid request → 400 INVALID_REQUEST naming the field, order untouched', () => {
    // `field` is the dotted path of the offending field; the message names it (`names`, by default the
    // path itself; the core's own messages name it in words) and states the rule or limit (`says`).
    const cases: Array<{ name: string; body: unknown; field: string; names?: RegExp; says: RegExp[] }> = [
      {
        name: 'merchant_capture_reference missing',
        body: { capture_amount: inr(6000) },
        field: 'merchant_capture_reference',
        says: [/required/],
      },
      {
        name: 'merchant_capture_reference empty',
        body: { merchant_capture_reference: '' },
        field: 'merchant_capture_reference',
        says: [/empty/],
      },
      {
        name: 'merchant_capture_reference of 51 characters',
        body: { merchant_capture_reference: 'r'.repeat(51) },
        field: 'merchant_capture_reference',
        says: [/50/],
      },
      {
        name: 'merchant_capture_reference with a space',
        body: { merchant_capture_reference: 'cap 1' },
        field: 'merchant_capture_reference',
        says: [/letters, digits, - and _/],
      },
      {
        name: 'merchant_capture_reference with #',
        body: { merchant_capture_reference: 'cap#1' },
        field: 'merchant_capture_reference',
        says: [/letters, digits, - and _/],
      },
      {
        name: 'merchant_capture_reference a number',
        body: { merchant_capture_reference: 12345 },
        field: 'merchant_capture_reference',
        says: [/string/],
      },
      {
        name: 'capture_amount.value 0',
        body: { merchant_capture_reference: 'c0', capture_amount: inr(0) },
        field: 'capture_amount.value',
        says: [/greater than or equal to 1/],
      },
      {
        name: 'capture_amount.value negative',
        body: { merchant_capture_reference: 'c0', capture_amount: inr(-6000) },
        field: 'capture_amount.value',
        says: [/greater than or equal to 1/],
      },
      {
        name: 'capture_amount.value fractional (60.5)',
        body: { merchant_capture_reference: 'c0', capture_amount: inr(60.5) },
        field: 'capture_amount.value',
        says: [/integer/],
      },
      {
        name: 'capture_amount.value a string ("6000")',
        body: { merchant_capture_reference: 'c0', capture_amount: inr('6000') },
        field: 'capture_amount.value',
        says: [/integer/],
      },
      {
        name: 'capture_amount.value null',
        body: { merchant_capture_reference: 'c0', capture_amount: inr(null) },
        field: 'capture_amount.value',
        says: [/integer/],
      },
      {
        name: 'capture_amount.value one paisa above the authorized amount',
        body: { merchant_capture_reference: 'c0', capture_amount: inr(AUTHORIZED + 1) },
        field: 'capture_amount.value',
        names: /capture.amount/,
        says: [/authorized amount/, new RegExp(String(AUTHORIZED))],
      },
      {
        name: 'capture_amount.value far above the authorized amount',
        body: { merchant_capture_reference: 'c0', capture_amount: inr(50_000_000) },
        field: 'capture_amount.value',
        names: /capture.amount/,
        says: [/authorized amount/, new RegExp(String(AUTHORIZED))],
      },
      {
        name: 'capture_amount.currency USD',
        body: { merchant_capture_reference: 'c0', capture_amount: { value: 6000, currency: 'USD' } },
        field: 'capture_amount.currency',
        names: /currency/,
        says: [/INR/],
      },
      {
        name: 'capture_amount without value',
        body: { merchant_capture_reference: 'c0', capture_amount: { currency: 'INR' } },
        field: 'capture_amount.value',
        says: [/required/],
      },
      {
        name: 'capture_amount without currency',
        body: { merchant_capture_reference: 'c0', capture_amount: { value: 6000 } },
        field: 'capture_amount.currency',
        says: [/required/],
      },
      {
        name: 'capture_amount a bare number',
        body: { merchant_capture_reference: 'c0', capture_amount: 6000 },
        field: 'capture_amount',
        says: [/object/],
      },
      {
        name: 'capture_amount null',
        body: { merchant_capture_reference: 'c0', capture_amount: null },
        field: 'capture_amount',
        says: [/object/],
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const reply = await unchanged(orderId, () => client.capture(orderId, c.body));
        expectError(reply, 400, 'INVALID_REQUEST', c.names ?? new RegExp(c.field.replaceAll('.', '\\.')), ...c.says);
        if (reply.body.additional_error_details?.field !== undefined) assert.equal(reply.body.additional_error_details.field, c.field);
      });
    }

    it('capture_amount.currency "inr" (lower case) → 400 naming the currency and stating INR', async () => {
      const reply = await unchanged(orderId, () =>
        client.capture(orderId, { merchant_capture_reference: 'c0', capture_amount: { value: 6000, currency: 'inr' } }),
      );
      expectError(reply, 400, 'INVALID_REQUEST', /capture_amount\.currency/, /INR/);
    });

    const bodies: Array<{ name: string; rawBody?: string; contentType?: string }> = [
      { name: 'no body at all' },
      { name: 'an empty body sent as JSON', rawBody: '', contentType: 'application/json' },
      { name: 'JSON null', rawBody: 'null', contentType: 'application/json' },
      { name: 'a JSON string', rawBody: '"cap-1"', contentType: 'application/json' },
      { name: 'a JSON number', rawBody: '6000', contentType: 'application/json' },
      { name: 'a JSON array', rawBody: '[{"merchant_capture_reference":"cap-1"}]', contentType: 'application/json' },
    ];
    for (const b of bodies) {
      it(`body is ${b.name}`, async () => {
        const reply = await unchanged(orderId, () =>
          call(server.baseUrl, 'PUT', `/api/pay/v1/orders/${orderId}/capture`, {
            token: client.token,
            ...(b.rawBody !== undefined ? { rawBody: b.rawBody } : {}),
            ...(b.contentType ? { headers: { 'content-type': b.contentType } } : {}),
          }),
        );
        expectError(reply, 400, 'INVALID_REQUEST', /body/, /JSON object/);
      });
    }

    it('body is not valid JSON', async () => {
      const reply = await unchanged(orderId, () =>
        call(server.baseUrl, 'PUT', `/api/pay/v1/orders/${orderId}/capture`, {
          token: client.token,
          rawBody: '{"merchant_capture_reference": "cap-1",',
          headers: { 'content-type': 'application/json' },
        }),
      );
      expectError(reply, 400, 'INVALID_REQUEST', /JSON/);
    });

    it('a refused capture leaves its reference unused: the same reference then captures', async () => {
      const id = await client.authorizedOrder(5000);
      const refused = await unchanged(id, () => client.capture(id, { merchant_capture_reference: 'retry-me', capture_amount: inr(5001) }));
      expectError(refused, 400, 'INVALID_REQUEST');
      const ok = await client.capture(id, { merchant_capture_reference: 'retry-me', capture_amount: inr(5000) });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.data.status, 'PROCESSED');
      assert.deepEqual(await orderLedger(server.db, id), {
        authorized: 5000,
        captured: 5000,
        reversed: 0,
        refunded: 0,
        held: 0,
        merchant: 5000,
      });
    });

    it('after all the refusals above, the shared order is still AUTHORIZED with the whole amount held', async () => {
      const read = await client.getOrder(orderId);
      assert.equal(read.body.data.status, 'AUTHORIZED');
      assert.equal(read.body.data.payments[0].status, 'AUTHORIZED');
      assert.equal(read.body.data.payments[0].capture_data, undefined);
      const captures = await server.db.query<{ n: number }>('select count(*)::int as n from captures where order_id = $1', [orderId]);
      assert.equal(captures[0]!.n, 0);
      assert.deepEqual(await orderLedger(server.db, orderId), {
        authorized: AUTHORIZED,
        captured: 0,
        reversed: 0,
        refunded: 0,
        held: AUTHORIZED,
        merchant: 0,
      });
    });
  });

  describe('order not capturable → 422 / 404, order untouched', () => {
    it('an order created without pre_auth (auto-captured, PROCESSED) → 422 OPERATION_NOT_ALLOWED', async () => {
      const created = await client.createOrder(3000, { preAuth: false });
      const id = created.body.data.order_id;
      assert.equal((await client.pay(id, 3000)).body.data.status, 'PROCESSED');
      const reply = await unchanged(id, () => client.capture(id, { merchant_capture_reference: 'not-preauth' }));
      expectError(reply, 422, 'OPERATION_NOT_ALLOWED', /pre_auth/);
      assert.deepEqual(await orderLedger(server.db, id), {
        authorized: 3000,
        captured: 3000,
        reversed: 0,
        refunded: 0,
        held: 0,
        merchant: 3000,
      });
    });

    it('an order created without pre_auth and not yet paid → 422 OPERATION_NOT_ALLOWED', async () => {
      const id = (await client.createOrder(3000, { preAuth: false })).body.data.order_id;
      const reply = await unchanged(id, () => client.capture(id, { merchant_capture_reference: 'not-preauth-2' }));
      expectError(reply, 422, 'OPERATION_NOT_ALLOWED');
    });

    it('a pre_auth order still CREATED (no payment) → 422 OPERATION_NOT_ALLOWED stating the status', async () => {
      const id = (await client.createOrder(3000)).body.data.order_id;
      const reply = await unchanged(id, () => client.capture(id, { merchant_capture_reference: 'too-early' }));
      expectError(reply, 422, 'OPERATION_NOT_ALLOWED', /CREATED/);
    });

    it('a pre_auth order whose payment awaits 3-D Secure (PENDING) → 422 OPERATION_NOT_ALLOWED', async () => {
      const id = (await client.createOrder(3000)).body.data.order_id;
      const paid = await client.pay(id, 3000, '4000000000003220');
      assert.equal(paid.body.data.status, 'PENDING');
      const reply = await unchanged(id, () => client.capture(id, { merchant_capture_reference: 'pending-3ds' }));
      expectError(reply, 422, 'OPERATION_NOT_ALLOWED', /PENDING/);
    });

    it('a pre_auth order whose payment was declined (ATTEMPTED) → 422 OPERATION_NOT_ALLOWED', async () => {
      const id = (await client.createOrder(3000)).body.data.order_id;
      const paid = await client.pay(id, 3000, '4000000000000002');
      assert.equal(paid.body.data.status, 'ATTEMPTED');
      const reply = await unchanged(id, () => client.capture(id, { merchant_capture_reference: 'declined' }));
      expectError(reply, 422, 'OPERATION_NOT_ALLOWED', /ATTEMPTED/);
    });

    it('a CANCELLED order → 422 ORDER_CANCELLED', async () => {
      const id = await client.authorizedOrder(3000);
      assert.equal((await client.cancel(id)).body.data.status, 'CANCELLED');
      const reply = await unchanged(id, () =>
        client.capture(id, { merchant_capture_reference: 'after-cancel', capture_amount: inr(1000) }),
      );
      expectError(reply, 422, 'ORDER_CANCELLED', /cancelled/);
      assert.deepEqual(await orderLedger(server.db, id), {
        authorized: 3000,
        captured: 0,
        reversed: 3000,
        refunded: 0,
        held: 0,
        merchant: 0,
      });
    });

    it('an order already PROCESSED by a capture: a second capture with a new reference → 422 OPERATION_NOT_ALLOWED', async () => {
      const id = await client.authorizedOrder(3000);
      const first = await client.capture(id, { merchant_capture_reference: 'first', capture_amount: inr(2000) });
      assert.equal(first.status, 200);
      const reply = await unchanged(id, () => client.capture(id, { merchant_capture_reference: 'second', capture_amount: inr(1000) }));
      expectError(reply, 422, 'OPERATION_NOT_ALLOWED', /PROCESSED/);
      // Nor may the second capture take the full amount.
      const full = await unchanged(id, () => client.capture(id, { merchant_capture_reference: 'third' }));
      expectError(full, 422, 'OPERATION_NOT_ALLOWED');
      assert.deepEqual(await orderLedger(server.db, id), {
        authorized: 3000,
        captured: 2000,
        reversed: 1000,
        refunded: 0,
        held: 0,
        merchant: 2000,
      });
    });

    it('an order already refunded → 422 OPERATION_NOT_ALLOWED', async () => {
      const id = await client.authorizedOrder(3000);
      await client.capture(id, { merchant_capture_reference: 'cap' });
      assert.equal((await client.refund(id, 1000)).status, 200);
      const reply = await unchanged(id, () => client.capture(id, { merchant_capture_reference: 'after-refund' }));
      expectError(reply, 422, 'OPERATION_NOT_ALLOWED');
    });

    it('an unknown order id → 404 ORDER_NOT_FOUND, no capture anywhere', async () => {
      const before = await server.db.query<{ n: number }>('select count(*)::int as n from captures');
      const reply = await client.capture('v1-000000000000-aa-nOsUcH', { merchant_capture_reference: 'ghost' });
      expectError(reply, 404, 'ORDER_NOT_FOUND');
      assert.deepEqual(await server.db.query('select count(*)::int as n from captures'), before);
    });

    it('another merchant’s authorized order → 404 ORDER_NOT_FOUND, as if it did not exist', async () => {
      const other = await PineLabsClient.login(server.baseUrl, await server.newMerchant('Other'));
      const reply = await unchanged(orderId, () => other.capture(orderId, { merchant_capture_reference: 'steal' }));
      expectError(reply, 404, 'ORDER_NOT_FOUND');
    });
  });

  describe('exact boundaries are accepted', () => {
    it('capture of exactly the authorized amount → PROCESSED, nothing reversed', async () => {
      const id = await client.authorizedOrder(7777);
      const reply = await client.capture(id, { merchant_capture_reference: 'exact', capture_amount: inr(7777) });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.data.status, 'PROCESSED');
      const payment = reply.body.data.payments[0];
      assert.equal(payment.status, 'PROCESSED');
      assert.deepEqual(
        payment.capture_data.map((c: any) => [c.merchant_capture_reference, c.capture_amount]),
        [['exact', { value: 7777, currency: 'INR' }]],
      );
      assert.equal(payment.reversal_data, undefined);
      assert.deepEqual(await orderLedger(server.db, id), {
        authorized: 7777,
        captured: 7777,
        reversed: 0,
        refunded: 0,
        held: 0,
        merchant: 7777,
      });
      await assertLedgerInvariants(server.db);
    });

    it('capture of 1 paisa → PROCESSED, partial: the remainder is reversed at once', async () => {
      const id = await client.authorizedOrder(AUTHORIZED);
      const reply = await client.capture(id, { merchant_capture_reference: 'one-paisa', capture_amount: inr(1) });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.data.status, 'PROCESSED');
      const payment = reply.body.data.payments[0];
      assert.deepEqual(
        payment.capture_data.map((c: any) => c.capture_amount),
        [{ value: 1, currency: 'INR' }],
      );
      assert.deepEqual(
        payment.reversal_data.map((r: any) => [r.type, r.reversal_amount.value]),
        [['AUTO_REVERSAL', AUTHORIZED - 1]],
      );
      assert.deepEqual(await orderLedger(server.db, id), {
        authorized: AUTHORIZED,
        captured: 1,
        reversed: AUTHORIZED - 1,
        refunded: 0,
        held: 0,
        merchant: 1,
      });
      await assertLedgerInvariants(server.db);
    });

    it('a 50-character reference of every allowed character class is accepted', async () => {
      const id = await client.authorizedOrder(2000);
      const reference = `AZaz09-_${'x'.repeat(42)}`;
      assert.equal(reference.length, 50);
      const reply = await client.capture(id, { merchant_capture_reference: reference });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.data.payments[0].capture_data[0].merchant_capture_reference, reference);
      assert.equal(reply.body.data.payments[0].capture_data[0].capture_amount.value, 2000);
    });

    it('a 1-character reference is accepted', async () => {
      const id = await client.authorizedOrder(2000);
      const reply = await client.capture(id, { merchant_capture_reference: 'Z', capture_amount: inr(1999) });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(await orderLedger(server.db, id), {
        authorized: 2000,
        captured: 1999,
        reversed: 1,
        refunded: 0,
        held: 0,
        merchant: 1999,
      });
    });
  });
});
