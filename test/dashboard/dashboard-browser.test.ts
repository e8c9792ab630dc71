/**
 * The dashboard in a real browser (Debian's Chromium): an operator signs in with a one-time
 * password, is made to choose a new one, lands on the home page's figures, finds one order by its
 * merchant reference among many, and opens it: timeline, ledger and webhook deliveries. Every page
 * is checked with axe-core (no serious or critical violation) and the browser reports no
 * Content-Security-Policy violation. Screenshots are kept under test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { CLI_ACTOR } from '../../src/core/admin/audit.js';
import { createOperator } from '../../src/core/admin/operators.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { WebhookReceiver } from '../webhooks/receiver.js';

const NEW_PASSWORD = 'a long and chosen passphrase';

describe('the dashboard in a browser', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let receiver: WebhookReceiver;
  let merchant: MerchantCredentials;
  let page: Page;
  let needle: { orderId: string; reference: string };
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  let email: string;
  let oneTimePassword: string;
  let adminCallsInFlight = 0;
  const isAdminCall = (url: string) => new URL(url).pathname.startsWith('/admin/v1/');

  /** Until every admin API call the page has made is answered, so none lands after a clock change. */
  async function adminCallsSettled() {
    while (adminCallsInFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  before(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    receiver = new WebhookReceiver({ now: () => server.clock.now() });
    await receiver.start();
    merchant = await server.newMerchant('Chai & Biscuit Co.', { webhookUrl: `${receiver.url}/hooks` });
    const client = await PineLabsClient.login(server.baseUrl, merchant);
    // Many orders; the one looked for is paid, captured and has its webhooks delivered.
    for (let i = 0; i < 30; i++) {
      const created = await client.createOrder(1000 + i, { reference: uniqueRef(`hay-${i}`) });
      assert.equal(created.status, 200);
    }
    const reference = uniqueRef('needle');
    const order = await client.createOrder(149_950, { reference });
    assert.equal(order.status, 200);
    const orderId: string = order.body.data.order_id;
    assert.equal((await client.pay(orderId, 149_950)).status, 200);
    assert.equal((await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') })).status, 200);
    for (let i = 0; i < 3; i++) await server.runJobs();
    await server.app.server.flushApiCalls();
    needle = { orderId, reference };

    const created = await createOperator(server.app.ctx, { email: 'ops@example.test', role: 'support', merchantIds: null }, CLI_ACTOR);
    assert.ok(created.ok);
    email = created.operator.email;
    oneTimePassword = created.oneTimePassword;

    page = await browser.newPage();
    page.on('console', (message) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => {
      if (isAdminCall(request.url())) adminCallsInFlight++;
    });
    const answered = (request: { url(): string }) => {
      if (isAdminCall(request.url())) adminCallsInFlight--;
    };
    page.on('requestfinished', answered);
    page.on('requestfailed', answered);
  });
  after(async () => {
    await browser.close();
    await receiver.stop();
    await server.close();
  });

  /** axe-core on the page as it is now: nothing serious or critical. */
  async function assertAccessible(name: string) {
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(
      bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
      [],
      `${name}: accessibility violations`,
    );
    await browser.screenshot(page, `dashboard-${name}`);
  }

  it('signs in with the one-time password, then must choose a new one', async () => {
    await page.goto(`${server.baseUrl}/dashboard/`);
    await page.getByRole('heading', { name: 'Sign in to the dashboard' }).waitFor();
    await assertAccessible('sign-in');

    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password' }).waitFor();

    await page.getByLabel('Password').fill(oneTimePassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await assertAccessible('change-password');
    await page.getByLabel('One-time password').fill(oneTimePassword);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  it('shows the home page: the activity chart and the figures, each linked to its rows', async () => {
    await page.getByRole('heading', { name: /Activity per hour/ }).waitFor();
    assert.equal((await page.locator('.recharts-bar-rectangle').count()) > 0, true, 'the chart has bars');
    const figure = page.locator('.figure').filter({ hasText: 'Authorizations' }).first();
    assert.match((await figure.locator('.figure-value').textContent()) ?? '', /^[1-9]/, 'the authorization counted');
    assert.equal(await page.getByRole('link', { name: 'Review queue' }).count(), 1);
    await assertAccessible('home');
  });

  it('finds one order by its merchant reference among many, and opens it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
    await page.getByRole('table').locator('tbody tr').nth(1).waitFor();
    assert.equal(await page.getByRole('table').locator('tbody tr').count(), 25, 'a first page of 25');
    assert.equal(await page.getByRole('button', { name: 'Next page' }).isEnabled(), true, 'more pages follow');
    await assertAccessible('orders');

    await page.getByLabel('Merchant order reference').fill(needle.reference);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/merchant_order_reference=/);
    const rows = page.getByRole('table').locator('tbody tr');
    await rows.filter({ hasText: needle.reference }).waitFor();
    assert.equal(await rows.count(), 1, 'only the order looked for');
    assert.match((await rows.first().textContent()) ?? '', /₹1,499\.50/);

    await page.getByRole('link', { name: needle.reference }).click();
    await page.getByRole('heading', { name: new RegExp(`Order ${needle.reference}`) }).waitFor();
    assert.ok(page.url().endsWith(`/dashboard/orders/${needle.orderId}`));
  });

  it('shows the order: summary, timeline, ledger with its invariants, webhook deliveries', async () => {
    const timeline = page.locator('ol.timeline li');
    await timeline.first().waitFor();
    assert.ok((await timeline.count()) >= 3, 'several timeline events');
    // Each gateway answer with the latency stored with it, e.g. "Capture answered: SUCCEEDED · 0 ms".
    const captureAnswer = timeline.filter({ hasText: 'Capture answered: SUCCEEDED' });
    assert.match((await captureAnswer.textContent()) ?? '', /· \d+ ms/);
    const captures = page.getByRole('region', { name: 'Captures' });
    assert.match((await captures.locator('tbody tr').first().textContent()) ?? '', /\d+ ms/);
    const capture = timeline.filter({ hasText: 'PUT /api/pay/v1/orders/:order_id/capture' });
    assert.equal(await capture.count(), 1, 'the capture call, from the API call log');
    assert.equal(await capture.locator('.badge-good', { hasText: '200' }).count(), 1);
    const ledger = page.getByRole('region', { name: /Ledger/ });
    assert.ok((await ledger.locator('tbody tr').count()) >= 2, 'postings are listed');
    assert.equal(await ledger.locator('.invariants .badge-bad').count(), 0, 'no invariant fails');
    assert.ok((await ledger.locator('.invariants .badge-good').count()) >= 1);
    const webhooks = page.getByRole('region', { name: 'Webhook events' });
    await webhooks.locator('.webhook').first().waitFor();
    assert.ok((await webhooks.locator('.webhook .badge-good', { hasText: 'delivered' }).count()) >= 1, 'a delivered webhook');
    assert.ok((await webhooks.getByRole('button', { name: /^Replay/ }).count()) >= 1, 'support may replay');
    await assertAccessible('order');
  });

  it('renders a webhook event (summary, attempts, payload) and the not-found page accessibly', async () => {
    const [event] = await server.db.query<{ id: string; event_type: string }>(
      'select id, event_type from webhook_events where order_id = $1 order by seq limit 1',
      [needle.orderId],
    );
    assert.ok(event, 'the order has a webhook event');
    await page.goto(`${server.baseUrl}/dashboard/webhooks/${event.id}`);
    await page.getByRole('heading', { name: new RegExp(`^Webhook event ${event.event_type}`), level: 1 }).waitFor();
    await page.locator('[role=status]', { hasText: /Loading/ }).waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('alert').count(), 0, 'webhook event: no error shown');
    assert.match((await page.getByRole('region', { name: 'Summary' }).textContent()) ?? '', new RegExp(event.id));
    assert.ok((await page.getByRole('region', { name: 'Attempts' }).locator('tbody tr').count()) >= 1, 'its attempts are listed');
    assert.match((await page.getByLabel('Event payload').textContent()) ?? '', new RegExp(needle.orderId));
    assert.equal(await page.getByRole('button', { name: 'Replay event' }).count(), 1, 'support may replay');
    await assertAccessible('webhook-event');

    await page.goto(`${server.baseUrl}/dashboard/no-such-page`);
    await page.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Go to the home page' }).count(), 1);
    await assertAccessible('not-found');
  });

  it('every other page renders accessibly', async () => {
    for (const [name, path, heading] of [
      ['reviews', '/dashboard/reviews', 'Manual review'],
      ['merchants', '/dashboard/merchants', 'Merchants & keys'],
      ['merchant', `/dashboard/merchants/${merchant.merchant_id}`, 'Chai & Biscuit Co.'],
      ['webhooks', '/dashboard/webhooks', 'Webhook events'],
      // Before the audit log: the next test expects to come back to it after signing in again.
      ['jobs', '/dashboard/jobs?state=due', 'Background jobs'],
      ['audit', '/dashboard/audit', 'Audit log'],
    ] as const) {
      await page.goto(`${server.baseUrl}${path}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.locator('[role=status]', { hasText: /Loading/ }).waitFor({ state: 'detached' });
      assert.equal(await page.getByRole('alert').count(), 0, `${name}: no error shown`);
      await assertAccessible(name);
    }
  });

  it('signs out, and a session ended elsewhere brings back the sign-in page', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.locator('[role=status]', { hasText: /Loading/ }).waitFor({ state: 'detached' });
    await adminCallsSettled();
    // Half an hour without a call ends a session (docs/admin-api.md): the next call answers 401.
    server.clock.advance(31 * 60_000);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByText('Your session has ended').waitFor();
    await page.getByRole('heading', { name: 'Sign in to the dashboard' }).waitFor();
  });

  it('ran with no Content-Security-Policy violation and no script error', () => {
    assert.deepEqual(cspViolations, []);
    assert.deepEqual(pageErrors, []);
  });
});
