/**
 * Every hosted entry point × every way a customer's visit ends, in a real browser (Debian's
 * Chromium): Pine Labs hosted checkout, a Pine Labs payment link, Juspay's payment_links and a
 * Juspay session; approved, 3-D Secure with the right OTP, a wrong OTP, an expired challenge, a
 * decline, and the customer cancelling. Each visit ends at a local merchant page whose signature
 * check (written from the documented algorithms) accepts the return; the order is then in the
 * right state, and the approved ones are captured in part and refunded, or cancelled, through the
 * APIs. A screenshot of each final page is kept under test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { assertLedgerInvariants } from '../helpers/ledger-check.js';
import { startMerchantReceiver, type MerchantReceiver, type ReceivedReturn } from '../helpers/merchant-receiver.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp, newOrderId } from '../juspay/helpers/juspay-http.js';

const APPROVED = '4111111111111111';
const CHALLENGE = '4000000000003220';
const DECLINED = '4000000000000002';
const MINUTE = 60_000;

type Outcome = 'approved' | 'otp-right' | 'otp-wrong' | 'challenge-expired' | 'declined' | 'cancelled';
const OUTCOMES: readonly Outcome[] = ['approved', 'otp-right', 'otp-wrong', 'challenge-expired', 'declined', 'cancelled'];

/** What the merchant should hear and the order should say, per dialect. */
const PINE_LABS_EXPECTED: Record<Outcome, { status: string; failed: boolean; errorCode?: string }> = {
  approved: { status: 'AUTHORIZED', failed: false },
  'otp-right': { status: 'AUTHORIZED', failed: false },
  'otp-wrong': { status: 'ATTEMPTED', failed: true, errorCode: 'USER_AUTHENTICATION_FAILED' },
  'challenge-expired': { status: 'ATTEMPTED', failed: true, errorCode: 'USER_AUTHENTICATION_FAILED' },
  declined: { status: 'ATTEMPTED', failed: true, errorCode: 'PAYMENT_DECLINED' },
  cancelled: { status: 'CREATED', failed: true, errorCode: 'USER_CANCELLED' },
};
const JUSPAY_EXPECTED: Record<Outcome, { status: string; statusId: string }> = {
  approved: { status: 'AUTHORIZED', statusId: '25' },
  'otp-right': { status: 'AUTHORIZED', statusId: '25' },
  'otp-wrong': { status: 'AUTHENTICATION_FAILED', statusId: '26' },
  'challenge-expired': { status: 'AUTHENTICATION_FAILED', statusId: '26' },
  declined: { status: 'AUTHORIZATION_FAILED', statusId: '27' },
  cancelled: { status: 'NEW', statusId: '10' },
};

/** A hosted order made one way: the page to open, and how the merchant reads and moves its money. */
interface HostedOrder {
  pageUrl: string;
  /** The id the merchant's return carries. */
  returnedOrderId: string;
  status(): Promise<string>;
  /** Captures 60 of 100 and refunds 20 of it; the order's status after each. */
  captureAndRefund(): Promise<[string, string]>;
  cancel(): Promise<string>;
}

interface EntryPoint {
  name: string;
  dialect: 'pinelabs' | 'juspay';
  create(): Promise<HostedOrder>;
}

describe('every hosted entry point, every ending, in a browser', () => {
  let server: TestServer;
  let receiver: MerchantReceiver;
  let browser: TestBrowser;
  let merchant: MerchantCredentials;
  let pinelabs: PineLabsClient;
  let juspay: JuspayHttp;
  before(async () => {
    [server, receiver, browser] = await Promise.all([startTestServer(), startMerchantReceiver(), launchBrowser()]);
    merchant = await server.newMerchant('Nilgiri Tea House');
    receiver.trust(merchant);
    pinelabs = await PineLabsClient.login(server.baseUrl, merchant);
    juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
  });
  after(async () => {
    await browser.close();
    await receiver.close();
    await server.close();
  });

  const callbacks = () => ({ callback_url: receiver.url('/pine/ok'), failure_callback_url: receiver.url('/pine/failed') });

  function pineLabsOrder(orderId: string, pageUrl: string): HostedOrder {
    return {
      pageUrl,
      returnedOrderId: orderId,
      status: async () => (await pinelabs.getOrder(orderId)).body.data.status as string,
      async captureAndRefund() {
        const captured = await pinelabs.capture(orderId, {
          merchant_capture_reference: uniqueRef('cap'),
          capture_amount: { value: 6000, currency: 'INR' },
        });
        assert.equal(captured.status, 200, JSON.stringify(captured.body));
        const refunded = await pinelabs.refund(orderId, 2000);
        assert.equal(refunded.status, 200, JSON.stringify(refunded.body));
        return [captured.body.data.status as string, (await pinelabs.getOrder(orderId)).body.data.status as string];
      },
      async cancel() {
        const cancelled = await pinelabs.cancel(orderId);
        assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
        return cancelled.body.data.status as string;
      },
    };
  }

  function juspayOrder(orderId: string, pageUrl: string): HostedOrder {
    const txnUuid = async () => (await juspay.status(orderId)).body.txn_uuid as string;
    return {
      pageUrl,
      returnedOrderId: orderId,
      status: async () => (await juspay.status(orderId)).body.status as string,
      async captureAndRefund() {
        const captured = await juspay.capture(await txnUuid(), { amount: '60.00', idempotence_key: uniqueRef('cap') });
        assert.equal(captured.status, 200, JSON.stringify(captured.body));
        const refunded = await juspay.refund(orderId, { unique_request_id: uniqueRef('rfd'), amount: '20.00' });
        assert.equal(refunded.status, 200, JSON.stringify(refunded.body));
        const after = await juspay.status(orderId);
        assert.equal(after.body.amount_refunded, 20);
        return [(await juspay.status(orderId)).body.status as string, after.body.status as string];
      },
      async cancel() {
        const voided = await juspay.void(await txnUuid());
        assert.equal(voided.status, 200, JSON.stringify(voided.body));
        return (await juspay.status(orderId)).body.status as string;
      },
    };
  }

  const ENTRY_POINTS: EntryPoint[] = [
    {
      name: 'pinelabs-checkout',
      dialect: 'pinelabs',
      async create() {
        const body = {
          merchant_order_reference: uniqueRef('chk'),
          order_amount: { value: 10000, currency: 'INR' },
          pre_auth: true,
          ...callbacks(),
        };
        const created = await pinelabs.request('POST', '/api/checkout/v1/orders', body);
        assert.equal(created.status, 200, JSON.stringify(created.body));
        return pineLabsOrder(created.body.order_id as string, created.body.redirect_url as string);
      },
    },
    {
      name: 'pinelabs-link',
      dialect: 'pinelabs',
      async create() {
        const body = {
          amount: { value: 10000, currency: 'INR' },
          merchant_payment_link_reference: uniqueRef('pl'),
          pre_auth: 'true',
          ...callbacks(),
        };
        const created = await pinelabs.request('POST', '/api/pay/v1/paymentlink', body);
        assert.equal(created.status, 200, JSON.stringify(created.body));
        return pineLabsOrder(created.body.order_id as string, created.body.payment_link as string);
      },
    },
    {
      name: 'juspay-payment-links',
      dialect: 'juspay',
      async create() {
        const orderId = newOrderId('mx');
        const created = await juspay.createOrder(orderId, '100.00', { extra: { return_url: receiver.url('/juspay/back') } });
        assert.equal(created.status, 200, JSON.stringify(created.body));
        return juspayOrder(orderId, created.body.payment_links.web as string);
      },
    },
    {
      name: 'juspay-session',
      dialect: 'juspay',
      async create() {
        const orderId = newOrderId('ms');
        const created = await juspay.request(
          'POST',
          '/session',
          {
            order_id: orderId,
            amount: '100.00',
            currency: 'INR',
            customer_id: 'cust-1',
            return_url: receiver.url('/juspay/back'),
            payment_page_client_id: 'nilgiri',
            action: 'paymentPage',
            metadata: { txns: { auto_capture: false } },
          },
          { encoding: 'json' },
        );
        assert.equal(created.status, 200, JSON.stringify(created.body));
        return juspayOrder(orderId, created.body.payment_links.web as string);
      },
    },
  ];

  /** Runs the customer's side of one ending in a fresh browser context; what reached the merchant. */
  async function visit(page: Page, pageUrl: string, outcome: Outcome): Promise<ReceivedReturn> {
    const before = receiver.received.length;
    const backAtMerchant = () => page.waitForURL((url) => url.origin === receiver.origin);
    await page.goto(pageUrl);
    assert.equal(await page.textContent('.merchant-name'), 'Nilgiri Tea House');
    if (outcome === 'cancelled') {
      await Promise.all([backAtMerchant(), page.click('text=Cancel and return to Nilgiri Tea House')]);
    } else {
      const card = outcome === 'approved' ? APPROVED : outcome === 'declined' ? DECLINED : CHALLENGE;
      await page.click(`[data-test-card="${card}"]`);
      await page.fill('#name', 'Meera Iyer');
      if (card !== CHALLENGE) {
        await Promise.all([backAtMerchant(), page.click('[data-pay-button]')]);
      } else {
        await Promise.all([page.waitForURL(/\/web\/auth\/landing\//), page.click('[data-pay-button]')]);
        if (outcome === 'challenge-expired') server.clock.advance(11 * MINUTE);
        await page.fill('#otp', outcome === 'otp-wrong' ? '000000' : '123456');
        await Promise.all([backAtMerchant(), page.click('button[type="submit"] >> text=Verify')]);
      }
    }
    await page.waitForSelector('#verdict');
    assert.equal(receiver.received.length, before + 1, 'one return reached the merchant');
    return receiver.received.at(-1)!;
  }

  for (const entry of ENTRY_POINTS) {
    it(`${entry.name}: each ending returns to the merchant signed, and the order is as the merchant was told`, async () => {
      // One tab for the whole run, as one customer would use: each visit starts from a new order's page.
      const page = await browser.newPage();
      for (const outcome of OUTCOMES) {
        const order = await entry.create();
        const back = await visit(page, order.pageUrl, outcome);
        const label = `${entry.name} / ${outcome}`;
        assert.equal(back.signatureValid, true, `${label}: the merchant's check accepts the signature`);
        assert.equal(await page.textContent('#verdict'), 'Signature valid', label);
        assert.equal(back.fields.order_id, order.returnedOrderId, label);
        if (entry.dialect === 'pinelabs') {
          const expected = PINE_LABS_EXPECTED[outcome];
          assert.equal(back.method, 'POST', `${label}: Pine Labs returns as a form post`);
          assert.equal(back.url.pathname, expected.failed ? '/pine/failed' : '/pine/ok', label);
          assert.equal(back.fields.status, expected.status, label);
          assert.equal(back.fields.error_code, expected.errorCode, label);
        } else {
          const expected = JUSPAY_EXPECTED[outcome];
          assert.equal(back.method, 'GET', `${label}: Juspay returns with a redirect`);
          assert.deepEqual(
            [back.fields.status, back.fields.status_id, back.fields.signature_algorithm],
            [expected.status, expected.statusId, 'HMAC-SHA256'],
            label,
          );
        }
        assert.equal(await order.status(), back.fields.status, `${label}: the order says what the merchant was told`);
        await browser.screenshot(page, `entry-${entry.name}-${outcome}`);

        if (outcome === 'approved') {
          const [captured, refunded] = await order.captureAndRefund();
          assert.deepEqual(
            [captured, refunded],
            entry.dialect === 'pinelabs' ? ['PROCESSED', 'PARTIALLY_REFUNDED'] : ['PARTIAL_CHARGED', 'PARTIAL_CHARGED'],
            label,
          );
        }
        if (outcome === 'otp-right') assert.equal(await order.cancel(), entry.dialect === 'pinelabs' ? 'CANCELLED' : 'VOIDED', label);
      }
      await page.context().close();
      await assertLedgerInvariants(server.db);
    });
  }

  it('a paid link, checkout or session page takes no second payment', async () => {
    for (const entry of ENTRY_POINTS) {
      const order = await entry.create();
      const page = await browser.newPage();
      await visit(page, order.pageUrl, 'approved');
      await page.goto(order.pageUrl);
      assert.equal(await page.locator('#card_number').count(), 0, `${entry.name}: no card form on a paid order's page`);
      assert.match((await page.textContent('h1')) ?? '', /paid|authorized/i, entry.name);
      await page.context().close();
    }
  });

  it('XSS: markup in the merchant name, descriptions, customer names, udfs and notes renders as text on every entry point', async () => {
    const payloads = ['<script>alert(1)</script>', `"'><img src=x onerror=alert(1)>`];
    const hostileText = payloads.join(' ');
    const hostile = await server.newMerchant(hostileText);
    const hostilePine = await PineLabsClient.login(server.baseUrl, hostile);
    const hostileJuspay = new JuspayHttp(server.baseUrl, hostile.api_key);
    const customer = { first_name: payloads[0], last_name: payloads[1], email_id: 'x@example.com', mobile_number: '9876543210' };
    const pages: [string, string][] = [];
    const checkout = await hostilePine.request('POST', '/api/checkout/v1/orders', {
      merchant_order_reference: uniqueRef('xss'),
      order_amount: { value: 1000, currency: 'INR' },
      pre_auth: true,
      notes: hostileText,
      purchase_details: { customer, merchant_metadata: { udf1: payloads[0], udf2: payloads[1] } },
      ...callbacks(),
    });
    assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
    pages.push(['pinelabs-checkout', checkout.body.redirect_url as string]);
    const link = await hostilePine.request('POST', '/api/pay/v1/paymentlink', {
      amount: { value: 1000, currency: 'INR' },
      merchant_payment_link_reference: uniqueRef('xss'),
      description: hostileText,
      customer,
      ...callbacks(),
    });
    assert.equal(link.status, 200, JSON.stringify(link.body));
    pages.push(['pinelabs-link', link.body.payment_link as string]);
    for (const path of ['/orders', '/session']) {
      const orderId = newOrderId('xss');
      const fields = {
        order_id: orderId,
        amount: '10.00',
        description: hostileText,
        customer_id: payloads[1],
        first_name: payloads[0],
        last_name: payloads[1],
        udf1: payloads[0],
        udf2: payloads[1],
        return_url: receiver.url('/juspay/back'),
      };
      const created = await hostileJuspay.request('POST', path, path === '/session' ? { ...fields, action: 'paymentPage' } : fields, {
        encoding: 'json',
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      pages.push([`juspay${path}`, created.body.payment_links.web as string]);
    }

    for (const [name, url] of pages) {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(url);
      assert.equal(await page.textContent('.merchant-name'), hostileText, name);
      const description = page.locator('.description');
      if ((await description.count()) > 0) assert.equal(await description.textContent(), hostileText, name);
      assert.equal(await page.locator('img').count(), 0, `${name}: no element was injected`);
      await page.click(`[data-test-card="${CHALLENGE}"]`);
      await page.fill('#name', payloads[1]!);
      await Promise.all([page.waitForURL(/\/web\/auth\/landing\//), page.click('[data-pay-button]')]);
      assert.equal(await page.textContent('.merchant-name'), hostileText, `${name}: the challenge page too`);
      assert.equal(await page.locator('img').count(), 0, name);
      await browser.screenshot(page, `entry-xss-${name.replace('/', '')}`);
      assert.deepEqual(dialogs, [], `${name}: no script ran`);
      await page.context().close();
    }
  });
});
