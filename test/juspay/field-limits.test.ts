/**
 * Field size limits of the Juspay dialect (docs/rate-limits.md): udf1…udf10 and every other stored
 * string are at most 255 characters (Juspay's documented udf limit), refused with Juspay's 400
 * naming the field; fields Juspay does not document are not kept, so an order stores a few
 * kilobytes at most whatever the request carries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp, newOrderId, type JuspayReply } from './helpers/juspay-http.js';

const big = (size: number) => 'x'.repeat(size);

describe('Juspay field size limits', () => {
  let server: TestServer;
  let juspay: JuspayHttp;
  before(async () => {
    server = await startTestServer();
    juspay = new JuspayHttp(server.baseUrl, (await server.newMerchant('Limits')).api_key);
  });
  after(() => server.close());

  const count = async () => (await server.db.query<{ n: number }>('select count(*)::int as n from orders'))[0]!.n;
  function assertRefused(reply: JuspayReply, field: string): void {
    assert.equal(reply.status, 400, `${field}: ${JSON.stringify(reply.body).slice(0, 300)}`);
    assert.equal(reply.body.status, 'Bad Request');
    assert.equal(reply.body.error_message, `${field} must be at most 255 characters`);
    assert.deepEqual(reply.body.error_info.fields, [{ field_name: field, reason: reply.body.error_message }]);
  }

  for (const field of [
    'udf1',
    'udf10',
    'description',
    'customer_email',
    'customer_phone',
    'billing_address_line1',
    'shipping_address_city',
  ]) {
    it(`POST /orders: ${field} of 256 characters → 400 naming it, nothing stored; 255 is accepted`, async () => {
      const before = await count();
      assertRefused(await juspay.createOrder(newOrderId(), '10.00', { extra: { [field]: big(256) } }), field);
      assert.equal(await count(), before);
      assert.equal((await juspay.createOrder(newOrderId(), '10.00', { extra: { [field]: big(255) } })).status, 200);
    });
  }

  it('POST /session: first_name of 256 characters → 400 naming it', async () => {
    const before = await count();
    assertRefused(
      await juspay.request('POST', '/session', { order_id: newOrderId(), amount: '10.00', first_name: big(256) }),
      'first_name',
    );
    assert.equal(await count(), before);
  });

  it('every field at its limit and 200 KB of undocumented fields: the order stores under 16 KB', async () => {
    const fields: Record<string, string> = { notes_from_the_cart: big(200 * 1024) };
    for (const name of ['customer_id', 'customer_email', 'customer_phone', 'description', 'product_id', 'gateway_id'])
      fields[name] = big(255);
    for (let i = 1; i <= 10; i++) fields[`udf${i}`] = big(255);
    for (const kind of ['billing_address', 'shipping_address'])
      for (const part of ['first_name', 'last_name', 'line1', 'line2', 'line3', 'city', 'state', 'country', 'postal_code', 'phone'])
        fields[`${kind}_${part}`] = big(255);
    const created = await juspay.createOrder(newOrderId(), '10.00', { extra: fields });
    assert.equal(created.status, 200, JSON.stringify(created.body).slice(0, 300));
    const [row] = await server.db.query<{ n: number }>('select length(details::text)::int as n from orders where id = $1', [
      created.body.id,
    ]);
    assert.ok(row!.n < 16 * 1024, `the order stores ${row!.n} characters`);
  });
});
