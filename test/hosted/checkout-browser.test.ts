/**
 * The hosted checkout page in a real browser (Debian's Chromium), entered through Juspay's
 * payment_links: each outcome ends at a local merchant page with the outcome, the order is then
 * in the right state; the sandbox panel, the checks beside each field, a phone-sized screen and
 * the keyboard alone all work; a paid order's page takes no second payment. A screenshot of each
 * final page is kept under test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { orderLedger } from '../helpers/ledger-check.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp, newOrderId } from '../juspay/helpers/juspay-http.js';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver.js';

/** Evaluates an expression in the page (a string: the tests are compiled without the DOM's types). */
const inPage = <T = unknown>(page: Page, expression: string): Promise<T> => page.evaluate<T>(expression);

const FUTURE_EXPIRY = `12/${String((new Date().getFullYear() + 4) % 100).padStart(2, '0')}`;

describe('the hosted checkout page in a browser (Juspay payment_links)', () => {
  let server: TestServer;
  let juspay: JuspayHttp;
  let receiver: MerchantReceiver;
  let browser: TestBrowser;
  before(async () => {
    [server, receiver, browser] = await Promise.all([startTestServer(), startMerchantReceiver(), launchBrowser()]);
    const merchant = await server.newMerchant('Chai & Biscuit Co.');
    receiver.trust(merchant);
    juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
  });
  after(async () => {
    await browser.close();
    await receiver.close();
    await server.close();
  });

  /** A pre-auth order returning to the local merchant page; its web payment link. */
  async function newOrder(amount = '1499.50', extra: Record<string, unknown> = {}) {
    const orderId = newOrderId('br');
    const created = await juspay.createOrder(orderId, amount, { extra: { return_url: receiver.url('/back'), ...extra } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return { orderId, id: created.body.id as string, link: created.body.payment_links.web as string };
  }

  async function fillCard(page: Page, number: string, expiry = FUTURE_EXPIRY, cvv = '123') {
    await page.fill('#card_number', number);
    await page.fill('#expiry', expiry);
    await page.fill('#cvv', cvv);
    await page.fill('#name', 'Asha Verma');
  }

  /** Clicks Pay and waits until the browser is back at the merchant; the outcome it brought. */
  async function payAndReturn(page: Page, click = () => page.click('[data-pay-button]')) {
    await Promise.all([page.waitForURL((url) => url.origin === receiver.origin), click()]);
    assert.equal(receiver.received.at(-1)?.signatureValid, true, 'the merchant verifies the return');
    return Object.fromEntries(new URL(page.url()).searchParams);
  }

  it('approved card: the page shows merchant, amount and reference; the browser returns AUTHORIZED; the order can be captured', async () => {
    const order = await newOrder();
    const page = await browser.newPage();
    await page.goto(order.link);
    assert.equal(await page.textContent('.merchant-name'), 'Chai & Biscuit Co.');
    assert.equal(await page.textContent('.amount'), '₹1,499.50');
    assert.equal(await page.textContent('.reference'), order.orderId);
    assert.ok(await page.isVisible('.sandbox'), 'a sandbox merchant sees the test cards');
    await fillCard(page, '4111111111111111');
    assert.equal(await page.inputValue('#card_number'), '4111 1111 1111 1111');
    assert.match((await page.getAttribute('.network-visa', 'class')) ?? '', /is-active/);
    await browser.screenshot(page, 'checkout-desktop', { docs: 'checkout' });
    const back = await payAndReturn(page);
    assert.deepEqual([back.order_id, back.status, back.status_id], [order.orderId, 'AUTHORIZED', '25']);
    await browser.screenshot(page, 'approved-returned');
    const status = await juspay.status(order.orderId);
    assert.equal(status.body.status, 'AUTHORIZED');
    const capture = await juspay.capture(status.body.txn_uuid);
    assert.equal(capture.status, 200, JSON.stringify(capture.body));
    assert.equal((await juspay.status(order.orderId)).body.status, 'CHARGED');

    // The order is paid: its page says so, offers no form, and a second visit takes no payment.
    await page.goto(order.link);
    assert.equal(await page.textContent('h1'), 'This order is paid');
    assert.equal(await page.locator('#card_number').count(), 0);
    await browser.screenshot(page, 'already-paid');
    await page.context().close();
  });

  it('3-D Secure card: the challenge page, the right OTP → AUTHORIZED; a wrong OTP → AUTHENTICATION_FAILED', async () => {
    for (const [otp, expected] of [
      ['123456', 'AUTHORIZED'],
      ['000000', 'AUTHENTICATION_FAILED'],
    ] as const) {
      const order = await newOrder('250.00');
      const page = await browser.newPage();
      await page.goto(order.link);
      await fillCard(page, '4000 0000 0000 3220');
      await Promise.all([page.waitForURL(/\/web\/auth\/landing\//), page.click('[data-pay-button]')]);
      assert.equal(await page.textContent('h1'), 'Verify your payment');
      assert.match((await page.textContent('.lead')) ?? '', /ending in 3220/);
      if (expected === 'AUTHORIZED') await browser.screenshot(page, 'challenge');
      await page.fill('#otp', otp);
      const back = await payAndReturn(page, () => page.click('button[type="submit"] >> text=Verify'));
      assert.equal(back.status, expected);
      assert.equal((await juspay.status(order.orderId)).body.status, expected);
      await page.context().close();
    }
  });

  it('the sandbox panel fills the form; a declined card returns AUTHORIZATION_FAILED and moves no money', async () => {
    const order = await newOrder('75.00');
    const page = await browser.newPage();
    await page.goto(order.link);
    await page.click('[data-test-card="4000000000000002"]');
    assert.equal(await page.inputValue('#card_number'), '4000 0000 0000 0002');
    assert.match(await page.inputValue('#expiry'), /^12\/\d\d$/);
    assert.equal(await page.inputValue('#cvv'), '123');
    assert.equal(await inPage(page, "document.activeElement?.hasAttribute('data-pay-button')"), true, 'focus moves to Pay');
    await page.click('[data-test-card="378282246310005"]');
    assert.equal(await page.inputValue('#cvv'), '1234', 'an Amex gets four digits');
    await page.click('[data-test-card="4000000000000002"]');
    const back = await payAndReturn(page);
    assert.equal(back.status, 'AUTHORIZATION_FAILED');
    assert.deepEqual(await orderLedger(server.db, order.id), {
      authorized: 0,
      captured: 0,
      reversed: 0,
      refunded: 0,
      held: 0,
      merchant: 0,
    });
    await browser.screenshot(page, 'declined-returned');
    await page.context().close();
  });

  it('bad number, past expiry and short CVV are shown beside their fields and nothing is sent', async () => {
    const order = await newOrder();
    const page = await browser.newPage();
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    await page.goto(order.link);
    await fillCard(page, '4111 1111 1111 1112', '01/20', '12');
    await page.click('[data-pay-button]');
    const problem = (field: string) => page.textContent(`#${field}-error`);
    assert.match((await problem('card_number')) ?? '', /not valid/);
    assert.match((await problem('expiry')) ?? '', /expired/);
    assert.match((await problem('cvv')) ?? '', /3 digits/);
    assert.equal(await page.getAttribute('#card_number', 'aria-invalid'), 'true');
    assert.equal(await page.getAttribute('#expiry', 'aria-invalid'), 'true');
    assert.match((await page.getAttribute('#cvv', 'aria-describedby')) ?? '', /cvv-error/);
    assert.equal(await inPage(page, 'document.activeElement?.id'), 'card_number', 'focus goes to the first problem');
    await browser.screenshot(page, 'field-errors');
    // An Amex needs four digits; fixing a field clears its message as it is typed.
    await page.fill('#card_number', '3782 822463 10005');
    assert.equal(await problem('card_number'), '');
    await page.click('[data-pay-button]');
    assert.match((await problem('cvv')) ?? '', /4 digits/);
    assert.deepEqual(posts, [], 'nothing was sent');
    assert.equal((await juspay.status(order.orderId)).body.status, 'NEW');
    await page.context().close();
  });

  it('a phone-sized screen (360×740): nothing wider than the screen, and the customer pays', async () => {
    const order = await newOrder('12345.00', { description: 'Two cartons of Assam tea, one tin of ginger biscuits' });
    const page = await browser.newPage({ viewport: { width: 360, height: 740 }, hasTouch: true });
    await page.goto(order.link);
    assert.equal(await inPage(page, 'document.documentElement.scrollWidth'), 360);
    const button = await page.locator('[data-pay-button]').boundingBox();
    assert.ok(button && button.width <= 360 && button.height >= 44, JSON.stringify(button));
    await browser.screenshot(page, 'checkout-phone');
    await page.tap('[data-test-card="6521000000000007"]');
    const back = await payAndReturn(page, () => page.tap('[data-pay-button]'));
    assert.equal(back.status, 'AUTHORIZED');
    await page.context().close();
  });

  it('the keyboard alone: Tab through the fields in order, type, Enter pays; focus is visible', async () => {
    const order = await newOrder();
    const page = await browser.newPage();
    await page.goto(order.link);
    const order_: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      order_.push(await inPage<string>(page, "document.activeElement?.id || document.activeElement?.textContent?.trim() || ''"));
    }
    assert.deepEqual(order_.slice(0, 5), ['card_number', 'expiry', 'cvv', 'name', 'Pay ₹1,499.50']);
    const outline = await inPage(page, 'getComputedStyle(document.activeElement).outlineStyle');
    assert.notEqual(outline, 'none', 'the focused button shows its focus');
    await page.focus('#card_number');
    await page.keyboard.type('5555555555554444');
    await page.keyboard.press('Tab');
    await page.keyboard.type(FUTURE_EXPIRY.replace('/', ''));
    assert.equal(await page.inputValue('#expiry'), FUTURE_EXPIRY);
    await page.keyboard.press('Tab');
    await page.keyboard.type('321');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Asha Verma');
    const back = await payAndReturn(page, () => page.keyboard.press('Enter'));
    assert.equal(back.status, 'AUTHORIZED');
    await page.context().close();
  });

  it('XSS: markup in the merchant name, description, customer fields and udfs renders as text, and no script runs', async () => {
    const payloads = ['<script>alert(1)</script>', `"'><img src=x onerror=alert(1)>`];
    const hostile = new JuspayHttp(server.baseUrl, (await server.newMerchant(payloads.join(' '))).api_key);
    const orderId = newOrderId('xss');
    const created = await hostile.createOrder(orderId, '10.00', {
      extra: {
        return_url: receiver.url('/back'),
        description: payloads.join(' '),
        customer_id: payloads[1],
        billing_address_first_name: payloads[0],
        udf1: payloads[0],
        udf2: payloads[1],
      },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(created.body.payment_links.web);
    assert.equal(await page.textContent('.merchant-name'), payloads.join(' '));
    assert.equal(await page.textContent('.description'), payloads.join(' '));
    assert.match((await page.textContent('.button-quiet')) ?? '', /<script>alert\(1\)<\/script>/);
    assert.equal(await page.locator('img').count(), 0);
    await page.click('[data-test-card="4000000000003220"]');
    await Promise.all([page.waitForURL(/\/web\/auth\/landing\//), page.click('[data-pay-button]')]);
    assert.equal(await page.textContent('.merchant-name'), payloads.join(' '));
    await browser.screenshot(page, 'xss-as-text');
    assert.deepEqual(dialogs, []);
    await page.context().close();
  });

  it('cancel and return: the merchant hears the order as it is (NEW) and nothing is recorded', async () => {
    const order = await newOrder();
    const page = await browser.newPage();
    await page.goto(order.link);
    const back = await payAndReturn(page, () => page.click('text=Cancel and return to Chai & Biscuit Co.'));
    assert.deepEqual([back.order_id, back.status, back.status_id], [order.orderId, 'NEW', '10']);
    const status = await juspay.status(order.orderId);
    assert.equal(status.body.status, 'NEW');
    await page.context().close();
  });
});
