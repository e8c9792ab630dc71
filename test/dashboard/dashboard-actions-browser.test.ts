/**
 * What an operator changes through the dashboard, in a real browser (Debian's Chromium): replaying
 * a webhook from an order's page, resolving a manual review, rotating a merchant's API key with an
 * overlap, using the sandbox tools on an order. Each is checked where it lands (the database, the ledger, the Juspay API), every page and
 * dialog with axe-core. A form posted from another site while the operator is signed in changes
 * nothing (docs/admin-api.md: SameSite=Strict session cookie and CSRF token).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { adminClient } from '../helpers/admin.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { assertAccessible, pageLoaded, signInNewOperator } from '../helpers/dashboard-browser.js';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { ScriptedConnector } from '../helpers/scripted-connector.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp, newOrderId } from '../juspay/helpers/juspay-http.js';
import { WebhookReceiver } from '../webhooks/receiver.js';

const HOUR = 3600 * 1000;
const REASON = 'Confirmed with the acquirer by phone, ticket 4711';
/** A sandbox card whose release the sandbox gateway answers pending (docs/test-cards.md). */
const VOID_PENDING = '4000000000000101';

describe('dashboard actions in a browser', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let receiver: WebhookReceiver;
  let shop: MerchantCredentials;
  let reviewed: MerchantCredentials;
  let page: Page;
  let paid: { orderId: string; reference: string };
  let inReview: string;
  const pageErrors: string[] = [];
  // A gateway whose captures never answer, not even to status inquiries: their orders end in review.
  const gateway = new ScriptedConnector('scripted-dashboard-review');

  const count = async (sql: string, params: unknown[] = []) => Number((await server.db.query<{ n: number | string }>(sql, params))[0]!.n);

  before(async () => {
    [server, browser] = await Promise.all([startTestServer({}, { connectors: [gateway] }), launchBrowser()]);
    receiver = new WebhookReceiver({ now: () => server.clock.now() });
    await receiver.start();
    shop = await server.newMerchant('Chai & Biscuit Co.', { webhookUrl: `${receiver.url}/hooks` });
    reviewed = await server.newMerchant('Reviewed shop', { connector: gateway.name, webhookUrl: `${receiver.url}/hooks` });

    // A capture whose answer never comes: every status inquiry runs out and the order waits for review.
    gateway.play({
      capture: () => Promise.resolve({ kind: 'unknown', reason: 'timeout' }),
      inquire: () => Promise.resolve({ kind: 'unknown', reason: 'gateway cannot tell' }),
    });
    const reviewedClient = await PineLabsClient.login(server.baseUrl, reviewed);
    inReview = await reviewedClient.authorizedOrder(4200);
    await reviewedClient.capture(inReview, { merchant_capture_reference: 'limbo-4200' });
    for (let i = 0; i < 15; i++) {
      server.clock.advance(HOUR);
      await server.runJobs();
    }
    gateway.play({});

    // Activity spread over the last hours, for the home page's chart, and an order with a full timeline.
    let client = await PineLabsClient.login(server.baseUrl, shop);
    for (let hour = 0; hour < 8; hour++) {
      // A Pine Labs access token lasts less than the hours this spans: a new one each hour.
      client = await PineLabsClient.login(server.baseUrl, shop);
      for (let i = 0; i < 2 + (hour % 3); i++) {
        const amount = 2500 + 700 * i + 300 * hour;
        const created = await client.createOrder(amount, { reference: uniqueRef(`tea-${hour}-${i}`) });
        assert.equal(created.status, 200, JSON.stringify(created.body));
        const orderId: string = created.body.data.order_id;
        if ((hour + i) % 4 === 3) continue;
        await client.pay(orderId, amount);
        if ((hour + i) % 2 === 0) await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') });
      }
      await server.runJobs();
      server.clock.advance(HOUR);
    }
    client = await PineLabsClient.login(server.baseUrl, shop);
    const reference = uniqueRef('masala-chai');
    // Moments apart, as a shop's calls come: the timeline reads in the order they happened.
    const order = await client.createOrder(149_950, { reference });
    assert.equal(order.status, 200, JSON.stringify(order.body));
    const orderId: string = order.body.data.order_id;
    server.clock.advance(40_000);
    assert.equal((await client.pay(orderId, 149_950)).status, 200);
    server.clock.advance(1_000);
    await server.runJobs();
    server.clock.advance(300_000);
    assert.equal((await client.getOrder(orderId)).status, 200);
    server.clock.advance(5_000);
    assert.equal((await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') })).status, 200);
    server.clock.advance(1_000);
    await server.runJobs();
    paid = { orderId, reference };

    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signInNewOperator(server, page, 'admin', 'admin@example.test');
  });
  after(async () => {
    await browser.close();
    await receiver.stop();
    await server.close();
  });

  it('home page: the chart is populated', async () => {
    await page.getByRole('heading', { name: /Activity per hour/ }).waitFor();
    assert.ok((await page.locator('.recharts-bar-rectangle').count()) > 0, 'the chart has bars');
    await assertAccessible(page, 'home');
    await browser.screenshot(page, 'actions-home', { docs: 'dashboard-home' });
  });

  it('replays a webhook from the order page: a new attempt is recorded and shown', async () => {
    await page.goto(`${server.baseUrl}/dashboard/orders/${paid.orderId}`);
    await pageLoaded(page, new RegExp(`Order ${paid.reference}`));
    await page.locator('ol.timeline li').nth(2).waitFor();
    const webhooks = page.getByRole('region', { name: 'Webhook events' });
    const first = webhooks.locator('.webhook').first();
    await first.waitFor();
    await assertAccessible(page, 'order');
    await page.getByRole('heading', { name: 'Timeline' }).evaluate((heading) => heading.closest('section')?.scrollIntoView());
    await browser.screenshot(page, 'actions-order', { docs: 'order-timeline' });

    const eventType = ((await first.locator('h3 a').textContent()) ?? '').trim();
    const [event] = await server.db.query<{ id: string }>(
      'select id from webhook_events where order_id = $1 and event_type = $2 order by seq limit 1',
      [paid.orderId, eventType],
    );
    const attemptsBefore = await count('select count(*) as n from webhook_attempts where event_id = $1', [event!.id]);
    const rowsBefore = await first.locator('tbody tr').filter({ hasNotText: 'Not attempted yet' }).count();
    assert.equal(rowsBefore, attemptsBefore, 'the page lists every attempt');

    const deliveriesBefore = receiver.requestsFor(event!.id).length;
    await first.getByRole('button', { name: `Replay ${eventType}` }).click();
    await webhooks.getByText('Replay queued').waitFor();
    await server.runJobs();
    assert.equal(
      await count('select count(*) as n from webhook_attempts where event_id = $1', [event!.id]),
      attemptsBefore + 1,
      'a new attempt stored',
    );
    assert.equal(receiver.requestsFor(event!.id).length, deliveriesBefore + 1, 'delivered again under the same id');

    await page.reload();
    const again = page.getByRole('region', { name: 'Webhook events' }).locator('.webhook').first();
    await again.locator('tbody tr').nth(attemptsBefore).waitFor();
    assert.equal(await again.locator('tbody tr').count(), attemptsBefore + 1, 'the new attempt is shown');
  });

  it('sandbox tools: expires an order’s capture window now, then settles the release the sandbox left pending', async () => {
    const client = await PineLabsClient.login(server.baseUrl, shop);
    const reference = uniqueRef('sandbox-tools');
    const created = await client.createOrder(5500, { reference });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const orderId: string = created.body.data.order_id;
    assert.equal((await client.pay(orderId, 5500, VOID_PENDING)).status, 200);
    const admin = await adminClient(server, 'viewer');

    await page.goto(`${server.baseUrl}/dashboard/orders/${orderId}`);
    await pageLoaded(page, new RegExp(`Order ${reference}`));
    const tools = page.getByRole('region', { name: 'Sandbox tools' });
    await tools.waitFor();
    assert.equal(await tools.getByRole('button', { name: 'Settle operation' }).isEnabled(), false, 'nothing pending yet');
    await assertAccessible(page, 'sandbox-tools');

    await tools.getByRole('button', { name: 'Expire capture window now' }).click();
    await tools.getByText('The capture window closed; the order is VOID_PENDING until the gateway answers').waitFor();
    await page
      .getByRole('heading', { name: new RegExp(`Order ${reference}`), level: 1 })
      .filter({ hasText: 'VOID_PENDING' })
      .waitFor();
    let detail = await admin.get(`/orders/${orderId}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.order.state, 'VOID_PENDING');
    assert.equal(detail.body.order.capture_deadline, server.clock.now().toISOString(), 'the window closed at the moment of the click');
    assert.equal(detail.body.ledger.balances.held, 5500, 'nothing released before the gateway answers');
    const release = detail.body.reversals.find((r: { status: string }) => /PENDING/.test(r.status));
    assert.ok(release, 'a pending release');

    const settle = tools.getByRole('form', { name: 'Settle a pending operation' });
    assert.equal(await settle.getByLabel('Pending operation').inputValue(), release.id, 'the pending release is offered');
    await settle.getByLabel('Gateway answer').selectOption('succeeded');
    await assertAccessible(page, 'sandbox-tools-pending');
    await settle.getByRole('button', { name: 'Settle operation' }).click();
    await tools.getByText('The operation was settled.').waitFor();
    await page
      .getByRole('heading', { name: new RegExp(`Order ${reference}`), level: 1 })
      .filter({ hasText: 'VOIDED' })
      .waitFor();
    await assertAccessible(page, 'sandbox-tools-settled');

    detail = await admin.get(`/orders/${orderId}`);
    assert.equal(detail.body.order.state, 'VOIDED');
    assert.equal(detail.body.reversals.find((r: { id: string }) => r.id === release.id).status, 'SUCCEEDED');
    assert.deepEqual(detail.body.ledger.balances, { customer: 0, held: 0, merchant: 0 });
    assert.ok(
      detail.body.ledger.invariants.every((i: { ok: boolean }) => i.ok),
      'every invariant holds',
    );
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 5500,
      captured: 0,
      reversed: 5500,
      refunded: 0,
      held: 0,
      merchant: 0,
    });
    assert.equal(
      await count("select count(*) as n from audit_log where target_id = $1 and action like 'sandbox.%'", [orderId]),
      2,
      'both tools audited',
    );
  });

  it('resolves a manual review: reason, outcome, confirmation; the order leaves the queue, the ledger balances, a webhook is stored', async () => {
    const eventsBefore = await count('select count(*) as n from webhook_events where order_id = $1', [inReview]);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Manual review' }).click();
    await pageLoaded(page, 'Manual review');
    const row = page.getByRole('table').locator('tbody tr').filter({ hasText: inReview });
    await row.waitFor();
    await assertAccessible(page, 'reviews');

    await row.getByRole('button', { name: `Resolve order ${inReview}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Resolve a manual review' });
    await dialog.waitFor();
    const submit = dialog.getByRole('button', { name: 'Resolve order' });
    await dialog.getByLabel('Succeeded').check();
    await dialog.getByLabel('Reason').fill(REASON);
    assert.equal(await submit.isEnabled(), false, 'nothing is sent before the confirmation');
    await dialog.getByLabel(/I confirmed this outcome/).check();
    await assertAccessible(page, 'resolve-dialog');
    await submit.click();

    await page.getByText(`Order ${inReview} was resolved.`).waitFor();
    await page.getByRole('table').locator('tbody tr').filter({ hasText: inReview }).waitFor({ state: 'detached' });
    await page.getByText('Nothing waits for review.').waitFor();

    const [order] = await server.db.query<{ state: string }>('select state from orders where id = $1', [inReview]);
    assert.equal(order!.state, 'CAPTURED');
    const ledger = await orderLedger(server.db, inReview);
    assert.deepEqual([ledger.authorized, ledger.captured, ledger.held], [4200, 4200, 0]);
    await assertLedgerInvariants(server.db);
    assert.ok(
      (await count('select count(*) as n from webhook_events where order_id = $1', [inReview])) > eventsBefore,
      'a webhook event stored',
    );
    assert.equal(
      await count("select count(*) as n from audit_log where target_type = 'order' and target_id = $1 and reason = $2", [inReview, REASON]),
      1,
      'audited with the reason typed',
    );
  });

  it('a form posted from another site while signed in changes nothing', async () => {
    const rotatePath = `/admin/v1/merchants/${shop.merchant_id}/credentials/api_key/rotate`;
    const credentialsBefore = await count('select count(*) as n from merchant_credentials');
    const auditBefore = await count('select count(*) as n from audit_log');
    // "localhost" is another site than "127.0.0.1": the SameSite=Strict cookie is not sent along.
    const attacker: Server = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(
        `<!doctype html><html lang="en"><title>Win a prize</title><body>` +
          `<form method="post" action="${server.baseUrl}${rotatePath}"><input name="overlap_seconds" value="0"></form>` +
          `<script>document.forms[0].submit()</script></body></html>`,
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (attacker.address() as AddressInfo).port;
      const attackPage = await page.context().newPage();
      const [answer] = await Promise.all([
        attackPage.waitForResponse((r) => r.url().endsWith(rotatePath)),
        attackPage.goto(`http://localhost:${port}/`),
      ]);
      assert.equal(answer.status(), 401, 'no session cookie went with the cross-site post');
      assert.equal((await answer.request().allHeaders())['cookie'], undefined);
      await attackPage.close();

      // Even a request carrying the cookie is refused without the session's CSRF token.
      const cookies = await page.context().cookies(server.baseUrl + '/admin/v1/');
      assert.ok(cookies.length > 0, 'the operator is signed in');
      const withCookie = await fetch(server.baseUrl + rotatePath, {
        method: 'POST',
        headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
        body: 'overlap_seconds=0',
      });
      assert.equal(withCookie.status, 403);
      assert.equal(((await withCookie.json()) as { error: string }).error, 'csrf_failed');
    } finally {
      await new Promise((resolve) => attacker.close(resolve));
    }
    assert.equal(await count('select count(*) as n from merchant_credentials'), credentialsBefore, 'no credential issued');
    assert.equal(await count('select count(*) as n from audit_log'), auditBefore, 'no audit entry');
  });

  it('rotates the Juspay API key with an overlap: both keys work during it, only the new one after', async () => {
    const oldKey = new JuspayHttp(server.baseUrl, shop.api_key);
    const orderId = newOrderId('rot');
    assert.equal((await oldKey.createOrder(orderId, '10.00')).status, 200);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Merchants' }).click();
    await pageLoaded(page, 'Merchants & keys');
    await assertAccessible(page, 'merchants');
    await page.getByRole('link', { name: 'Chai & Biscuit Co.' }).click();
    await pageLoaded(page, 'Chai & Biscuit Co.');
    await page.getByRole('button', { name: 'Rotate Juspay API key' }).click();
    const rotateDialog = page.getByRole('dialog', { name: 'Rotate a credential' });
    await rotateDialog.getByLabel('Overlap in seconds').fill('60');
    await assertAccessible(page, 'rotate-dialog');
    await rotateDialog.getByRole('button', { name: 'Rotate now' }).click();

    const shown = page.getByRole('dialog', { name: 'The new credential' });
    await shown.waitFor();
    const newApiKey = ((await shown.locator('code.secret').first().textContent()) ?? '').trim();
    assert.ok(newApiKey.length >= 20 && newApiKey !== shop.api_key, 'a new API key, shown once');
    await assertAccessible(page, 'secret-dialog');
    await shown.getByRole('button', { name: 'I have stored them' }).click();
    await shown.waitFor({ state: 'hidden' });
    assert.equal(await page.getByText(newApiKey).count(), 0, 'the secret is gone from the page');

    const newKey = new JuspayHttp(server.baseUrl, newApiKey);
    assert.equal((await oldKey.status(orderId)).status, 200, 'the old key works during the overlap');
    assert.equal((await newKey.status(orderId)).status, 200, 'the new key works at once');

    server.clock.advance(61_000);
    // Credentials are re-read at most once a second (docs/admin-api.md): wait for the old key's refusal.
    const until = Date.now() + 1500;
    let status = (await oldKey.status(orderId)).status;
    while (status !== 401 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await oldKey.status(orderId)).status;
    }
    assert.equal(status, 401, 'the old key is refused after the overlap');
    assert.equal((await newKey.status(orderId)).status, 200, 'the new key still works');
  });

  it('ran with no script error', () => {
    assert.deepEqual(pageErrors, []);
  });
});
