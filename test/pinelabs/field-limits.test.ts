/**
 * Field size limits of the Pine Labs dialect (docs/rate-limits.md): the reference's maxima on the
 * customer and merchant_metadata, short values in addresses, and a bound on every free-form part
 * an order or payment link keeps (purchase_details, product, customer, product_details). Each
 * refusal is a 400 INVALID_REQUEST naming the field, and stores nothing; what an order can store
 * is a few tens of kilobytes at most, never the ~200 KB of customer data one order could hold.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PineLabsClient, uniqueRef, type Reply } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const KB = 1024;
const big = (size: number) => 'x'.repeat(size);

describe('Pine Labs field size limits', () => {
  let server: TestServer;
  let client: PineLabsClient;
  before(async () => {
    server = await startTestServer();
    client = await PineLabsClient.login(server.baseUrl, await server.newMerchant('Limits'));
  });
  after(() => server.close());

  const count = async (table: 'orders' | 'payment_links') =>
    (await server.db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;
  const order = (fields: Record<string, unknown>) => ({
    merchant_order_reference: uniqueRef('fl'),
    order_amount: { value: 1000, currency: 'INR' },
    ...fields,
  });
  const withCustomer = (customer: Record<string, unknown>) => order({ purchase_details: { customer } });
  function assertRefused(reply: Reply, field: string, says: RegExp): void {
    assert.equal(reply.status, 400, `${field}: ${JSON.stringify(reply.body).slice(0, 300)}`);
    assert.equal(reply.body.code, 'INVALID_REQUEST');
    assert.equal(reply.body.additional_error_details?.field, field);
    assert.match(reply.body.message, says);
  }

  const refusedOrders: [string, Record<string, unknown>, string, RegExp][] = [
    [
      '200 KB of customer first_name (the probe)',
      withCustomer({ first_name: big(200 * KB) }),
      'purchase_details.customer.first_name',
      /50/,
    ],
    ['first_name of 51 characters', withCustomer({ first_name: big(51) }), 'purchase_details.customer.first_name', /50/],
    ['last_name of 51 characters', withCustomer({ last_name: big(51) }), 'purchase_details.customer.last_name', /50/],
    ['email_id of 51 characters', withCustomer({ email_id: `${big(39)}@example.com` }), 'purchase_details.customer.email_id', /50/],
    ['customer_id of 20 characters', withCustomer({ customer_id: big(20) }), 'purchase_details.customer.customer_id', /19/],
    ['mobile_number of 9 characters', withCustomer({ mobile_number: '987654321' }), 'purchase_details.customer.mobile_number', /10/],
    ['mobile_number of 21 characters', withCustomer({ mobile_number: '9'.repeat(21) }), 'purchase_details.customer.mobile_number', /20/],
    ['country_code of 6 characters', withCustomer({ country_code: '123456' }), 'purchase_details.customer.country_code', /5/],
    [
      'an address line of 257 characters',
      withCustomer({ billing_address: { address1: big(257) } }),
      'purchase_details.customer.billing_address.address1',
      /256/,
    ],
    [
      '21 address fields',
      withCustomer({ shipping_address: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, 'v'])) }),
      'purchase_details.customer.shipping_address',
      /20/,
    ],
    [
      '1000 fields in the customer',
      withCustomer(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`field${i}`, 'v']))),
      'purchase_details.customer',
      /20/,
    ],
    [
      '100 KB in a customer field the reference does not list',
      withCustomer({ notes: big(100 * KB) }),
      'purchase_details',
      /32768 characters/,
    ],
    [
      'a merchant_metadata name of 257 characters',
      order({ purchase_details: { merchant_metadata: { [big(257)]: 'v' } } }),
      'purchase_details.merchant_metadata',
      /names .*256/,
    ],
    [
      '200 KB of cart_details',
      order({ purchase_details: { cart_details: { cart_items: [{ item_description: big(200 * KB) }] } } }),
      'purchase_details',
      /32768 characters/,
    ],
    [
      '200 KB in a purchase_details field the reference does not list',
      order({ purchase_details: { anything: big(200 * KB) } }),
      'purchase_details',
      /32768 characters/,
    ],
  ];
  for (const [name, body, field, says] of refusedOrders) {
    it(`create order: ${name} → 400 naming ${field}, nothing stored`, async () => {
      const before = await count('orders');
      assertRefused(await client.request('POST', '/api/pay/v1/orders', body), field, says);
      assert.equal(await count('orders'), before);
    });
  }

  it('hosted checkout: the same purchase_details limits, and a bound on product', async () => {
    const before = await count('orders');
    const checkout = (fields: Record<string, unknown>) => client.request('POST', '/api/checkout/v1/orders', order(fields));
    assertRefused(
      await checkout({ purchase_details: { customer: { first_name: big(200 * KB) } } }),
      'purchase_details.customer.first_name',
      /50/,
    );
    const products = Array.from({ length: 50 }, (_, i) => ({
      product_code: `p${i}`,
      product_amount: { value: 20, currency: 'INR' },
      note: big(400),
    }));
    assertRefused(await checkout({ product: products }), 'product', /16384 characters/);
    assert.equal(await count('orders'), before);
  });

  it('payment links: the customer’s limits, and bounds on customer and product_details', async () => {
    const before = await count('payment_links');
    const link = (fields: Record<string, unknown>) =>
      client.request('POST', '/api/pay/v1/paymentlink', {
        merchant_payment_link_reference: uniqueRef('ln'),
        amount: { value: 1000, currency: 'INR' },
        ...fields,
      });
    assertRefused(await link({ customer: { first_name: big(200 * KB) } }), 'customer.first_name', /50/);
    assertRefused(await link({ customer: { billing_address: { address1: big(200 * KB) } } }), 'customer.billing_address.address1', /256/);
    assertRefused(await link({ customer: { note: big(20 * KB) } }), 'customer', /8192 characters/);
    assertRefused(await link({ product_details: [{ product_code: 'p1', description: big(200 * KB) }] }), 'product_details', /16384/);
    assertRefused(await link({ merchant_metadata: { [big(300)]: 'v' } }), 'merchant_metadata', /names .*256/);
    assert.equal(await count('payment_links'), before);
  });

  it('refunds: merchant_metadata names are bounded as their values are', async () => {
    const reply = await client.request('POST', '/api/pay/v1/refunds/v1-000000-nothing', {
      merchant_order_reference: uniqueRef('rf'),
      merchant_metadata: { [big(257)]: 'v' },
    });
    assertRefused(reply, 'merchant_metadata', /names .*256/);
  });

  it('everything at its limit is accepted, and the largest order stores under 40 KB', async () => {
    const address = {
      address1: big(256),
      address2: big(256),
      address3: big(256),
      pincode: '560001',
      city: big(256),
      state: big(256),
      country: big(256),
      full_name: big(256),
    };
    const customer = {
      email_id: `${big(38)}@example.com`,
      first_name: big(50),
      last_name: big(50),
      customer_id: big(19),
      mobile_number: '9'.repeat(20),
      country_code: '12345',
      billing_address: address,
      shipping_address: address,
      is_edit_customer_details_allowed: true,
    };
    const metadata = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`${i}${big(255)}`, big(256)]));
    const partial = { customer, merchant_metadata: metadata };
    const room = 32 * KB - JSON.stringify({ ...partial, cart_details: { cart_items: [{ item_description: '' }] } }).length;
    const purchaseDetails = { ...partial, cart_details: { cart_items: [{ item_description: big(room) }] } };
    assert.equal(JSON.stringify(purchaseDetails).length, 32 * KB, 'purchase_details exactly at its bound');

    const created = await client.request(
      'POST',
      '/api/pay/v1/orders',
      order({ purchase_details: purchaseDetails, notes: big(500), callback_url: `https://shop.example/${big(2000)}` }),
    );
    assert.equal(created.status, 200, JSON.stringify(created.body).slice(0, 300));
    const [row] = await server.db.query<{ n: number }>('select length(details::text)::int as n from orders where id = $1', [
      created.body.data.order_id,
    ]);
    assert.ok(row!.n < 40 * KB, `the order stores ${row!.n} characters`);
    assert.deepEqual(created.body.data.purchase_details.customer, customer, 'and gives it all back');
  });
});
