/**
 * Pine Labs native OTP (`/api/pay/v1/otp/generate`, `/submit`, `/resend`): a merchant finishes a
 * 3-D Secure challenge through the API with the same outcome, ledger and webhooks as the hosted
 * challenge page; a wrong OTP or a closed window fails it; nothing else changes anything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants, orderLedger, snapshot } from '../helpers/ledger-check.js';
import { call, PineLabsClient, VISA_OK, type Reply } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { submitOtp } from '../juspay/helpers/juspay-http.js';

const CHALLENGE_CARD = '4000000000003220';
const MINUTE = 60_000;
const OPEN = { next: ['SUBMIT_OTP', 'RESEND_OTP'], meta_data: { resend_after: '180' } };
const NOTHING_HELD = { authorized: 0, captured: 0, reversed: 0, refunded: 0, held: 0, merchant: 0 };

describe('Pine Labs native OTP', () => {
  let server: TestServer;
  let client: PineLabsClient;
  let other: PineLabsClient;
  before(async () => {
    server = await startTestServer();
    // A webhook URL makes every change write its webhook rows, so the two paths can be compared.
    const merchant = await server.newMerchant('Native OTP merchant', { webhookUrl: 'https://merchant.example/hooks' });
    client = await PineLabsClient.login(server.baseUrl, merchant);
    other = await PineLabsClient.login(server.baseUrl, await server.newMerchant('Other merchant'));
  });
  after(() => server.close());

  /** An order paid with the 3-D Secure card: PENDING, with its payment id and challenge_url. */
  async function challenged(amount = 4000, preAuth = true): Promise<{ orderId: string; paymentId: string; challengeUrl: string }> {
    const created = await client.createOrder(amount, { preAuth });
    const orderId = created.body.data.order_id as string;
    const paid = await client.pay(orderId, amount, CHALLENGE_CARD);
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.data.status, 'PENDING');
    return { orderId, paymentId: paid.body.data.payments[0].id as string, challengeUrl: paid.body.data.challenge_url as string };
  }
  const otp = (path: 'generate' | 'submit' | 'resend', body: unknown, as: PineLabsClient = client): Promise<Reply> =>
    as.request('POST', `/api/pay/v1/otp/${path}`, body);
  const eventsOf = async (orderId: string) =>
    (
      await server.db.query<{ event_type: string }>('select event_type from webhook_events where order_id = $1 order by created_at, id', [
        orderId,
      ])
    ).map((r) => r.event_type);

  function assertOtpError(reply: Reply, status: number, code: string, label: string) {
    assert.equal(reply.status, status, `${label}: ${JSON.stringify(reply.body)}`);
    assert.equal(reply.body.code, code, label);
    assert.equal(typeof reply.body.message, 'string', label);
    assert.deepEqual(reply.body.next, [], `${label}: no OTP step is left`);
    assert.deepEqual(reply.body.meta_data, {}, label);
  }

  it('generate, resend, then submit 123456: AUTHORIZED with the hold, capturable; the challenge is used up', async () => {
    const { orderId, paymentId, challengeUrl } = await challenged(4000);
    const generated = await otp('generate', { payment_id: paymentId });
    assert.equal(generated.status, 200, JSON.stringify(generated.body));
    assert.deepEqual(generated.body, OPEN);
    const resent = await otp('resend', { payment_id: paymentId });
    assert.deepEqual([resent.status, resent.body], [200, { status: 'SUCCESS', ...OPEN }]);
    assert.equal((await client.getOrder(orderId)).body.data.status, 'PENDING', 'generate and resend change nothing');

    const submitted = await otp('submit', { payment_id: paymentId, otp: '123456' });
    assert.deepEqual([submitted.status, submitted.body], [200, { status: 'SUCCESS' }]);
    const order = (await client.getOrder(orderId)).body.data;
    assert.equal(order.status, 'AUTHORIZED');
    assert.equal(order.payments[0].status, 'AUTHORIZED');
    assert.deepEqual(await orderLedger(server.db, orderId), { ...NOTHING_HELD, authorized: 4000, held: 4000 });

    // The challenge is answered: neither the API nor the page takes another OTP.
    assertOtpError(await otp('submit', { payment_id: paymentId, otp: '123456' }), 422, 'OPERATION_NOT_ALLOWED', 'second submit');
    assertOtpError(await otp('generate', { payment_id: paymentId }), 422, 'OPERATION_NOT_ALLOWED', 'generate after');
    assert.equal((await fetch(challengeUrl)).status, 404);

    const captured = await client.capture(orderId, { merchant_capture_reference: 'otp-cap' });
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    assert.equal(captured.body.data.status, 'PROCESSED');
    await assertLedgerInvariants(server.db);
  });

  it('the API and the challenge page reach the same outcome and the same webhooks, for right and wrong OTPs, pre-auth and sale', async () => {
    for (const [otpValue, preAuth] of [
      ['123456', true],
      ['123456', false],
      ['654321', true],
    ] as const) {
      const viaPage = await challenged(2500, preAuth);
      const viaApi = await challenged(2500, preAuth);
      // No callback_url: the page shows the outcome itself (200).
      assert.equal((await submitOtp(viaPage.challengeUrl, otpValue)).status, 200);
      await otp('submit', { payment_id: viaApi.paymentId, otp: otpValue });
      const a = (await client.getOrder(viaPage.orderId)).body.data;
      const b = (await client.getOrder(viaApi.orderId)).body.data;
      const label = `otp ${otpValue}, pre_auth ${preAuth}`;
      assert.equal(b.status, a.status, label);
      assert.equal(b.payments[0].status, a.payments[0].status, label);
      assert.deepEqual(b.payments[0].error_detail, a.payments[0].error_detail, label);
      assert.deepEqual(await orderLedger(server.db, viaApi.orderId), await orderLedger(server.db, viaPage.orderId), label);
      assert.deepEqual(await eventsOf(viaApi.orderId), await eventsOf(viaPage.orderId), label);
      assert.ok((await eventsOf(viaApi.orderId)).length > 0, `${label}: webhooks were written`);
    }
  });

  it('a wrong OTP fails the authentication at once, as on the challenge page: no retry, the order is ATTEMPTED and can be paid again', async () => {
    const { orderId, paymentId, challengeUrl } = await challenged(3000);
    const wrong = await otp('submit', { payment_id: paymentId, otp: '000000' });
    assertOtpError(wrong, 422, 'USER_AUTHENTICATION_FAILED', 'wrong OTP');
    const order = (await client.getOrder(orderId)).body.data;
    assert.equal(order.status, 'ATTEMPTED');
    assert.equal(order.payments[0].status, 'FAILED');
    assert.equal(order.payments[0].error_detail.code, 'USER_AUTHENTICATION_FAILED');
    assert.deepEqual(await orderLedger(server.db, orderId), NOTHING_HELD);

    assertOtpError(await otp('submit', { payment_id: paymentId, otp: '123456' }), 422, 'OPERATION_NOT_ALLOWED', 'the right OTP after');
    assertOtpError(await otp('resend', { payment_id: paymentId }), 422, 'OPERATION_NOT_ALLOWED', 'resend after');
    assert.equal((await fetch(challengeUrl)).status, 404);
    assert.equal((await client.getOrder(orderId)).body.data.status, 'ATTEMPTED');

    // A new payment on the ATTEMPTED order starts a new challenge the API can finish.
    const again = await client.pay(orderId, 3000, CHALLENGE_CARD);
    const second = again.body.data.payments.find((p: any) => p.status === 'PENDING');
    assert.deepEqual((await otp('submit', { payment_id: second.id, otp: '123456' })).body, { status: 'SUCCESS' });
    assert.equal((await client.getOrder(orderId)).body.data.status, 'AUTHORIZED');
  });

  it('after the challenge window (HOLDFAST_CHALLENGE_TTL) even the right OTP fails; generate records the failure the expiry job would', async () => {
    const late = await challenged(2000);
    server.clock.advance(10 * MINUTE);
    const submitted = await otp('submit', { payment_id: late.paymentId, otp: '123456' });
    assertOtpError(submitted, 422, 'USER_AUTHENTICATION_FAILED', 'late submit');
    assert.match(submitted.body.message, /expired/);
    const order = (await client.getOrder(late.orderId)).body.data;
    assert.equal(order.status, 'ATTEMPTED');
    assert.equal(order.payments[0].error_detail.code, 'USER_AUTHENTICATION_FAILED');
    assert.deepEqual(await orderLedger(server.db, late.orderId), NOTHING_HELD);

    const unanswered = await challenged(2000);
    server.clock.advance(10 * MINUTE - 1000);
    assert.deepEqual((await otp('generate', { payment_id: unanswered.paymentId })).body, OPEN, 'still open a second before');
    server.clock.advance(1000);
    const generated = await otp('generate', { payment_id: unanswered.paymentId });
    assertOtpError(generated, 422, 'USER_AUTHENTICATION_FAILED', 'generate after the window');
    assert.equal((await client.getOrder(unanswered.orderId)).body.data.status, 'ATTEMPTED');
    assert.deepEqual(await eventsOf(unanswered.orderId), await eventsOf(late.orderId), 'the same webhooks as a late OTP');
    assertOtpError(await otp('resend', { payment_id: unanswered.paymentId }), 422, 'OPERATION_NOT_ALLOWED', 'resend after that');
    await server.runJobs();
    assert.equal((await client.getOrder(unanswered.orderId)).body.data.status, 'ATTEMPTED', 'the expiry job finds nothing left to do');
  });

  it('a payment with no open challenge (frictionless) answers OPERATION_NOT_ALLOWED to every OTP call and changes nothing', async () => {
    const created = await client.createOrder(1500);
    const orderId = created.body.data.order_id as string;
    const paid = await client.pay(orderId, 1500, VISA_OK);
    const paymentId = paid.body.data.payments[0].id as string;
    const before = await snapshot(server.db, orderId);
    for (const [path, body] of [
      ['generate', { payment_id: paymentId }],
      ['resend', { payment_id: paymentId }],
      ['submit', { payment_id: paymentId, otp: '123456' }],
    ] as const) {
      const reply = await otp(path, body);
      assertOtpError(reply, 422, 'OPERATION_NOT_ALLOWED', path);
      assert.match(reply.body.message, /not waiting for an OTP \(status AUTHORIZED\)/);
    }
    assert.deepEqual(await snapshot(server.db, orderId), before);
  });

  it("bad input answers in Pine Labs' shape and changes nothing; unknown and other merchants' payments are 404", async () => {
    const { orderId, paymentId } = await challenged(1000);
    const before = await snapshot(server.db, orderId);
    const cases: [string, 'generate' | 'submit' | 'resend', unknown, string][] = [
      ['no payment_id', 'generate', {}, 'payment_id'],
      ['empty payment_id', 'resend', { payment_id: '' }, 'payment_id'],
      ['payment_id a number', 'generate', { payment_id: 12 }, 'payment_id'],
      ['payment_id too long', 'generate', { payment_id: 'p'.repeat(101) }, 'payment_id'],
      ['no otp', 'submit', { payment_id: paymentId }, 'otp'],
      ['otp with letters', 'submit', { payment_id: paymentId, otp: '12a456' }, 'otp'],
      ['otp too short', 'submit', { payment_id: paymentId, otp: '123' }, 'otp'],
      ['otp too long', 'submit', { payment_id: paymentId, otp: '123456789' }, 'otp'],
      ['otp a number', 'submit', { payment_id: paymentId, otp: 123456 }, 'otp'],
      ['a list', 'submit', [paymentId, '123456'], 'body'],
    ];
    for (const [label, path, body, field] of cases) {
      const reply = await otp(path, body);
      assert.equal(reply.status, 400, `${label}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.code, 'INVALID_REQUEST', label);
      assert.equal(reply.body.additional_error_details?.field, field, label);
    }
    const malformed = await call(server.baseUrl, 'POST', '/api/pay/v1/otp/submit', {
      token: client.token,
      rawBody: `{"payment_id":"${paymentId}","otp":`,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.code, 'INVALID_REQUEST');
    const nul = await call(server.baseUrl, 'POST', '/api/pay/v1/otp/generate', {
      token: client.token,
      rawBody: JSON.stringify({ payment_id: `${paymentId}\u0000` }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(nul.status, 400);

    for (const path of ['generate', 'resend', 'submit'] as const) {
      const unauthenticated = await call(server.baseUrl, 'POST', `/api/pay/v1/otp/${path}`, {
        body: { payment_id: paymentId, otp: '123456' },
      });
      assert.equal(unauthenticated.status, 401, path);
      assert.equal(unauthenticated.body.code, 'UNAUTHORIZED');
      for (const [label, as, id] of [
        ['unknown payment', client, `${orderId}-cc-zzz`],
        ["another merchant's payment", other, paymentId],
      ] as const) {
        const reply = await otp(path, { payment_id: id, otp: '123456' }, as);
        assert.equal(reply.status, 404, `${path}, ${label}: ${JSON.stringify(reply.body)}`);
        assert.deepEqual(reply.body, { code: 'NOT_FOUND', message: 'No payment with specified payment_id exists in the system' });
      }
    }
    assert.deepEqual(await snapshot(server.db, orderId), before, 'nothing changed');
    assert.deepEqual((await otp('submit', { payment_id: paymentId, otp: '123456' })).body, { status: 'SUCCESS' }, 'the owner still can');
  });

  it('OTP answers racing each other (API twice with the right OTP, API with a wrong one, the challenge page): one outcome, one ledger movement, every answer agrees', async () => {
    for (let round = 0; round < 4; round++) {
      const { orderId, paymentId, challengeUrl } = await challenged(5000);
      const [right1, right2, wrong, page] = await Promise.all([
        otp('submit', { payment_id: paymentId, otp: '123456' }),
        otp('submit', { payment_id: paymentId, otp: '123456' }),
        otp('submit', { payment_id: paymentId, otp: '111111' }),
        submitOtp(challengeUrl, '123456'),
      ]);
      const order = (await client.getOrder(orderId)).body.data;
      assert.ok(['AUTHORIZED', 'ATTEMPTED'].includes(order.status), order.status);
      const outcome = order.status === 'AUTHORIZED' ? 'SUCCESS' : 'USER_AUTHENTICATION_FAILED';
      for (const reply of [right1, right2, wrong]) {
        // Each answer is the recorded outcome, or "not waiting" for one that came after it.
        const said = reply.status === 200 ? reply.body.status : reply.body.code;
        assert.ok([outcome, 'OPERATION_NOT_ALLOWED'].includes(said), `round ${round}: ${said} vs ${outcome}`);
      }
      assert.ok([200, 404].includes(page.status), `round ${round}: page ${page.status}`);
      const entries = await server.db.query<{ n: number }>(
        "select count(*)::int as n from journal_entries where order_id = $1 and kind = 'AUTHORIZE'",
        [orderId],
      );
      assert.equal(entries[0]!.n, outcome === 'SUCCESS' ? 1 : 0, `round ${round}: one authorization at most`);
      const events = await eventsOf(orderId);
      assert.ok(events.filter((e) => e === 'ORDER_AUTHORIZED').length <= 1, `round ${round}: ${events.join(',')}`);
      assert.ok(!(events.includes('ORDER_AUTHORIZED') && events.includes('PAYMENT_FAILED')), `round ${round}: one outcome in the webhooks`);
    }
    await assertLedgerInvariants(server.db);
  });
});
