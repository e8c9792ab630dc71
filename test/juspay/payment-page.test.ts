import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp, submitOtp } from './helpers/juspay-http.js';
import { submitHostedForm } from '../helpers/hosted-form.js';

/** Opens the hosted page and posts its card form as a browser would, without following the redirect. */
function submitCard(url: string, card: string) {
  return submitHostedForm(url, { card_number: card, expiry: '12/34', cvv: '123', name: 'Page Payer' });
}

describe('Juspay payment_links open a hosted payment page', () => {
  let server: TestServer;
  let juspay: JuspayHttp;
  before(async () => {
    server = await startTestServer();
    juspay = new JuspayHttp(server.baseUrl, (await server.newMerchant()).api_key);
  });
  after(() => server.close());

  it('web, mobile and iframe links serve a card form for the order amount', async () => {
    const created = await juspay.createOrder('pagelinks1', '123.45', { extra: { return_url: 'https://shop.example/back' } });
    assert.equal(created.status, 200);
    for (const url of Object.values<string>(created.body.payment_links)) {
      assert.ok(url.startsWith(server.baseUrl), url);
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      const html = await page.text();
      assert.match(html, /₹123\.45/);
      assert.match(html, /INR/);
      assert.match(html, /name="card_number"/);
    }
  });

  it('a customer pays with a test card and returns to return_url with the outcome', async () => {
    const created = await juspay.createOrder('pagepay1', '50.00', { extra: { return_url: 'https://shop.example/back?cart=9' } });
    const paid = await submitCard(created.body.payment_links.web, '4111 1111 1111 1111');
    assert.equal(paid.status, 303);
    const back = new URL(paid.location!);
    assert.equal(back.origin + back.pathname, 'https://shop.example/back');
    assert.equal(back.searchParams.get('cart'), '9');
    assert.equal(back.searchParams.get('order_id'), 'pagepay1');
    assert.equal(back.searchParams.get('status'), 'AUTHORIZED');
    assert.equal(back.searchParams.get('status_id'), '25');
    const status = await juspay.status('pagepay1');
    assert.equal(status.body.status, 'AUTHORIZED');
    assert.equal(status.body.card.last_four_digits, '1111');
    assert.deepEqual(await orderLedger(server.db, created.body.id), {
      authorized: 5000,
      captured: 0,
      reversed: 0,
      refunded: 0,
      held: 5000,
      merchant: 0,
    });
    // The page no longer offers a form once the order is paid.
    assert.doesNotMatch(await (await fetch(created.body.payment_links.web)).text(), /name="card_number"/);
  });

  it('a 3-D Secure card goes through the challenge page first', async () => {
    const created = await juspay.createOrder('pagechl1', '20.00', { extra: { return_url: 'https://shop.example/done' } });
    const paid = await submitCard(created.body.payment_links.web, '4000000000003220');
    assert.equal(paid.status, 303);
    const challenge = paid.location!;
    assert.ok(challenge.startsWith(`${server.baseUrl}/web/auth/landing/?token=`), challenge);
    assert.equal((await juspay.status('pagechl1')).body.status, 'PENDING_VBV');
    const otp = await submitOtp(challenge, '123456');
    assert.equal(otp.status, 303);
    const back = new URL(otp.location!);
    assert.equal(back.searchParams.get('status'), 'AUTHORIZED');
    const reused = await fetch(challenge);
    assert.equal(reused.status, 404, 'a used challenge link no longer shows the form');
  });

  it('a declined card returns AUTHORIZATION_FAILED; an invalid card number is refused on the page; unknown links are 404', async () => {
    const created = await juspay.createOrder('pagedecl1', '20.00', { extra: { return_url: 'https://shop.example/done' } });
    const invalid = await submitCard(created.body.payment_links.web, '4111111111111112');
    assert.equal(invalid.status, 400);
    assert.match(invalid.body, /This card number is not valid/);
    const declined = await submitCard(created.body.payment_links.web, '4000000000000002');
    assert.equal(new URL(declined.location!).searchParams.get('status'), 'AUTHORIZATION_FAILED');
    assert.equal((await fetch(`${server.baseUrl}/merchant/pay/v1-000000000000-aa-nothere`)).status, 404);
    await assertLedgerInvariants(server.db);
  });
});
