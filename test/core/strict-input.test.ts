/**
 * Strict input: a JSON body that names a field twice in one object is
 * refused with a 400 naming it, in each dialect's shape, and stores nothing — JSON.parse alone
 * would keep the last value, turning `{"value":100,…,"value":1}` into a one-paisa order. A
 * `Request-Timestamp` must be an instant that exists.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { duplicateJsonKey } from '../../src/api/duplicate-json-keys.js';
import { isRealInstant } from '../../src/api/iso-instant.js';
import { call, PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { juspayCall, JuspayHttp, newOrderId } from '../juspay/helpers/juspay-http.js';

describe('duplicate JSON keys and impossible timestamps', () => {
  let server: TestServer;
  let pinelabs: PineLabsClient;
  let juspay: JuspayHttp;
  before(async () => {
    server = await startTestServer();
    const merchant = await server.newMerchant('Strict');
    pinelabs = await PineLabsClient.login(server.baseUrl, merchant);
    juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
  });
  after(() => server.close());
  const orders = async () => (await server.db.query<{ n: number }>('select count(*)::int as n from orders'))[0]?.n;

  it('finds the first repeated name, with its path, in objects at any depth', () => {
    assert.equal(duplicateJsonKey('{"a":1,"b":2}'), undefined);
    assert.equal(duplicateJsonKey('{"a":{"x":1},"b":{"x":2}}'), undefined, 'the same name in two objects is fine');
    assert.equal(duplicateJsonKey('[{"a":1},{"a":2}]'), undefined);
    assert.equal(duplicateJsonKey('{"a":1,"a":2}'), 'a');
    assert.equal(duplicateJsonKey('{"order_amount":{"value":100,"currency":"INR","value":1}}'), 'order_amount.value');
    assert.equal(duplicateJsonKey('{"payments":[{"card":{"cvv":"1","cvv":"2"}}]}'), 'payments[].card.cvv');
  });

  it('with what the text parsed into, counts names first and finds the same repeats', () => {
    const texts = [
      '{"a":1,"b":2}',
      '{"a":1,"a":2}',
      '{"s":"x\\":y","t":"\\\\","u" : "v:"}',
      '{"k\\":":1, "k\\":":2}',
      '["a:", {"b": "c\\\\", "b" : 1}]',
      '{"o":{"value":100,"currency":"INR","value":1}}',
      '{"__proto__":{"x":1},"b":1}',
    ];
    for (const text of texts) assert.equal(duplicateJsonKey(text, JSON.parse(text)), duplicateJsonKey(text), text);
    assert.equal(duplicateJsonKey('{"k\\":":1, "k\\":":2}', { 'k":': 2 }), 'k":');
  });

  it('Pine Labs: a repeated amount is a 400 INVALID_REQUEST naming it, and no order is made', async () => {
    const before = await orders();
    const reference = uniqueRef('dup');
    const reply = await call(server.baseUrl, 'POST', '/api/pay/v1/orders', {
      token: pinelabs.token,
      rawBody: `{"merchant_order_reference":"${reference}","order_amount":{"value":100,"currency":"INR","value":1}}`,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(reply.status, 400, JSON.stringify(reply.body));
    assert.equal(reply.body.code, 'INVALID_REQUEST');
    assert.match(reply.body.message, /order_amount\.value appears more than once/);
    assert.equal(await orders(), before);
  });

  it("Juspay: a repeated amount is a 400 in Juspay's shape naming it, and no order is made", async () => {
    const before = await orders();
    const reply = await juspayCall(server.baseUrl, 'POST', '/orders', {
      authorization: juspay.authorization,
      rawBody: `{"order_id":"${newOrderId('dup')}","amount":"100.00","amount":"0.01"}`,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(reply.status, 400, JSON.stringify(reply.body));
    assert.match(reply.body.error_message, /amount appears more than once/);
    assert.equal(await orders(), before);
  });

  it('Request-Timestamp: a day or an hour that does not exist is refused; real instants pass', async () => {
    for (const bad of [
      '2024-02-30T00:00:00Z',
      '2023-02-29T10:00:00Z',
      '2024-04-31T10:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T10:60:00Z',
      '2024-13-01T10:00:00Z',
    ]) {
      assert.equal(isRealInstant(bad), false, bad);
      const reply = await pinelabs.request('GET', '/api/pay/v1/orders/reference/none', undefined, { 'Request-Timestamp': bad });
      assert.equal(reply.status, 400, `${bad}: ${JSON.stringify(reply.body)}`);
      assert.match(reply.body.message, /Request-Timestamp/);
    }
    for (const good of ['2024-02-29T23:59:59Z', '2024-07-09T07:57:08.022Z', '2024-07-09T13:27:08+05:30', '2024-12-31T00:00:00-0800']) {
      assert.equal(isRealInstant(good), true, good);
    }
  });
});
