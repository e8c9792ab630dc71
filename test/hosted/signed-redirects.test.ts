/**
 * The browser's return to the merchant is signed as each gateway documents
 * (docs/hosted-redirects.md), with keys every merchant gets when it is created. A verifier written
 * from the documents accepts every genuine return and no other merchant's key does; the seamless
 * API's 3-D Secure step goes through the same code as the hosted pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { issueRedirectKeys } from '../../src/core/redirect-keys.js';
import { answerOf, openHostedPage, submitHostedForm } from '../helpers/hosted-form.js';
import { juspaySignatureValid, pineLabsSignatureValid, returnOf } from '../helpers/merchant-return.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp, newOrderId, submitOtp } from '../juspay/helpers/juspay-http.js';

const CHALLENGE_CARD = '4000000000003220';
const DECLINED_CARD = '4000000000000002';

describe('signed returns to the merchant', () => {
  let server: TestServer;
  let merchant: MerchantCredentials;
  let other: MerchantCredentials;
  let pinelabs: PineLabsClient;
  let juspay: JuspayHttp;
  before(async () => {
    server = await startTestServer();
    merchant = await server.newMerchant('Signed');
    other = await server.newMerchant('Other');
    pinelabs = await PineLabsClient.login(server.baseUrl, merchant);
    juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
  });
  after(() => server.close());

  async function pineLabsChallenge(callbacks: Record<string, string>): Promise<{ orderId: string; url: string }> {
    const created = await pinelabs.createOrder(5000, { extra: callbacks });
    const orderId = created.body.data.order_id as string;
    const paid = await pinelabs.pay(orderId, 5000, CHALLENGE_CARD);
    return { orderId, url: paid.body.data.challenge_url as string };
  }

  it('Pine Labs: a form POST to callback_url of order_id, status and an uppercase-hex signature the merchant verifies', async () => {
    const { orderId, url } = await pineLabsChallenge({ callback_url: 'https://shop.example/pine/ok?cart=7' });
    const answer = await submitOtp(url, '123456');
    const back = returnOf(answer);
    assert.equal(back.method, 'POST');
    assert.equal(back.url.href, 'https://shop.example/pine/ok?cart=7', "the merchant's URL as it gave it");
    assert.deepEqual(Object.keys(back.fields).sort(), ['order_id', 'signature', 'status']);
    assert.equal(back.fields.order_id, orderId);
    assert.equal(back.fields.status, 'AUTHORIZED');
    assert.match(back.fields.signature!, /^[0-9A-F]{64}$/);
    assert.ok(pineLabsSignatureValid(back.fields, merchant.pinelabs_redirect_secret));
    assert.ok(!pineLabsSignatureValid(back.fields, other.pinelabs_redirect_secret), "another merchant's secret does not verify it");
  });

  it("Pine Labs: the page may post only to the merchant's origin, and escapes what it carries", async () => {
    const { url } = await pineLabsChallenge({ callback_url: 'https://shop.example/ok?a="><script>alert(1)</script>' });
    const page = await openHostedPage(url);
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: page.cookie },
      body: new URLSearchParams({ _csrf: page.token, otp: '123456' }).toString(),
      redirect: 'manual',
    });
    assert.equal(answer.status, 200);
    const csp = answer.headers.get('content-security-policy') ?? '';
    assert.match(csp, /form-action 'self' https:\/\/shop\.example;/);
    assert.match(csp, /script-src 'self';/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    const html = await answer.text();
    assert.match(html, /data-autosubmit/);
    assert.ok(!html.includes('<script>alert'), 'nothing from the URL is markup');
  });

  it('Pine Labs: a failed authentication goes to failure_callback_url with the error fields, all signed', async () => {
    const { orderId, url } = await pineLabsChallenge({
      callback_url: 'https://shop.example/pine/ok',
      failure_callback_url: 'https://shop.example/pine/failed',
    });
    const back = returnOf(await submitOtp(url, '000000'));
    assert.equal(back.url.href, 'https://shop.example/pine/failed');
    assert.equal(back.fields.order_id, orderId);
    assert.equal(back.fields.status, 'ATTEMPTED');
    assert.equal(back.fields.error_code, 'USER_AUTHENTICATION_FAILED');
    assert.ok(back.fields.error_message);
    assert.ok(pineLabsSignatureValid(back.fields, merchant.pinelabs_redirect_secret));
  });

  it('cancel on the 3-D Secure page fails the authentication at once, without the gateway, and the return says so', async () => {
    const { orderId, url } = await pineLabsChallenge({
      callback_url: 'https://shop.example/pine/ok',
      failure_callback_url: 'https://shop.example/pine/failed',
    });
    const back = returnOf(answerOf(await submitHostedForm(url, { intent: 'cancel' })));
    assert.equal(back.url.href, 'https://shop.example/pine/failed');
    assert.equal(back.fields.status, 'ATTEMPTED');
    assert.equal(back.fields.error_code, 'USER_AUTHENTICATION_FAILED');
    assert.ok(pineLabsSignatureValid(back.fields, merchant.pinelabs_redirect_secret));
    const read = await pinelabs.getOrder(orderId);
    assert.equal(read.body.data.status, 'ATTEMPTED');
    assert.equal(read.body.data.payments[0].status, 'FAILED');
    assert.equal((await fetch(url)).status, 404, 'the challenge is used up');
  });

  it("Juspay: a GET of return_url with the merchant's own parameters kept and signed, signature_algorithm=HMAC-SHA256", async () => {
    const orderId = newOrderId('sig');
    await juspay.createOrder(orderId, '50.00', { extra: { return_url: 'https://shop.example/back?cart=7&note=a%20b%26c' } });
    const txn = await juspay.txn(orderId, CHALLENGE_CARD);
    const back = returnOf(await submitOtp(txn.body.payment.authentication.url, '123456'));
    assert.equal(back.method, 'GET');
    assert.equal(back.url.origin + back.url.pathname, 'https://shop.example/back');
    assert.equal(back.fields.cart, '7');
    assert.equal(back.fields.note, 'a b&c');
    assert.equal(back.fields.order_id, orderId);
    assert.equal(back.fields.status, 'AUTHORIZED');
    assert.equal(back.fields.signature_algorithm, 'HMAC-SHA256');
    assert.ok(juspaySignatureValid(back.url, merchant.juspay_response_key));
    assert.ok(!juspaySignatureValid(back.url, other.juspay_response_key));
  });

  it('Juspay: a frictionless card returns through the same signed redirect; so does a decline', async () => {
    for (const [card, status] of [
      ['4111111111111111', 'AUTHORIZED'],
      [DECLINED_CARD, 'AUTHORIZATION_FAILED'],
    ] as const) {
      const orderId = newOrderId('sig');
      await juspay.createOrder(orderId, '12.00', { extra: { return_url: 'https://shop.example/back' } });
      const txn = await juspay.txn(orderId, card);
      const page = await fetch(txn.body.payment.authentication.url, { redirect: 'manual' });
      const back = returnOf({ status: page.status, location: page.headers.get('location'), html: await page.text() });
      assert.equal(back.fields.status, status);
      assert.ok(juspaySignatureValid(back.url, merchant.juspay_response_key), status);
    }
  });

  it('the keys are stored only encrypted', async () => {
    const rows = await server.db.query<{ dump: string }>('select row_to_json(m)::text as dump from merchants m where id = $1', [
      merchant.merchant_id,
    ]);
    assert.ok(!rows[0]!.dump.includes(merchant.pinelabs_redirect_secret));
    assert.ok(!rows[0]!.dump.includes(merchant.juspay_response_key));
  });

  it('a merchant without keys (created before they existed) gets unsigned returns until keys are issued', async () => {
    const old = await server.newMerchant('Old');
    await server.db.query(
      'update merchants set pinelabs_redirect_secret_ciphertext = null, juspay_response_key_ciphertext = null where id = $1',
      [old.merchant_id],
    );
    const oldJuspay = new JuspayHttp(server.baseUrl, old.api_key);
    const challenge = async () => {
      const orderId = newOrderId('old');
      await oldJuspay.createOrder(orderId, '10.00', { extra: { return_url: 'https://old.example/back' } });
      return (await oldJuspay.txn(orderId, CHALLENGE_CARD)).body.payment.authentication.url as string;
    };
    const unsigned = returnOf(await submitOtp(await challenge(), '123456'));
    assert.equal(unsigned.fields.signature, undefined);
    assert.equal(unsigned.fields.status, 'AUTHORIZED');
    const keys = await issueRedirectKeys(server.app.ctx, old.merchant_id);
    const signed = returnOf(await submitOtp(await challenge(), '123456'));
    assert.ok(juspaySignatureValid(signed.url, keys!.juspayResponseKey));
  });
});
