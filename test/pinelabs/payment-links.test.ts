/**
 * Pine Labs payment links (reference §1 #11–15, §8, §10; docs/payment-links.md): create, read,
 * cancel, notify; the link's page; expiry by a job at expire_by (the test clock); a paid, expired
 * or cancelled link can't be paid again, through its page or through the API on its order, and a
 * payment racing the link's end either wins or is refused with nothing sent to the gateway.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { PineLabsClient, uniqueRef, VISA_OK } from '../helpers/pinelabs-client.js';
import { answerOf, payOnHostedPage } from '../helpers/hosted-form.js';
import { returnOf } from '../helpers/merchant-return.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { submitOtp } from '../juspay/helpers/juspay-http.js';
import { assertPineLabsError } from './helpers/bad-input.js';

const HOUR = 3_600_000;
const CHALLENGE_CARD = '4000000000003220';
const XSS = '<script>alert("x")</script>&\'';

const submitCard = (pageUrl: string, card: string) => payOnHostedPage(pageUrl, card, 'Link Payer');

describe('Pine Labs payment links', () => {
  let server: TestServer;
  let client: PineLabsClient;
  let other: PineLabsClient;
  let login: () => Promise<void>;
  before(async () => {
    server = await startTestServer();
    const [mine, theirs] = [await server.newMerchant('Link shop'), await server.newMerchant('Another shop')];
    login = async () => {
      client = await PineLabsClient.login(server.baseUrl, mine);
      other = await PineLabsClient.login(server.baseUrl, theirs);
    };
    await login();
  });
  /** Moves the test clock on; access tokens last an hour, so the merchants sign in again. */
  const advance = async (ms: number) => {
    server.clock.advance(ms);
    await login();
  };
  after(() => server.close());

  const createLink = (extra: Record<string, unknown> = {}, headers?: Record<string, string>, as = client) =>
    as.request(
      'POST',
      '/api/pay/v1/paymentlink',
      { amount: { value: 25000, currency: 'INR' }, merchant_payment_link_reference: uniqueRef('pl'), pre_auth: 'true', ...extra },
      headers,
    );
  const link = async (extra: Record<string, unknown> = {}) => {
    const reply = await createLink(extra);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return reply.body;
  };
  const getLink = (id: string, as = client) => as.request('GET', `/api/pay/v1/paymentlink/${id}`);
  const cancelLink = (id: string, as = client) => as.request('PUT', `/api/pay/v1/paymentlink/${id}/cancel`);
  const notifyLink = (id: string, as = client) => as.request('PATCH', `/api/pay/v1/paymentlink/${id}/notify`);
  const statusOf = async (id: string) => (await getLink(id)).body.status as string;
  const paymentsOf = async (orderId: string) =>
    Number((await server.db.query<{ n: number }>('select count(*)::int as n from payments where order_id = $1', [orderId]))[0]?.n);
  const linkCount = async () => Number((await server.db.query<{ n: number }>('select count(*)::int as n from payment_links'))[0]?.n);
  const jobsOf = (id: string) => server.db.query('select kind from jobs where job_key = $1', [`payment-link-expiry:${id}`]);
  const paymentPage = (orderId: string) => `${server.baseUrl}/merchant/pay/${orderId}`;

  it('create answers a PaymentLink: its page, id, CREATED, amounts, order, a 24 h default expiry, the messages it would have sent', async () => {
    const now = server.clock.now();
    const reference = uniqueRef('create');
    const body = await link({
      merchant_payment_link_reference: reference,
      description: XSS,
      customer: { first_name: XSS, last_name: 'Doe', email_id: 'jane@example.com', mobile_number: '9876543210', country_code: '91' },
      callback_url: 'https://merchant.example/paid',
      product_details: [{ product_code: 'sku-1', product_amount: { value: 25000, currency: 'INR' } }],
    });
    assert.match(body.payment_link_id, /^pl-v1-\d{12}-aa-[A-Za-z0-9]{6}$/);
    assert.equal(body.payment_link, `${server.baseUrl}/pay/link/${body.payment_link_id}`);
    assert.equal(body.status, 'CREATED');
    assert.deepEqual(body.amount, { value: 25000, currency: 'INR' });
    assert.deepEqual(body.amount_due, { value: 25000, currency: 'INR' });
    assert.equal(body.merchant_payment_link_reference, reference);
    assert.equal(body.pre_auth, true);
    assert.equal(body.expire_by, new Date(now.getTime() + 24 * HOUR).toISOString());
    assert.equal(body.description, XSS, 'stored and returned as given');
    assert.equal(body.customer.first_name, XSS);
    assert.equal(body.callback_url, 'https://merchant.example/paid');
    assert.deepEqual(
      body.notifications.map((n: any) => [n.channel, n.recipient]),
      [
        ['EMAIL', 'jane@example.com'],
        ['SMS', '9876543210'],
      ],
    );
    assert.ok(body.notifications[0].message.includes(body.payment_link), 'the message carries the link');
    for (const field of ['order_id', 'created_at', 'updated_at']) assert.equal(typeof body[field], 'string', field);

    const order = await client.getOrder(body.order_id);
    assert.equal(order.body.data.status, 'CREATED');
    assert.equal(order.body.data.pre_auth, true);
    assert.equal(order.body.data.order_amount.value, 25000);
    assert.deepEqual((await getLink(body.payment_link_id)).body, body);
    const byRef = await client.request('GET', `/api/pay/v1/paymentlink/ref/${reference}`);
    assert.deepEqual(byRef.body, body);
  });

  it('the reference is the idempotency key: the same request answers the same link ("true" and true alike), another is DUPLICATE_REQUEST', async () => {
    const reference = uniqueRef('idem');
    const first = await link({ merchant_payment_link_reference: reference });
    const count = await linkCount();
    const again = await createLink({ merchant_payment_link_reference: reference, pre_auth: true });
    assert.equal(again.status, 200);
    assert.equal(again.body.payment_link_id, first.payment_link_id);
    const changed = await createLink({ merchant_payment_link_reference: reference, amount: { value: 100, currency: 'INR' } });
    assertPineLabsError(changed, 'changed amount', { status: 422, code: 'DUPLICATE_REQUEST' });
    assert.equal(await linkCount(), count);

    const requestId = `rid-${uniqueRef('r')}`;
    const body = { amount: { value: 500, currency: 'INR' }, merchant_payment_link_reference: uniqueRef('rid') };
    const a = await client.request('POST', '/api/pay/v1/paymentlink', body, { 'Request-ID': requestId });
    const b = await client.request('POST', '/api/pay/v1/paymentlink', body, { 'Request-ID': requestId });
    assert.deepEqual(b.body, a.body);
    const c = await client.request(
      'POST',
      '/api/pay/v1/paymentlink',
      { ...body, merchant_payment_link_reference: uniqueRef('rid2') },
      { 'Request-ID': requestId },
    );
    assertPineLabsError(c, 'reused Request-ID', { status: 422, code: 'DUPLICATE_REQUEST' });
  });

  it('the page marks CLICKED and leads to the payment page; once paid it shows so, takes nothing more, and the order is captured', async () => {
    const created = await link({ callback_url: 'https://merchant.example/paid' });
    const id = created.payment_link_id;
    const opened = await fetch(created.payment_link, { redirect: 'manual' });
    assert.equal(opened.status, 303);
    assert.equal(opened.headers.get('location'), paymentPage(created.order_id));
    assert.equal(await statusOf(id), 'CLICKED');

    const paid = await submitCard(paymentPage(created.order_id), VISA_OK);
    assert.equal(returnOf(answerOf(paid)).fields.status, 'AUTHORIZED');
    const read = (await getLink(id)).body;
    assert.equal(read.status, 'PROCESSED');
    assert.deepEqual(read.amount_due, { value: 0, currency: 'INR' });

    const again = await fetch(created.payment_link, { redirect: 'manual' });
    assert.equal(again.status, 200);
    const html = await again.text();
    assert.match(html, /has been paid/);
    assert.doesNotMatch(html, /card_number/);
    assertPineLabsError(await client.pay(created.order_id, 25000), 'second payment', { status: 422, code: 'OPERATION_NOT_ALLOWED' });
    assert.equal(await paymentsOf(created.order_id), 1);
    assertPineLabsError(await cancelLink(id), 'cancel a paid link', { status: 422, code: 'OPERATION_NOT_ALLOWED' });
    assertPineLabsError(await notifyLink(id), 'notify a paid link', { status: 422, code: 'OPERATION_NOT_ALLOWED' });

    const captured = await client.capture(created.order_id, { merchant_capture_reference: uniqueRef('cap') });
    assert.equal(captured.body.data.status, 'PROCESSED');
    assert.equal(await statusOf(id), 'PROCESSED');
    assert.deepEqual(await orderLedger(server.db, created.order_id), {
      authorized: 25000,
      captured: 25000,
      reversed: 0,
      refunded: 0,
      held: 0,
      merchant: 25000,
    });
    assert.deepEqual(await jobsOf(id), [{ kind: 'payment_link.expiry' }], 'the expiry job stays, and will find the link paid');
    await advance(25 * HOUR);
    await server.runJobs();
    assert.equal(await statusOf(id), 'PROCESSED');
    assert.deepEqual(await jobsOf(id), []);
  });

  it('a declined attempt leaves the link payable', async () => {
    const created = await link({ pre_auth: 'false' });
    assert.equal((await client.pay(created.order_id, 25000, '4000000000000002')).body.data.status, 'ATTEMPTED');
    assert.equal(await statusOf(created.payment_link_id), 'PAYMENT_INITIATED');
    const opened = await fetch(created.payment_link, { redirect: 'manual' });
    assert.equal(opened.status, 303, 'still leads to the payment page');
    assert.equal((await client.pay(created.order_id, 25000)).body.data.status, 'PROCESSED');
    assert.equal(await statusOf(created.payment_link_id), 'PROCESSED');
  });

  it('cancel: CANCELLED (again: the same answer), no form on its page, no payment through the page or the API, no expiry job', async () => {
    // With a callback URL, the closed page still has a form (back to the merchant), so the card
    // post below carries a valid CSRF token and is refused for the link's state alone.
    const created = await link({ callback_url: 'https://merchant.example/back' });
    const id = created.payment_link_id;
    const cancelled = await cancelLink(id);
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.status, 'CANCELLED');
    assert.equal((await cancelLink(id)).body.status, 'CANCELLED');
    assert.deepEqual(await jobsOf(id), []);
    const page = await fetch(created.payment_link, { redirect: 'manual' });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /cancelled/);
    assertPineLabsError(await client.pay(created.order_id, 25000), 'pay a cancelled link', { status: 422, code: 'ORDER_CANCELLED' });
    const form = await submitCard(paymentPage(created.order_id), VISA_OK);
    assert.equal(form.status, 409, 'the payment page refuses it too');
    assert.match(form.body, /cancelled/);
    assert.equal(await paymentsOf(created.order_id), 0, 'nothing reached the gateway');
    assertPineLabsError(await notifyLink(id), 'notify a cancelled link', { status: 422, code: 'OPERATION_NOT_ALLOWED' });
  });

  it('expiry: the job closes the link at expire_by, not before; an expired link takes no payment and cannot be cancelled', async () => {
    const expireBy = new Date(server.clock.now().getTime() + HOUR);
    const created = await link({ expire_by: expireBy.toISOString(), callback_url: 'https://merchant.example/back' });
    const id = created.payment_link_id;
    assert.equal(created.expire_by, expireBy.toISOString());
    await advance(HOUR - 1000);
    await server.runJobs();
    assert.equal(await statusOf(id), 'CREATED');
    await advance(1000);
    await server.runJobs();
    assert.equal(await statusOf(id), 'EXPIRED');
    assert.deepEqual(await jobsOf(id), []);
    assertPineLabsError(await client.pay(created.order_id, 25000), 'pay an expired link', { status: 422, code: 'PAYMENT_EXPIRED' });
    assert.equal((await submitCard(paymentPage(created.order_id), VISA_OK)).status, 409);
    assert.equal(await paymentsOf(created.order_id), 0);
    const page = await fetch(created.payment_link, { redirect: 'manual' });
    assert.match(await page.text(), /expired/);
    assertPineLabsError(await cancelLink(id), 'cancel an expired link', { status: 422, code: 'OPERATION_NOT_ALLOWED' });
    // The order expired with its link (docs/order-expiry.md): Pine Labs' status for it is FAILED.
    assert.equal((await client.getOrder(created.order_id)).body.data.status, 'FAILED', 'the order expired with its link');
  });

  it('a 3-D Secure payment in flight at expire_by won: the job waits for it, and closes the link only if it was declined', async () => {
    for (const [otp, expected] of [
      ['123456', 'PROCESSED'],
      ['000000', 'EXPIRED'],
    ] as const) {
      const created = await link({ expire_by: new Date(server.clock.now().getTime() + 5 * 60_000).toISOString() });
      const paid = await client.pay(created.order_id, 25000, CHALLENGE_CARD);
      assert.equal(paid.body.data.status, 'PENDING');
      await advance(5 * 60_000);
      await server.runJobs();
      assert.equal(await statusOf(created.payment_link_id), 'PAYMENT_INITIATED');
      assert.equal((await jobsOf(created.payment_link_id)).length, 1, 'the job waits');
      await submitOtp(paid.body.data.challenge_url, otp);
      await advance(2 * HOUR);
      await server.runJobs();
      assert.equal(await statusOf(created.payment_link_id), expected, `OTP ${otp}`);
      assert.deepEqual(await jobsOf(created.payment_link_id), []);
    }
  });

  it('a payment racing the cancel or the expiry: exactly one wins, and a refused payment sent nothing to the gateway', async () => {
    const outcomes = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const byExpiry = i % 2 === 1;
      const created = await link({
        expire_by: new Date(server.clock.now().getTime() + HOUR).toISOString(),
        pre_auth: 'false',
      });
      const id = created.payment_link_id;
      if (byExpiry) await advance(HOUR);
      const [pay, end] = await Promise.all([
        client.pay(created.order_id, 25000),
        byExpiry ? server.runJobs().then(() => undefined) : cancelLink(id),
      ]);
      const status = await statusOf(id);
      if (pay.status === 200) {
        assert.equal(status, 'PROCESSED');
        if (end) assertPineLabsError(end, 'cancel lost', { status: 422, code: 'OPERATION_NOT_ALLOWED' });
        assert.equal(await paymentsOf(created.order_id), 1);
        outcomes.add(`${byExpiry ? 'expiry' : 'cancel'}: payment won`);
      } else {
        assert.equal(status, byExpiry ? 'EXPIRED' : 'CANCELLED');
        assertPineLabsError(pay, 'payment lost', { status: 422, code: byExpiry ? 'PAYMENT_EXPIRED' : 'ORDER_CANCELLED' });
        assert.equal(await paymentsOf(created.order_id), 0, 'the refused payment never reached the gateway');
        outcomes.add(`${byExpiry ? 'expiry' : 'cancel'}: close won`);
      }
    }
    assert.ok(outcomes.size >= 2, `both operations ran: ${[...outcomes].join('; ')}`);
    await assertLedgerInvariants(server.db);
  });

  it('notify records the message it would have sent; a link without a contact cannot be notified', async () => {
    const created = await link({ customer: { email_id: 'pay@example.com' }, description: 'Invoice 7' });
    assert.equal(created.notifications.length, 1);
    const notified = await notifyLink(created.payment_link_id);
    assert.equal(notified.status, 200, JSON.stringify(notified.body));
    assert.equal(notified.body.notifications.length, 2);
    assert.equal(notified.body.notifications[1].channel, 'EMAIL');
    assert.match(notified.body.notifications[1].message, /Link shop requests INR 250\.00 for Invoice 7/);
    assert.equal((await getLink(created.payment_link_id)).body.notifications.length, 2, 'visible on the link');
    const silent = await link();
    assert.deepEqual(silent.notifications, []);
    assertPineLabsError(await notifyLink(silent.payment_link_id), 'no contact', { status: 400, code: 'INVALID_REQUEST' });
  });

  it('bad input is a Pine Labs 400 naming the field (422 for a page with no card) and creates nothing', async () => {
    const count = await linkCount();
    const now = server.clock.now().getTime();
    const cases: Array<[string, Record<string, unknown>, number, string]> = [
      ['javascript: callback', { callback_url: 'javascript:alert(1)' }, 400, 'callback_url'],
      ['host-less callback', { callback_url: 'http://' }, 400, 'callback_url'],
      ['malformed IPv6 failure callback', { failure_callback_url: 'https://[::1' }, 400, 'failure_callback_url'],
      ['past expire_by', { expire_by: new Date(now - 1000).toISOString() }, 400, 'expire_by'],
      ['expire_by beyond 180 days', { expire_by: new Date(now + 181 * 24 * HOUR).toISOString() }, 400, 'expire_by'],
      ['expire_by not a timestamp', { expire_by: 'tomorrow' }, 400, 'expire_by'],
      ['pre_auth not a boolean', { pre_auth: 'yes' }, 400, 'pre_auth'],
      ['part payment', { part_payment: 'true' }, 400, 'part_payment'],
      ['zero amount', { amount: { value: 0, currency: 'INR' } }, 400, 'amount.value'],
      ['short mobile number', { customer: { mobile_number: '123' } }, 400, 'customer.mobile_number'],
      ['no card on the page', { allowed_payment_methods: ['UPI'] }, 422, 'allowed_payment_methods'],
    ];
    for (const [label, extra, status, field] of cases) {
      const reply = await createLink(extra);
      assertPineLabsError(reply, label, { status, code: status === 400 ? 'INVALID_REQUEST' : 'PAYMENT_METHOD_NOT_ENABLED' });
      assert.ok(reply.body.message.includes(field), `${label}: ${reply.body.message} names ${field}`);
    }
    const missing = await client.request('POST', '/api/pay/v1/paymentlink', { amount: { value: 100, currency: 'INR' } });
    assertPineLabsError(missing, 'no reference', { status: 400, code: 'INVALID_REQUEST' });
    assert.equal(await linkCount(), count);
  });

  it("another merchant's link is not found, whatever the call; an unknown link's page is 404", async () => {
    const created = await link({ merchant_payment_link_reference: uniqueRef('mine') });
    const id = created.payment_link_id;
    for (const [label, reply] of [
      ['get', await getLink(id, other)],
      ['get by ref', await other.request('GET', `/api/pay/v1/paymentlink/ref/${created.merchant_payment_link_reference}`)],
      ['cancel', await cancelLink(id, other)],
      ['notify', await notifyLink(id, other)],
    ] as const) {
      assertPineLabsError(reply, label, { status: 404, code: 'ORDER_NOT_FOUND', says: [/payment link/] });
    }
    assertPineLabsError(await other.getOrder(created.order_id), 'its order', { status: 404, code: 'ORDER_NOT_FOUND' });
    assert.equal(await statusOf(id), 'CREATED', 'unchanged');
    assert.equal((await fetch(`${server.baseUrl}/pay/link/pl-v1-000000000000-aa-nothin`)).status, 404);
  });
});
