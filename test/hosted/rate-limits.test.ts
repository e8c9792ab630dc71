/**
 * The hosted pages are limited per client IP (docs/rate-limits.md): over the limit, a page says
 * so with a 429, Retry-After and the pages' own security headers, and takes no payment.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromIp } from '../helpers/from-ip.js';
import { openHostedPage } from '../helpers/hosted-form.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp, newOrderId } from '../juspay/helpers/juspay-http.js';

describe('hosted pages: requests per client IP', () => {
  let server: TestServer;
  let pagePath: string;
  let orderId: string;
  before(async () => {
    server = await startTestServer({ HOLDFAST_RATE_LIMIT_HOSTED: '3' });
    const juspay = new JuspayHttp(server.baseUrl, (await server.newMerchant('Shop')).api_key);
    const created = await juspay.createOrder(newOrderId(), '25.00', { extra: { return_url: 'https://shop.example/return' } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    orderId = created.body.id;
    pagePath = new URL(created.body.payment_links.web).pathname;
  });
  after(() => server.close());

  const page = (ip: string, method: 'GET' | 'POST' = 'GET') =>
    server.app.server.inject({
      method,
      url: pagePath,
      remoteAddress: ip,
      ...(method === 'POST'
        ? {
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: 'card_number=4111111111111111&expiry=12%2F34&cvv=123',
          }
        : {}),
    });

  it('the fourth request from one IP is a 429 page with Retry-After and the strict page headers; other IPs are served', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await page('10.2.1.1')).statusCode, 200, `request ${i + 1}`);
    const refused = await page('10.2.1.1');
    assert.equal(refused.statusCode, 429);
    assert.match(String(refused.headers['content-type']), /^text\/html/);
    assert.match(refused.body, /Too many attempts/);
    assert.match(refused.body, /Nothing was charged/);
    const retryAfter = Number(refused.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.match(String(refused.headers['content-security-policy']), /default-src 'none'/);
    assert.equal(refused.headers['cache-control'], 'no-store');
    assert.equal((await page('10.2.1.2')).statusCode, 200, 'another IP');
  });

  it('a card posted from an IP over the limit is not taken', async () => {
    for (let i = 0; i < 3; i++) await page('10.2.2.1');
    const posted = await page('10.2.2.1', 'POST');
    assert.equal(posted.statusCode, 429);
    assert.deepEqual(await server.db.query('select id from payments where order_id = $1', [orderId]), []);
  });

  it('every hosted path shares the one limit per IP (the challenge and return pages too)', async () => {
    for (let i = 0; i < 3; i++) await fromIp(server, '10.2.3.1', { method: 'GET', url: `/web/auth/landing/?token=nothing-${i}` });
    assert.equal((await fromIp(server, '10.2.3.1', { method: 'GET', url: '/merchant/return/nothing' })).status, 429);
  });

  it('over real HTTP, as a browser sees it', async () => {
    const url = server.baseUrl + pagePath;
    for (let i = 0; i < 3; i++) assert.equal((await openHostedPage(url)).status, 200);
    const refused = await openHostedPage(url);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
  });
});
