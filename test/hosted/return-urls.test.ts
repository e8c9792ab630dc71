/**
 * Where a customer's browser may be sent back to: an https URL with a host, or http to this
 * machine. Anything else is refused when the order is created, in the dialect's own error shape,
 * and nothing is stored; and a redirect never fails once the money has moved, even for a URL that
 * was stored before these checks existed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { submitHostedForm } from '../helpers/hosted-form.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp, newOrderId } from '../juspay/helpers/juspay-http.js';

const REFUSED = [
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '/relative/path',
  'http://',
  'https://[::1',
  'http://shop.example/back',
  'ftp://shop.example/',
];
const ACCEPTED = ['https://shop.example/back?cart=1', 'http://localhost:3000/back', 'http://127.0.0.1:8080/done', 'http://[::1]:9000/x'];

describe('return URLs are checked when the order is created', () => {
  let server: TestServer;
  let pinelabs: PineLabsClient;
  let juspay: JuspayHttp;
  before(async () => {
    server = await startTestServer();
    const merchant = await server.newMerchant();
    pinelabs = await PineLabsClient.login(server.baseUrl, merchant);
    juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
  });
  after(() => server.close());

  const orders = async () => (await server.db.query<{ n: number }>('select count(*)::int as n from orders'))[0]!.n;

  it('Pine Labs: callback_url and failure_callback_url that are not https (or http to loopback) → 400 INVALID_REQUEST naming the field', async () => {
    for (const field of ['callback_url', 'failure_callback_url']) {
      for (const url of REFUSED) {
        const stored = await orders();
        const reply = await pinelabs.createOrder(1000, { extra: { [field]: url } });
        assert.equal(reply.status, 400, `${field}=${url}: ${JSON.stringify(reply.body)}`);
        assert.equal(reply.body.code, 'INVALID_REQUEST');
        assert.match(reply.body.message, new RegExp(field));
        assert.equal(await orders(), stored, `${field}=${url}: nothing stored`);
      }
    }
    for (const url of ACCEPTED) {
      const reply = await pinelabs.createOrder(1000, { extra: { callback_url: url, failure_callback_url: url } });
      assert.equal(reply.status, 200, `${url}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.data.callback_url, url);
    }
  });

  it("Juspay: a return_url that is not https (or http to loopback) → 400 in Juspay's shape naming return_url", async () => {
    for (const url of REFUSED) {
      const stored = await orders();
      const reply = await juspay.createOrder(newOrderId('ru'), '10.00', { extra: { return_url: url } });
      assert.equal(reply.status, 400, `${url}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.status, 'Bad Request');
      assert.match(reply.body.error_message, /return_url/);
      assert.equal(reply.body.error_info.fields[0].field_name, 'return_url');
      assert.equal(await orders(), stored, `${url}: nothing stored`);
    }
    for (const url of ACCEPTED) {
      const reply = await juspay.createOrder(newOrderId('ru'), '10.00', { extra: { return_url: url } });
      assert.equal(reply.status, 200, `${url}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.return_url, url);
    }
  });

  it('a return URL stored before the checks cannot break the page once the payment is recorded: the outcome page instead of a redirect', async () => {
    const orderId = newOrderId('old');
    const created = await juspay.createOrder(orderId, '25.00', { extra: { return_url: 'https://shop.example/back' } });
    assert.equal(created.status, 200);
    // As an order created before return URLs were checked could have it.
    await server.db.query(`update orders set details = jsonb_set(details, '{return_url}', '"https://[::1"') where id = $1`, [
      created.body.id,
    ]);
    const paid = await submitHostedForm(created.body.payment_links.web, {
      card_number: '4111111111111111',
      expiry: '12/34',
      cvv: '123',
      name: 'Page Payer',
    });
    assert.equal(paid.status, 200);
    assert.match(paid.body, new RegExp(`Order ${orderId}: AUTHORIZED`));
    assert.equal((await juspay.status(orderId)).body.status, 'AUTHORIZED');
  });

  it('Pine Labs references stay free to use after a refused creation', async () => {
    const reference = uniqueRef('ru');
    assert.equal((await pinelabs.createOrder(1000, { reference, extra: { callback_url: 'javascript:alert(1)' } })).status, 400);
    assert.equal((await pinelabs.createOrder(1000, { reference, extra: { callback_url: 'https://shop.example/ok' } })).status, 200);
  });
});
