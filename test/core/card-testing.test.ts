/**
 * Card-testing protection (docs/rate-limits.md): after N declines of one card, or M declines at
 * one merchant, within the window, an authorization is refused without reaching the connector —
 * a FAILED payment with code PAYMENT_RATE_LIMIT, in each dialect's own words. The declines come
 * from the sandbox's test cards through a connector that counts its calls; time moves only by the
 * test clock.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import type { AuthorizeRequest } from '../../src/connectors/gateway.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { SandboxConnector } from '../../src/connectors/sandbox.js';
import { payOnHostedPage } from '../helpers/hosted-form.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { ScriptedConnector } from '../helpers/scripted-connector.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { CARDS, JuspayHttp, newOrderId } from '../juspay/helpers/juspay-http.js';

const MINUTE = 60_000;
const VELOCITY = /^Failure due to request velocity or limit checks: /;

/** The sandbox behind a connector that counts the authorizations it is asked for. */
function countingSandbox(): { connector: ScriptedConnector; calls: () => number } {
  const connector = new ScriptedConnector('counting-sandbox');
  const sandbox = new SandboxConnector();
  let calls = 0;
  connector.play({
    authorize: (request: AuthorizeRequest) => {
      calls += 1;
      return sandbox.authorize(request);
    },
  });
  return { connector, calls: () => calls };
}

/** One Pine Labs payment on a new order; the order's first payment. */
async function payOnce(client: PineLabsClient, card: string, expiry = { month: '12', year: '2035' }): Promise<any> {
  const order = await client.createOrder(1500, { reference: uniqueRef('ct') });
  assert.equal(order.status, 200, JSON.stringify(order.body));
  const reply = await client.request('POST', `/api/pay/v1/orders/${order.body.data.order_id}/payments`, {
    payments: [
      {
        merchant_payment_reference: uniqueRef('p'),
        payment_method: 'CARD',
        payment_amount: { value: 1500, currency: 'INR' },
        payment_option: {
          card_details: { name: 'Tester', card_number: card, cvv: '123', expiry_month: expiry.month, expiry_year: expiry.year },
        },
      },
    ],
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.data;
}

describe('card-testing: declines of one card', () => {
  let server: TestServer;
  let counting: ReturnType<typeof countingSandbox>;
  let client: PineLabsClient;
  let merchant: MerchantCredentials;
  beforeEach(async () => {
    counting = countingSandbox();
    server = await startTestServer(
      { HOLDFAST_CARD_TESTING_CARD_DECLINES: '3', HOLDFAST_CARD_TESTING_MERCHANT_DECLINES: '0', HOLDFAST_CARD_TESTING_WINDOW: '1h' },
      { connectors: [counting.connector] },
    );
    merchant = await server.newMerchant('Shop', { connector: counting.connector.name });
    client = await PineLabsClient.login(server.baseUrl, merchant);
  });
  afterEach(() => server.close());

  it('three declines, then the card is refused without the connector (any expiry or CVV), at every merchant; other cards go on', async () => {
    for (let i = 0; i < 3; i++) {
      const declined = await payOnce(client, CARDS.declined);
      assert.equal(declined.payments[0].error_detail.code, 'PAYMENT_DECLINED', `decline ${i + 1}`);
    }
    assert.equal(counting.calls(), 3);

    const refused = await payOnce(client, CARDS.declined, { month: '01', year: '2031' });
    assert.equal(refused.status, 'ATTEMPTED', 'an ordinary decline: the order may be paid again');
    assert.equal(refused.payments[0].status, 'FAILED');
    assert.equal(refused.payments[0].error_detail.code, 'PAYMENT_RATE_LIMIT');
    assert.match(refused.payments[0].error_detail.message, VELOCITY);
    assert.match(refused.payments[0].error_detail.message, /this card/);
    assert.equal(counting.calls(), 3, 'the connector was not asked');

    const elsewhere = await PineLabsClient.login(
      server.baseUrl,
      await server.newMerchant('Another shop', { connector: counting.connector.name }),
    );
    assert.equal((await payOnce(elsewhere, CARDS.declined)).payments[0].error_detail.code, 'PAYMENT_RATE_LIMIT', 'at another merchant');
    assert.equal(counting.calls(), 3);

    assert.equal((await payOnce(client, CARDS.ok)).status, 'AUTHORIZED', 'another card at the same merchant');
    assert.equal(counting.calls(), 4);

    // What a dashboard counts: the refusals, by their code.
    const [row] = await server.db.query<{ n: number }>("select count(*)::int as n from payments where error_code = 'PAYMENT_RATE_LIMIT'");
    assert.equal(row?.n, 2);
  });

  it('the rule lifts once the window has passed the declines; refusals meanwhile do not prolong it', async () => {
    for (let i = 0; i < 3; i++) await payOnce(client, CARDS.declined);
    server.clock.advance(30 * MINUTE);
    for (let i = 0; i < 3; i++) assert.equal((await payOnce(client, CARDS.declined)).payments[0].error_detail.code, 'PAYMENT_RATE_LIMIT');
    assert.equal(counting.calls(), 3);
    server.clock.advance(30 * MINUTE + 1);
    // A token lives an hour, by the same clock.
    client = await PineLabsClient.login(server.baseUrl, merchant);
    const again = await payOnce(client, CARDS.declined);
    assert.equal(again.payments[0].error_detail.code, 'PAYMENT_DECLINED', 'the connector answers again');
    assert.equal(counting.calls(), 4);
  });

  it('3-D Secure failures count as declines', async () => {
    for (let i = 0; i < 3; i++) {
      const challenged = await payOnce(client, CARDS.threeDs);
      const otp = await client.request('POST', '/api/pay/v1/otp/submit', { payment_id: challenged.payments[0].id, otp: '000000' });
      assert.equal(otp.status, 422, JSON.stringify(otp.body));
    }
    const calls = counting.calls();
    assert.equal((await payOnce(client, CARDS.threeDs)).payments[0].error_detail.code, 'PAYMENT_RATE_LIMIT');
    assert.equal(counting.calls(), calls);
  });

  it('Juspay: the refusal is AUTHORIZATION_FAILED with the code as bank_error_code', async () => {
    const juspay = new JuspayHttp(
      server.baseUrl,
      (await server.newMerchant('Juspay shop', { connector: counting.connector.name })).api_key,
    );
    for (let i = 0; i < 3; i++) assert.equal((await juspay.paidOrder('15.00', CARDS.declined)).txnStatus, 'AUTHORIZATION_FAILED');
    const refused = await juspay.paidOrder('15.00', CARDS.declined);
    assert.equal(refused.txnStatus, 'AUTHORIZATION_FAILED');
    assert.equal(counting.calls(), 3);
    const status = (await juspay.status(refused.orderId)).body;
    assert.equal(status.status, 'AUTHORIZATION_FAILED');
    assert.equal(status.bank_error_code, 'PAYMENT_RATE_LIMIT');
    assert.match(status.bank_error_message, VELOCITY);
    assert.equal(status.txn_detail.error_code, 'PAYMENT_RATE_LIMIT');
  });

  it('hosted page: the refused card fails and the connector is not asked', async () => {
    const juspay = new JuspayHttp(server.baseUrl, (await server.newMerchant('Page shop', { connector: counting.connector.name })).api_key);
    for (let i = 0; i < 3; i++) await juspay.paidOrder('15.00', CARDS.declined);
    const orderId = newOrderId();
    const created = await juspay.createOrder(orderId, '15.00');
    const posted = await payOnHostedPage(server.baseUrl + new URL(created.body.payment_links.web).pathname, CARDS.declined);
    assert.ok(posted.status < 500, `${posted.status}`);
    assert.match(posted.body, /AUTHORIZATION_FAILED/, 'the outcome, in the dialect’s words (the order has no return_url)');
    assert.equal(counting.calls(), 3);
    assert.equal((await juspay.status(orderId)).body.bank_error_code, 'PAYMENT_RATE_LIMIT');
  });
});

describe('card-testing: declines at one merchant', () => {
  let server: TestServer;
  let counting: ReturnType<typeof countingSandbox>;
  before(async () => {
    counting = countingSandbox();
    server = await startTestServer(
      { HOLDFAST_CARD_TESTING_CARD_DECLINES: '0', HOLDFAST_CARD_TESTING_MERCHANT_DECLINES: '3', HOLDFAST_CARD_TESTING_WINDOW: '1h' },
      { connectors: [counting.connector] },
    );
  });
  after(() => server.close());

  it('three declines of three cards, then every authorization at that merchant is refused until the window passes; others are served', async () => {
    const attackedMerchant = await server.newMerchant('Attacked', { connector: counting.connector.name });
    const attacked = await PineLabsClient.login(server.baseUrl, attackedMerchant);
    for (const card of [CARDS.declined, CARDS.insufficientFunds, CARDS.expired])
      assert.equal((await payOnce(attacked, card)).payments[0].status, 'FAILED');
    assert.equal(counting.calls(), 3);

    const refused = await payOnce(attacked, CARDS.ok);
    assert.equal(refused.payments[0].error_detail.code, 'PAYMENT_RATE_LIMIT');
    assert.match(refused.payments[0].error_detail.message, /this merchant/);
    assert.equal(counting.calls(), 3, 'the connector was not asked');

    const other = await PineLabsClient.login(server.baseUrl, await server.newMerchant('Other', { connector: counting.connector.name }));
    assert.equal((await payOnce(other, CARDS.ok)).status, 'AUTHORIZED', 'another merchant');

    server.clock.advance(60 * MINUTE + 1);
    const later = await PineLabsClient.login(server.baseUrl, attackedMerchant);
    assert.equal((await payOnce(later, CARDS.ok)).status, 'AUTHORIZED', 'after the window');
  });
});

describe('card-testing settings', () => {
  it('defaults: 10 declines of a card or 100 at a merchant within an hour; 0 turns a rule off; bad values are named', () => {
    assert.deepEqual(loadConfig({}).cardTesting, { windowMs: 60 * MINUTE, cardDeclines: 10, merchantDeclines: 100 });
    assert.equal(loadConfig({ HOLDFAST_CARD_TESTING_MERCHANT_DECLINES: '0' }).cardTesting.merchantDeclines, 0);
    assert.throws(
      () => loadConfig({ HOLDFAST_CARD_TESTING_CARD_DECLINES: 'many' }),
      /HOLDFAST_CARD_TESTING_CARD_DECLINES must be a whole number/,
    );
    assert.throws(() => loadConfig({ HOLDFAST_CARD_TESTING_WINDOW: '60' }), /HOLDFAST_CARD_TESTING_WINDOW must be a duration/);
  });
});
