/**
 * The hosted page of an expired order (docs/order-expiry.md) takes no payment: from the instant of
 * its expiry — before its job ran — the page shows "expired" and no card form, a card form opened
 * before and sent after is refused with 409 and nothing stored, with the page's security headers
 * and CSRF check as ever; "Return to the merchant" sends the expired status in the dialect's words
 * (Juspay AUTHENTICATION_FAILED 26; Pine Labs FAILED with PAYMENT_EXPIRED to the failure URL). Over
 * HTTP, with the test clock: Juspay payment_links (web and iframe), Pine Labs hosted checkout and
 * a payment link's page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { answerOf, openHostedPage, postHostedForm } from '../helpers/hosted-form.js';
import { snapshot } from '../helpers/ledger-check.js';
import { juspaySignatureValid, pineLabsSignatureValid, returnOf } from '../helpers/merchant-return.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp, newOrderId } from '../juspay/helpers/juspay-http.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CARD = { card_number: '4111111111111111', expiry: '12/34', cvv: '123', name: 'Ravi Kumar' };
const SHOP = 'https://shop.example';

describe('the hosted page of an expired order takes no payment', () => {
  let server: TestServer;
  let merchant: MerchantCredentials;
  let juspay: JuspayHttp;
  before(async () => {
    server = await startTestServer();
    merchant = await server.newMerchant('Expiry Shop');
    juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
  });
  after(() => server.close());

  const pineLabs = () => PineLabsClient.login(server.baseUrl, merchant);
  const paymentsOf = async (orderId: string) =>
    (await server.db.query<{ n: number }>('select count(*)::int as n from payments where order_id = $1', [orderId]))[0]!.n;

  function assertSecureHtml(headers: Headers, what: string) {
    const csp = headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/, `${what}: ${csp}`);
    assert.match(csp, /form-action 'self'/, `${what}: ${csp}`);
    assert.equal(headers.get('cache-control'), 'no-store', what);
    assert.equal(headers.get('referrer-policy'), 'no-referrer', what);
    assert.equal(headers.get('x-content-type-options'), 'nosniff', what);
    assert.match(headers.get('content-type') ?? '', /^text\/html/, what);
  }

  async function juspayOrder(expiresIn: number) {
    const orderId = newOrderId('hx');
    const expiry = new Date(server.clock.now().getTime() + expiresIn).toISOString();
    const created = await juspay.createOrder(orderId, '10.00', { extra: { return_url: `${SHOP}/back`, order_expiry: expiry } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return {
      orderId,
      id: created.body.id as string,
      web: created.body.payment_links.web as string,
      iframe: created.body.payment_links.iframe,
    };
  }

  it('Juspay payment page: a form opened before the expiry and sent after is a 409 "expired" page; nothing stored', async () => {
    const order = await juspayOrder(HOUR);
    const opened = await openHostedPage(order.web);
    assert.equal(opened.status, 200);
    assert.match(opened.html, /name="card_number"/, 'payable before');
    server.clock.advance(HOUR);
    const before = await snapshot(server.db, order.id);
    const refused = await postHostedForm(opened, order.web, CARD);
    assert.equal(refused.status, 409);
    assert.match(refused.body, /This payment page has expired/);
    assert.doesNotMatch(refused.body, /name="card_number"/);
    assert.deepEqual(await snapshot(server.db, order.id), before, 'nothing changed');
    assert.equal(await paymentsOf(order.id), 0);
  });

  it('Juspay payment page after the expiry (before its job): an "expired" page with no card form, the security headers, X-Frame-Options DENY', async () => {
    for (const path of ['web', 'iframe'] as const) {
      const order = await juspayOrder(HOUR);
      server.clock.advance(HOUR);
      const page = await openHostedPage(order[path]);
      assert.equal(page.status, 200, path);
      assertSecureHtml(page.headers, path);
      if (path === 'web') assert.equal(page.headers.get('x-frame-options'), 'DENY');
      else assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors https:\/\/shop\.example/);
      assert.match(page.html, /This payment page has expired/, path);
      assert.doesNotMatch(page.html, /name="card_number"/, `${path}: no card form`);
      // A card posted with the page's own (valid) token is refused all the same.
      const posted = await postHostedForm(page, order[path], CARD);
      assert.equal(posted.status, 409, path);
      assert.equal(await paymentsOf(order.id), 0, path);
    }
  });

  it('without a CSRF token a post to an expired page is still a 403 that changes nothing', async () => {
    const order = await juspayOrder(HOUR);
    server.clock.advance(HOUR);
    const response = await fetch(order.web, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(CARD).toString(),
    });
    assert.equal(response.status, 403);
    assertSecureHtml(response.headers, '403');
    assert.equal(await paymentsOf(order.id), 0);
  });

  it('Juspay: "Return to the merchant" from an expired page says AUTHENTICATION_FAILED (26), signed', async () => {
    const order = await juspayOrder(HOUR);
    server.clock.advance(HOUR);
    const page = await openHostedPage(order.web);
    const back = returnOf(answerOf(await postHostedForm(page, order.web, { intent: 'cancel' })));
    assert.equal(back.method, 'GET');
    assert.equal(`${back.url.origin}${back.url.pathname}`, `${SHOP}/back`);
    assert.equal(back.fields.order_id, order.orderId);
    assert.equal(back.fields.status, 'AUTHENTICATION_FAILED');
    assert.equal(back.fields.status_id, '26');
    assert.ok(juspaySignatureValid(back.url, merchant.juspay_response_key));
  });

  it('Pine Labs hosted checkout: expired page, a card refused with 409, and the return posts FAILED with PAYMENT_EXPIRED', async () => {
    const client = await pineLabs();
    const created = await client.request('POST', '/api/checkout/v1/orders', {
      merchant_order_reference: uniqueRef('hx'),
      order_amount: { value: 5000, currency: 'INR' },
      pre_auth: true,
      callback_url: `${SHOP}/ok`,
      failure_callback_url: `${SHOP}/failed`,
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const url = created.body.redirect_url as string;
    const orderId = created.body.order_id as string;
    const opened = await openHostedPage(url);
    assert.match(opened.html, /name="card_number"/);
    server.clock.advance(DAY);
    const refused = await postHostedForm(opened, url, CARD);
    assert.equal(refused.status, 409);
    assert.match(refused.body, /This payment page has expired/);
    assert.equal(await paymentsOf(orderId), 0);

    const page = await openHostedPage(url);
    assert.equal(page.status, 200);
    assertSecureHtml(page.headers, 'Pine Labs checkout');
    assert.doesNotMatch(page.html, /name="card_number"/);
    const back = returnOf(answerOf(await postHostedForm(page, url, { intent: 'cancel' })));
    assert.equal(back.method, 'POST');
    assert.equal(back.url.href, `${SHOP}/failed`);
    assert.equal(back.fields.status, 'FAILED');
    assert.equal(back.fields.error_code, 'PAYMENT_EXPIRED');
    assert.ok(pineLabsSignatureValid(back.fields, merchant.pinelabs_redirect_secret));
  });

  it("Pine Labs payment link: at its expire_by (before its job) the link's page and its payment page say expired", async () => {
    const client = await pineLabs();
    const link = await client.request('POST', '/api/pay/v1/paymentlink', {
      amount: { value: 2500, currency: 'INR' },
      merchant_payment_link_reference: uniqueRef('hxl'),
      expire_by: new Date(server.clock.now().getTime() + HOUR).toISOString(),
    });
    assert.equal(link.status, 200, JSON.stringify(link.body));
    const pageUrl = `${server.baseUrl}/merchant/pay/${link.body.order_id}`;
    const opened = await openHostedPage(pageUrl);
    server.clock.advance(HOUR);
    const linkPage = await fetch(link.body.payment_link, { redirect: 'manual' });
    assert.equal(linkPage.status, 200, 'no longer leads to the payment page');
    assert.match(await linkPage.text(), /This payment link has expired/);
    const refused = await postHostedForm(opened, pageUrl, CARD);
    assert.equal(refused.status, 409);
    assert.match(refused.body, /This payment link has expired/);
    assert.equal(await paymentsOf(link.body.order_id), 0);
    const read = await (await pineLabs()).request('GET', `/api/pay/v1/paymentlink/${link.body.payment_link_id}`);
    assert.equal(read.body.status, 'EXPIRED');
  });
});
