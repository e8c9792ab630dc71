/**
 * The hosted pages' security, over HTTP: the headers of every page type (CSP without inline
 * script, frame-ancestors per path, no-store, no referrer), the CSRF token on every POST (a
 * missing or wrong one is a 403 that changes nothing), a page that takes no second payment, two
 * tabs paying one order at once (one authorization), and the server's own checks without script.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openHostedPage, postHostedForm, submitHostedForm, type OpenedPage } from '../helpers/hosted-form.js';
import { orderLedger } from '../helpers/ledger-check.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { CARDS, JuspayHttp, newOrderId } from '../juspay/helpers/juspay-http.js';

const CARD = { expiry: '12/34', cvv: '123', name: 'Ravi Kumar' };
const SHOP = 'https://shop.example';

describe('hosted page security', () => {
  let server: TestServer;
  let juspay: JuspayHttp;
  before(async () => {
    server = await startTestServer();
    juspay = new JuspayHttp(server.baseUrl, (await server.newMerchant('Security Shop')).api_key);
  });
  after(() => server.close());

  async function newOrder(extra: Record<string, unknown> = { return_url: `${SHOP}/back` }) {
    const orderId = newOrderId('sec');
    const created = await juspay.createOrder(orderId, '10.00', { extra });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return {
      orderId,
      id: created.body.id as string,
      link: created.body.payment_links.web as string,
      iframe: created.body.payment_links.iframe as string,
    };
  }
  const paymentsOf = async (orderId: string) =>
    (await server.db.query<{ n: number }>('select count(*)::int as n from payments where order_id = $1', [orderId]))[0]!.n;

  function assertPageHeaders(headers: Headers, what: string, frameAncestors = "'none'") {
    const csp = headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/, `${what}: ${csp}`);
    assert.match(csp, /script-src 'self'(;|$)/, `${what}: ${csp}`);
    assert.match(csp, /style-src 'self'(;|$)/, `${what}: ${csp}`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, `${what}: ${csp}`);
    assert.match(csp, new RegExp(`frame-ancestors ${frameAncestors}(;|$)`), `${what}: ${csp}`);
    assert.match(csp, /form-action 'self'/, `${what}: ${csp}`);
    assert.equal(headers.get('cache-control'), 'no-store', what);
    assert.equal(headers.get('referrer-policy'), 'no-referrer', what);
    assert.equal(headers.get('x-content-type-options'), 'nosniff', what);
    assert.match(headers.get('content-type') ?? '', /^text\/html/, what);
  }

  it('every page type answers with the security headers; the iframe path may be framed by the return URL origin only', async () => {
    const order = await newOrder();
    const page = await openHostedPage(order.link);
    assert.equal(page.status, 200);
    assertPageHeaders(page.headers, 'payment page');
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(
      page.headers.get('content-security-policy')!,
      /form-action 'self' https:\/\/shop\.example;/,
      'the form may lead back to the merchant',
    );
    assert.match(page.headers.get('set-cookie') ?? '', /holdfast_csrf=.*HttpOnly.*SameSite=Lax/i);

    const framed = await openHostedPage(order.iframe);
    assertPageHeaders(framed.headers, 'iframe page', SHOP);
    assert.equal(framed.headers.get('x-frame-options'), null);
    assert.match(framed.headers.get('set-cookie') ?? '', /SameSite=None/i);
    const noReturn = await newOrder({});
    assertPageHeaders((await openHostedPage(noReturn.iframe)).headers, 'iframe page without a return URL');

    const bad = await postHostedForm(page, order.link, { ...CARD, card_number: '4111111111111112' });
    assert.equal(bad.status, 400);
    const challenged = await newOrder();
    const toChallenge = await submitHostedForm(challenged.link, { ...CARD, card_number: CARDS.threeDs });
    assert.equal(toChallenge.status, 303);
    const challenge = await openHostedPage(toChallenge.location!);
    assertPageHeaders(challenge.headers, 'challenge page');
    const framedChallenge = await submitHostedForm((await newOrder()).iframe, { ...CARD, card_number: CARDS.threeDs });
    assert.match(framedChallenge.location!, /&frame=1$/);
    assertPageHeaders((await openHostedPage(framedChallenge.location!)).headers, 'framed challenge page', SHOP);

    const paid = await newOrder();
    assert.equal((await submitHostedForm(paid.link, { ...CARD, card_number: CARDS.ok })).status, 303);
    const closed = await openHostedPage(paid.link);
    assertPageHeaders(closed.headers, 'paid order page');

    const responses: [string, number, Headers][] = [];
    for (const url of [
      `${server.baseUrl}/merchant/pay/v1-000000000000-aa-nothere`,
      `${server.baseUrl}/merchant/ipay/%3Cscript%3E`,
      `${server.baseUrl}/merchant/no-such-page`,
      `${server.baseUrl}/web/auth/landing/?token=nothere`,
      `${server.baseUrl}/web/auth/elsewhere`,
      `${server.baseUrl}/merchant/return/nothere`,
    ]) {
      const response = await fetch(url);
      responses.push([url, response.status, response.headers]);
      assert.doesNotMatch(await response.text(), /at .*\.ts|Error:|stack/i, url);
    }
    for (const [url, status, headers] of responses) {
      assert.equal(status, 404, url);
      assertPageHeaders(headers, url);
    }
    const forbidden = await postHostedForm({ cookie: '', token: '' }, order.link, { ...CARD, card_number: CARDS.ok });
    assert.equal(forbidden.status, 403);

    // The JSON APIs keep their own headers.
    const health = await fetch(`${server.baseUrl}/healthz`);
    assert.equal(health.headers.get('content-security-policy'), null);
    const api = await juspay.status(order.orderId);
    assert.equal(api.headers.get('content-security-policy'), null);
    assert.equal(api.headers.get('x-frame-options'), null);
  });

  it('the built assets are served from /assets/ with stable names; pages load nothing else', async () => {
    const html = (await openHostedPage((await newOrder()).link)).html;
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(sources.map((s) => s.replace(/\?v=[0-9a-f]+$/, '')).sort(), ['/assets/checkout.css', '/assets/checkout.js']);
    assert.doesNotMatch(html, /<script>|<style|\sstyle="|\son\w+="/i, 'no inline script or style');
    for (const [name, type] of [
      ['checkout.js', /javascript/],
      ['checkout.css', /text\/css/],
    ] as const) {
      const asset = await fetch(`${server.baseUrl}/assets/${name}`);
      assert.equal(asset.status, 200, name);
      assert.match(asset.headers.get('content-type') ?? '', type);
      assert.equal(asset.headers.get('x-content-type-options'), 'nosniff');
      assert.match(asset.headers.get('cache-control') ?? '', /max-age=\d+/);
      assert.ok((await asset.text()).length > 500, name);
    }
    for (const path of ['/assets/', '/assets/..%2fpackage.json', '/assets/../package.json', '/assets/.tsbuildinfo']) {
      const refused = await fetch(`${server.baseUrl}${path}`);
      assert.ok(refused.status === 403 || refused.status === 404, `${path}: ${refused.status}`);
      assert.doesNotMatch(await refused.text(), /"name"|holdfast|checkout\.js/, path);
    }
  });

  it('CSRF: a POST without the token, with a wrong one, or without its cookie is a 403 and changes nothing — pay, cancel and OTP alike', async () => {
    const order = await newOrder();
    const page = await openHostedPage(order.link);
    const other = await openHostedPage(order.link.replace('/pay/', '/ipay/'));
    const card = { ...CARD, card_number: CARDS.ok, attempt: page.attempt };
    const attempts: [string, Pick<OpenedPage, 'cookie' | 'token'>, Record<string, string>][] = [
      ['no token', { cookie: page.cookie, token: '' }, card],
      ['a wrong token', { cookie: page.cookie, token: 'forged-token' }, card],
      ['no cookie', { cookie: '', token: page.token }, card],
      ["another browser's cookie", { cookie: other.cookie, token: page.token }, card],
      ['cancel without a token', { cookie: page.cookie, token: '' }, { intent: 'cancel' }],
    ];
    for (const [what, credentials, fields] of attempts) {
      const refused = await postHostedForm(credentials, order.link, fields);
      assert.equal(refused.status, 403, what);
      assert.equal(refused.location, null, what);
      assert.match(refused.body, /This form has expired/, what);
    }
    assert.equal(await paymentsOf(order.id), 0);
    assert.equal((await juspay.status(order.orderId)).body.status, 'NEW');

    const toChallenge = await postHostedForm(page, order.link, { ...card, card_number: CARDS.threeDs });
    assert.equal(toChallenge.status, 303);
    const challenge = await openHostedPage(toChallenge.location!);
    for (const credentials of [
      { cookie: challenge.cookie, token: '' },
      { cookie: challenge.cookie, token: 'forged' },
    ]) {
      assert.equal((await postHostedForm(credentials, toChallenge.location!, { otp: '123456' })).status, 403);
    }
    assert.equal((await juspay.status(order.orderId)).body.status, 'PENDING_VBV', 'the challenge is still open');
    const answered = await postHostedForm(challenge, toChallenge.location!, { otp: '123456' });
    assert.equal(new URL(answered.location!).searchParams.get('status'), 'AUTHORIZED');
  });

  it('two tabs paying one order at once: one authorization, and the other tab is told why (no 5xx)', async () => {
    for (let round = 0; round < 4; round++) {
      const order = await newOrder();
      const [tabA, tabB] = await Promise.all([openHostedPage(order.link), openHostedPage(order.link)]);
      const answers = await Promise.all(
        [tabA, tabB].map((tab) => postHostedForm(tab, order.link, { ...CARD, card_number: CARDS.ok, attempt: tab.attempt })),
      );
      const statuses = answers.map((a) => a.status).sort();
      assert.deepEqual(statuses, [303, 409], `round ${round}: ${statuses.join(',')}`);
      const loser = answers.find((a) => a.status === 409)!;
      assert.match(loser.body, /This order is paid|being paid|in progress/);
      assert.doesNotMatch(loser.body, /name="card_number"/);
      assert.equal(await paymentsOf(order.id), 1, `round ${round}`);
      assert.equal((await orderLedger(server.db, order.id)).authorized, 1000);
    }
  });

  it('the same page sent twice (a double click) is one payment, and both answers lead to the outcome', async () => {
    const order = await newOrder();
    const page = await openHostedPage(order.link);
    const fields = { ...CARD, card_number: CARDS.ok, attempt: page.attempt };
    const answers = await Promise.all([postHostedForm(page, order.link, fields), postHostedForm(page, order.link, fields)]);
    // Either both replay the one payment (303 to the merchant), or the later one finds the order paid.
    for (const answer of answers) assert.ok(answer.status === 303 || answer.status === 409, String(answer.status));
    assert.ok(answers.some((a) => a.status === 303));
    assert.equal(await paymentsOf(order.id), 1);
  });

  it('without script, the server checks the form again: each problem beside its field, nothing sent to the gateway, the card number never echoed', async () => {
    const order = await newOrder();
    const page = await openHostedPage(order.link);
    // A number the sandbox panel does not list, so that it could appear only as an echo.
    const refused = await postHostedForm(page, order.link, {
      card_number: '4242424242424242',
      expiry: '01/21',
      cvv: '12',
      name: 'Ravi <b>Kumar</b>',
      attempt: page.attempt,
    });
    assert.equal(refused.status, 400);
    assert.match(refused.body, /id="expiry"[^>]*aria-invalid="true"/);
    assert.match(refused.body, /id="expiry-error"[^>]*>This card has expired\./);
    assert.match(refused.body, /id="cvv-error"[^>]*>The security code is 3 digits/);
    assert.match(refused.body, /value="Ravi &#60;b&#62;Kumar&#60;\/b&#62;"/, 'the name comes back, escaped');
    assert.doesNotMatch(refused.body, /4242424242424242|4242 4242 4242 4242/);
    assert.equal(await paymentsOf(order.id), 0);
  });

  it('a paid, cancelled or failed order: its page shows the state and a POST is refused without asking the gateway', async () => {
    const paid = await newOrder();
    assert.equal((await submitHostedForm(paid.link, { ...CARD, card_number: CARDS.ok })).status, 303);
    const cancelled = await newOrder();
    assert.equal((await submitHostedForm(cancelled.link, { ...CARD, card_number: CARDS.ok })).status, 303);
    const txn = (await juspay.status(cancelled.orderId)).body.txn_uuid;
    assert.equal((await juspay.void(txn)).status, 200);
    for (const [order, title] of [
      [paid, 'This order is paid'],
      [cancelled, 'This order was cancelled'],
    ] as const) {
      const page = await openHostedPage(order.link);
      assert.match(page.html, new RegExp(`<h1 id="notice-title">${title}</h1>`));
      assert.doesNotMatch(page.html, /name="card_number"/);
      const before = await paymentsOf(order.id);
      const again = await postHostedForm(page, order.link, {
        ...CARD,
        card_number: CARDS.ok,
        attempt: `page-${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`,
      });
      assert.equal(again.status, 409);
      assert.equal(await paymentsOf(order.id), before, 'no new payment');
    }
  });
});
