/**
 * 3-D Secure through a front Holdfast, in a real browser (Debian's Chromium): the front merchant
 * routes to an upstream Holdfast speaking Pine Labs Online or Juspay (docs/gateways.md). The
 * merchant pays at the front with the challenge card (docs/test-cards.md); the browser opens the
 * front's challenge link, is sent on to the upstream's own challenge page, types the OTP there, is
 * returned by the upstream to the front's /upstream/{account}/return/{payment} (signed by the
 * upstream), and the front reads the upstream order, records it, and sends the browser on to the
 * merchant with a signature the merchant verifies (docs/hosted-redirects.md). Each upstream kind
 * is tried with both front dialects, so every pairing of a POSTed and a GET return is crossed.
 * A return changed on its way to the front gets the 400 page and changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page, Request } from 'playwright-core';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startMerchantReceiver, type MerchantReceiver, type ReceivedReturn } from '../helpers/merchant-receiver.js';
import { juspaySignatureValid, pineLabsSignatureValid, returnOf, type MerchantReturn } from '../helpers/merchant-return.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { linkUpstream, routeTo, startUpstream, type Upstream, type UpstreamKind } from '../helpers/upstream-chain.js';
import { CARDS, JuspayHttp, newOrderId } from '../juspay/helpers/juspay-http.js';

type FrontDialect = 'pinelabs' | 'juspay';

/** The sandbox's OTP that approves; any other declines (docs/test-cards.md). */
const RIGHT_OTP = '123456';
const WRONG_OTP = '000000';

/** One front merchant whose payments all go to one upstream. */
interface Chain {
  kind: UpstreamKind;
  upstream: Upstream;
  accountId: string;
  merchant: MerchantCredentials;
  receiver: MerchantReceiver;
  pine: PineLabsClient;
  juspay: JuspayHttp;
}

/** A payment at the front waiting for its 3-D Secure challenge. */
interface Started {
  dialect: FrontDialect;
  /** Holdfast's order id at the front. */
  orderId: string;
  /** The merchant's own order id (the Juspay dialect's key). */
  merchantOrderId: string;
  /** The front's challenge link, as its answer gave it. */
  challengeUrl: string;
}

interface FrontPayment {
  id: string;
  connector: string;
  connector_reference: string | null;
  status: string;
  error_code: string | null;
}

describe('3-D Secure through a front Holdfast in a browser', () => {
  let front: TestServer;
  let browser: TestBrowser;
  const chains = new Map<UpstreamKind, Chain>();
  /** Every CSP report and script error of every page, the upstream's included. */
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    let pine: Upstream;
    let jus: Upstream;
    [front, pine, jus, browser] = await Promise.all([
      startTestServer(),
      startUpstream('pinelabs-online'),
      startUpstream('juspay'),
      launchBrowser(),
    ]);
    for (const upstream of [pine, jus]) {
      const merchant = await front.newMerchant(`Front merchant via ${upstream.kind}`);
      // No webhooks: the browser's return alone must settle each payment at the front.
      const accountId = await linkUpstream(front, merchant.merchant_id, upstream, `${upstream.kind} account`, { webhooks: false });
      await routeTo(front, merchant.merchant_id, [accountId]);
      const receiver = await startMerchantReceiver();
      receiver.trust(merchant);
      chains.set(upstream.kind, {
        kind: upstream.kind,
        upstream,
        accountId,
        merchant,
        receiver,
        pine: await PineLabsClient.login(front.baseUrl, merchant),
        juspay: new JuspayHttp(front.baseUrl, merchant.api_key),
      });
    }
  });
  after(async () => {
    await browser.close();
    for (const chain of chains.values()) await Promise.all([chain.receiver.close(), chain.upstream.server.close()]);
    await front.close();
  });

  const chainOf = (kind: UpstreamKind): Chain => {
    const chain = chains.get(kind);
    assert.ok(chain);
    return chain;
  };

  async function newPage(): Promise<Page> {
    const page = await browser.newPage();
    page.on('console', (message) => {
      if (/Content[- ]Security[- ]Policy|Refused to/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  /** A pre-auth order at the front returning to the merchant's receiver, paid with the challenge card. */
  async function startChallenge(chain: Chain, dialect: FrontDialect, amount: number): Promise<Started> {
    if (dialect === 'pinelabs') {
      const created = await chain.pine.createOrder(amount, { extra: { callback_url: chain.receiver.url('/pine/back') } });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const orderId: string = created.body.data.order_id;
      const paid = await chain.pine.pay(orderId, amount, CARDS.threeDs, uniqueRef('pay'));
      assert.equal(paid.status, 200, JSON.stringify(paid.body));
      assert.equal(paid.body.data.status, 'PENDING');
      return { dialect, orderId, merchantOrderId: created.body.data.merchant_order_reference, challengeUrl: paid.body.data.challenge_url };
    }
    const merchantOrderId = newOrderId('ch');
    const created = await chain.juspay.createOrder(merchantOrderId, (amount / 100).toFixed(2), {
      extra: { return_url: chain.receiver.url('/juspay/back') },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const txn = await chain.juspay.txn(merchantOrderId, CARDS.threeDs);
    assert.equal(txn.status, 200, JSON.stringify(txn.body));
    assert.equal(txn.body.status, 'PENDING_VBV');
    return { dialect, orderId: created.body.id, merchantOrderId, challengeUrl: txn.body.payment.authentication.url };
  }

  async function frontPayments(orderId: string): Promise<FrontPayment[]> {
    return front.db.query<FrontPayment>(
      'select id, connector, connector_reference, status, error_code from payments where order_id = $1 order by seq',
      [orderId],
    );
  }

  /** The one attempt of the order, sent to the chain's upstream account with an upstream order named. */
  async function onlyPayment(chain: Chain, orderId: string): Promise<FrontPayment & { connector_reference: string }> {
    const payments = await frontPayments(orderId);
    assert.equal(payments.length, 1, JSON.stringify(payments));
    const payment = payments[0]!;
    assert.equal(payment.connector, chain.accountId);
    assert.ok(payment.connector_reference, 'the upstream order is known');
    return { ...payment, connector_reference: payment.connector_reference };
  }

  /** The order's status as the front merchant's API shows it, in the order's dialect. */
  async function frontStatus(chain: Chain, started: Started): Promise<string> {
    if (started.dialect === 'pinelabs') {
      const read = await chain.pine.getOrder(started.orderId);
      assert.equal(read.status, 200, JSON.stringify(read.body));
      return read.body.data.status;
    }
    const read = await chain.juspay.status(started.merchantOrderId);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    return read.body.status;
  }

  /** The upstream order as the upstream's own API shows it to the account's merchant: status, and (Pine Labs) its payment's error code. */
  async function upstreamOrder(chain: Chain, upstreamOrderId: string): Promise<{ status: string; errorCode: string | undefined }> {
    const { server, merchant } = chain.upstream;
    if (chain.kind === 'pinelabs-online') {
      const read = await (await PineLabsClient.login(server.baseUrl, merchant)).getOrder(upstreamOrderId);
      assert.equal(read.status, 200, JSON.stringify(read.body));
      return { status: read.body.data.status, errorCode: read.body.data.payments?.[0]?.error_detail?.code };
    }
    const read = await new JuspayHttp(server.baseUrl, merchant.api_key).status(upstreamOrderId);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    return { status: read.body.status, errorCode: undefined };
  }

  /** The main frame's navigations of `page` from now on, in order. */
  function navigationsOf(page: Page): Array<{ method: string; url: string }> {
    const seen: Array<{ method: string; url: string }> = [];
    page.on('request', (request: Request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame())
        seen.push({ method: request.method(), url: request.url() });
    });
    return seen;
  }

  /** Opens the front's challenge link; asserts it lands on the upstream's challenge page. */
  async function openChallenge(page: Page, chain: Chain, started: Started): Promise<void> {
    const opened = await page.goto(started.challengeUrl);
    assert.ok(started.challengeUrl.startsWith(`${front.baseUrl}/`), `the front's own link: ${started.challengeUrl}`);
    assert.equal(new URL(page.url()).origin, chain.upstream.server.baseUrl, "the upstream's page");
    assert.equal(opened?.status(), 200);
    assert.equal(await page.textContent('h1'), 'Verify your payment');
    assert.match((await page.textContent('.lead')) ?? '', /ending in 3220/);
  }

  /** Types the OTP on the upstream's page and waits until the browser is at the merchant; what arrived there. */
  async function typeOtpAndReturn(page: Page, chain: Chain, otp: string): Promise<ReceivedReturn> {
    const before = chain.receiver.received.length;
    await page.fill('#otp', otp);
    await Promise.all([page.waitForURL((url) => url.origin === chain.receiver.origin), page.click('button[type="submit"] >> text=Verify')]);
    assert.equal(chain.receiver.received.length, before + 1, 'one return reached the merchant');
    return chain.receiver.received.at(-1)!;
  }

  for (const kind of ['pinelabs-online', 'juspay'] as const) {
    for (const dialect of ['pinelabs', 'juspay'] as const) {
      it(`${kind} upstream, ${dialect} merchant: the right OTP at the upstream's page → the merchant gets a signed authorized return; both orders agree`, async () => {
        const chain = chainOf(kind);
        const started = await startChallenge(chain, dialect, 24_950);
        const waiting = await onlyPayment(chain, started.orderId);
        assert.equal(waiting.status, 'PENDING');
        assert.equal((await upstreamOrder(chain, waiting.connector_reference)).status, kind === 'juspay' ? 'PENDING_VBV' : 'PENDING');

        const page = await newPage();
        const navigations = navigationsOf(page);
        await openChallenge(page, chain, started);
        if (dialect === 'pinelabs') await browser.screenshot(page, `chain-${kind}-upstream-challenge`);
        const back = await typeOtpAndReturn(page, chain, RIGHT_OTP);

        // Through the front's return route for this account and payment, by the upstream's transport.
        const returnUrl = `${front.baseUrl}/upstream/${chain.accountId}/return/${waiting.id}`;
        const atFront = navigations.filter((n) => n.url.split('?')[0] === returnUrl);
        assert.deepEqual(
          atFront.map((n) => n.method),
          [kind === 'juspay' ? 'GET' : 'POST'],
          JSON.stringify(navigations),
        );

        assert.equal(back.signatureValid, true, 'the merchant verifies the return');
        if (dialect === 'pinelabs') {
          assert.equal(back.method, 'POST');
          assert.deepEqual([back.fields.order_id, back.fields.status], [started.orderId, 'AUTHORIZED']);
        } else {
          assert.equal(back.method, 'GET');
          assert.deepEqual(
            [back.fields.order_id, back.fields.status, back.fields.status_id],
            [started.merchantOrderId, 'AUTHORIZED', '25'],
          );
        }
        assert.match((await page.textContent('#verdict')) ?? '', /Signature valid/);
        if (dialect === 'pinelabs') await browser.screenshot(page, `chain-${kind}-merchant-return`);

        const done = await onlyPayment(chain, started.orderId);
        assert.deepEqual([done.status, done.connector_reference], ['AUTHORIZED', waiting.connector_reference]);
        assert.equal(await frontStatus(chain, started), 'AUTHORIZED');
        assert.equal((await upstreamOrder(chain, done.connector_reference)).status, 'AUTHORIZED');
        await page.context().close();
      });
    }

    it(`${kind} upstream: a wrong OTP → a signed failed return to the merchant; the authentication failed on both sides`, async () => {
      const chain = chainOf(kind);
      // The other dialect than the upstream's: the failure crosses a POSTed and a GET return.
      const dialect: FrontDialect = kind === 'juspay' ? 'pinelabs' : 'juspay';
      const started = await startChallenge(chain, dialect, 5_000);
      const page = await newPage();
      await openChallenge(page, chain, started);
      const back = await typeOtpAndReturn(page, chain, WRONG_OTP);
      assert.equal(back.signatureValid, true, 'the merchant verifies the return');
      if (dialect === 'pinelabs') {
        assert.deepEqual(
          [back.fields.order_id, back.fields.status, back.fields.error_code],
          [started.orderId, 'ATTEMPTED', 'USER_AUTHENTICATION_FAILED'],
        );
      } else {
        assert.deepEqual(
          [back.fields.order_id, back.fields.status, back.fields.status_id],
          [started.merchantOrderId, 'AUTHENTICATION_FAILED', '26'],
        );
      }
      await browser.screenshot(page, `chain-${kind}-merchant-return-failed`);

      const payment = await onlyPayment(chain, started.orderId);
      assert.deepEqual([payment.status, payment.error_code], ['FAILED', 'USER_AUTHENTICATION_FAILED']);
      assert.equal(await frontStatus(chain, started), dialect === 'pinelabs' ? 'ATTEMPTED' : 'AUTHENTICATION_FAILED');
      const upstream = await upstreamOrder(chain, payment.connector_reference);
      if (kind === 'juspay') assert.equal(upstream.status, 'AUTHENTICATION_FAILED');
      else assert.deepEqual([upstream.status, upstream.errorCode], ['ATTEMPTED', 'USER_AUTHENTICATION_FAILED']);
      await page.context().close();
    });

    it(`${kind} upstream: a return changed on its way to the front gets the 400 page and changes nothing; the genuine one then settles`, async () => {
      const chain = chainOf(kind);
      const dialect: FrontDialect = kind === 'juspay' ? 'juspay' : 'pinelabs';
      const started = await startChallenge(chain, dialect, 7_700);
      const waiting = await onlyPayment(chain, started.orderId);
      const page = await newPage();
      await openChallenge(page, chain, started);

      // The upstream's answer to the OTP carries the browser back to the front: a 303 (Juspay) or a
      // self-submitting form (Pine Labs). Its status is changed before the browser follows it.
      let genuine: MerchantReturn | undefined;
      await page.route(`${chain.upstream.server.baseUrl}/**`, async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        const response = await route.fetch({ maxRedirects: 0 });
        const answer = { status: response.status(), location: response.headers().location ?? null, html: await response.text() };
        genuine = returnOf(answer);
        if (answer.location) {
          const changed = new URL(answer.location);
          changed.searchParams.set('status', 'CHARGED');
          return route.fulfill({ response, headers: { ...response.headers(), location: changed.href } });
        }
        const body = answer.html.replace('name="status" value="AUTHORIZED"', 'name="status" value="PROCESSED"');
        assert.notEqual(body, answer.html, 'the status field was changed');
        return route.fulfill({ response, body });
      });
      const refused = page.waitForResponse((r) => r.url().startsWith(`${front.baseUrl}/upstream/`));
      await page.fill('#otp', RIGHT_OTP);
      await page.click('button[type="submit"] >> text=Verify');
      const answer = await refused;
      assert.equal(answer.status(), 400);
      await page.waitForLoadState();
      assert.equal(await page.textContent('h1'), 'This return could not be verified');
      assert.equal(chain.receiver.received.filter((r) => r.fields.order_id === started.orderId).length, 0, 'nothing reached the merchant');
      await browser.screenshot(page, `chain-${kind}-tampered-return`);

      // Nothing changed at the front, though the upstream authorized.
      assert.deepEqual(await frontPayments(started.orderId), [waiting]);
      assert.equal(await frontStatus(chain, started), dialect === 'juspay' ? 'PENDING_VBV' : 'PENDING');
      assert.equal((await upstreamOrder(chain, waiting.connector_reference)).status, 'AUTHORIZED');

      // Sent straight to the front: a changed signature, the genuine fields on another payment's
      // path, and a payment id that does not exist are all refused alike.
      assert.ok(genuine);
      const { url, fields, method } = genuine;
      assert.equal(url.href.split('?')[0], `${front.baseUrl}/upstream/${chain.accountId}/return/${waiting.id}`);
      const send = (target: string, sent: Record<string, string>) =>
        method === 'POST'
          ? fetch(target, { method: 'POST', body: new URLSearchParams(sent), redirect: 'manual' })
          : fetch(`${target}?${new URLSearchParams(sent).toString()}`, { redirect: 'manual' });
      const flipped = fields.signature!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
      const other = await startChallenge(chain, 'juspay', 1_200);
      const otherPayment = await onlyPayment(chain, other.orderId);
      const returnPath = (paymentId: string) => `${front.baseUrl}/upstream/${chain.accountId}/return/${paymentId}`;
      for (const [why, target, sent] of [
        ['a changed signature', returnPath(waiting.id), { ...fields, signature: flipped }],
        ['no signature', returnPath(waiting.id), Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'signature'))],
        ["another payment's path", returnPath(otherPayment.id), fields],
        ['no such payment', returnPath(`${waiting.id}x`), fields],
      ] as const) {
        const response = await send(target, sent);
        assert.equal(response.status, 400, why);
        assert.match(await response.text(), /This return could not be verified/, why);
      }
      assert.deepEqual(await frontPayments(started.orderId), [waiting]);
      assert.deepEqual(await frontPayments(other.orderId), [otherPayment]);

      // The genuine return settles it, and the merchant verifies where it is sent.
      const settled = returnOf(await answerOf(await send(url.href.split('?')[0]!, fields)));
      assert.equal(settled.url.origin, chain.receiver.origin);
      assert.equal(settled.fields.status, 'AUTHORIZED');
      assert.ok(
        dialect === 'juspay'
          ? juspaySignatureValid(settled.url, chain.merchant.juspay_response_key)
          : pineLabsSignatureValid(settled.fields, chain.merchant.pinelabs_redirect_secret),
        'the merchant verifies it',
      );
      assert.equal((await onlyPayment(chain, started.orderId)).status, 'AUTHORIZED');
      await page.context().close();
    });
  }

  it("the front's hosted checkout page: the challenge card goes on to the upstream's page, and the OTP back to the merchant", async () => {
    for (const kind of ['pinelabs-online', 'juspay'] as const) {
      const chain = chainOf(kind);
      const merchantOrderId = newOrderId('co');
      const created = await chain.juspay.createOrder(merchantOrderId, '310.00', {
        extra: { return_url: chain.receiver.url('/juspay/back') },
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const page = await newPage();
      await page.goto(created.body.payment_links.web);
      await page.fill('#card_number', CARDS.threeDs);
      await page.fill('#expiry', `12/${String((new Date().getFullYear() + 4) % 100).padStart(2, '0')}`);
      await page.fill('#cvv', '123');
      await page.fill('#name', 'Asha Verma');
      await Promise.all([page.waitForURL((url) => url.origin === chain.upstream.server.baseUrl), page.click('[data-pay-button]')]);
      assert.equal(await page.textContent('h1'), 'Verify your payment');
      const back = await typeOtpAndReturn(page, chain, RIGHT_OTP);
      assert.equal(back.signatureValid, true);
      assert.deepEqual([back.fields.order_id, back.fields.status], [merchantOrderId, 'AUTHORIZED']);
      const payment = await onlyPayment(chain, created.body.id);
      assert.equal(payment.status, 'AUTHORIZED');
      assert.equal((await upstreamOrder(chain, payment.connector_reference)).status, 'AUTHORIZED');
      await page.context().close();
    }
  });

  it('ran with no Content-Security-Policy violation and no script error', () => {
    assert.deepEqual(cspViolations, []);
    assert.deepEqual(pageErrors, []);
  });
});

async function answerOf(response: Response): Promise<{ status: number; location: string | null; html: string }> {
  return { status: response.status, location: response.headers.get('location'), html: await response.text() };
}
