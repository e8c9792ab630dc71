import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants, orderLedger, snapshot } from '../helpers/ledger-check.js';
import { returnOfResponse } from '../helpers/merchant-return.js';
import { PineLabsClient, uniqueRef, VISA_OK } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { openHostedPage } from '../helpers/hosted-form.js';

/**
 * Every sandbox test card (docs/test-cards.md), driven through the Pine Labs dialect over HTTP. Where the
 * Pine Labs status hides the core state (CAPTURE_PENDING, VOID_PENDING, VOID_FAILED all read
 * AUTHORIZED), the core state is read straight from the database.
 */
describe('Pine Labs sandbox test cards', () => {
  let server: TestServer;
  let client: PineLabsClient;
  before(async () => {
    server = await startTestServer();
    client = await PineLabsClient.login(server.baseUrl, await server.newMerchant());
  });
  after(() => server.close());

  const coreState = async (orderId: string): Promise<string | undefined> => {
    const rows = await server.db.query<{ state: string }>('select state from orders where id = $1', [orderId]);
    return rows[0]?.state;
  };
  const paymentRows = (orderId: string) => server.db.query('select * from payments where order_id = $1 order by created_at, id', [orderId]);
  const operationStatuses = async (table: 'captures' | 'reversals' | 'refunds', orderId: string): Promise<string[]> =>
    (await server.db.query<{ status: string }>(`select status from ${table} where order_id = $1 order by created_at, id`, [orderId])).map(
      (r) => r.status,
    );
  const newOrder = async (amount: number, options: Parameters<PineLabsClient['createOrder']>[1] = {}): Promise<string> => {
    const created = await client.createOrder(amount, options);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.data.status, 'CREATED');
    return created.body.data.order_id as string;
  };
  const captureBody = (value?: number) => ({
    merchant_capture_reference: uniqueRef('cap'),
    ...(value !== undefined ? { capture_amount: { value, currency: 'INR' } } : {}),
  });
  /** The challenge page's form as a browser sends it: opened first for its CSRF cookie and token. */
  const submitOtp = async (url: string, otp: string) => {
    const page = await openHostedPage(url);
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: page.cookie },
      body: new URLSearchParams({ _csrf: page.token, otp }).toString(),
      redirect: 'manual',
    });
  };
  /**
   * The test clock stands still; real time moves on between two payment attempts. Payments are
   * listed by (created_at, id) and ids end in random characters, so two attempts stamped with the
   * same millisecond come back in random order: let a millisecond pass between attempts.
   */
  const tick = () => {
    server.clock.advance(1);
  };
  const NOTHING_MOVED = { authorized: 0, captured: 0, reversed: 0, refunded: 0, held: 0, merchant: 0 };

  describe('approved cards: authorize, capture, refund, cancel all succeed', () => {
    const approved = [
      { number: '4111111111111111', network: 'VISA', last4: '1111' },
      { number: '5555555555554444', network: 'MASTERCARD', last4: '4444' },
      { number: '6521000000000007', network: 'RUPAY', last4: '0007' },
      { number: '378282246310005', network: 'AMEX', last4: '0005' },
    ];
    for (const card of approved) {
      it(`${card.network} ${card.number}`, async () => {
        const orderId = await newOrder(10000);
        const paid = await client.pay(orderId, 10000, card.number);
        assert.equal(paid.status, 200, JSON.stringify(paid.body));
        assert.equal(paid.body.data.status, 'AUTHORIZED');
        assert.equal(paid.body.data.challenge_url, undefined);
        const payment = paid.body.data.payments[0];
        assert.equal(payment.status, 'AUTHORIZED');
        assert.equal(payment.error_detail, undefined);
        assert.equal(payment.payment_option.card_data.network_name, card.network);
        assert.equal(payment.payment_option.card_data.last4_digit, card.last4);
        assert.equal(await coreState(orderId), 'AUTHORIZED');
        assert.deepEqual(await orderLedger(server.db, orderId), { ...NOTHING_MOVED, authorized: 10000, held: 10000 });

        // What is stored about the card: BIN, last 4, network; never the full number or the CVV.
        const [row, ...others] = await paymentRows(orderId);
        assert.equal(others.length, 0);
        assert.ok(row);
        assert.equal(row.card_bin, card.number.slice(0, 6));
        assert.equal(row.card_last4, card.last4);
        assert.equal(row.card_network, card.network);
        assert.ok(!JSON.stringify(row).includes(card.number), 'the full card number is not stored');

        const captured = await client.capture(orderId, captureBody(6000));
        assert.equal(captured.status, 200, JSON.stringify(captured.body));
        assert.equal(captured.body.data.status, 'PROCESSED');
        assert.equal(captured.body.data.payments[0].status, 'PROCESSED');
        assert.equal(await coreState(orderId), 'PARTIALLY_CAPTURED');

        const refunded = await client.refund(orderId, 2000);
        assert.equal(refunded.status, 200, JSON.stringify(refunded.body));
        assert.equal(refunded.body.data.type, 'REFUND');
        assert.equal(refunded.body.data.status, 'PROCESSED');
        assert.equal(refunded.body.data.parent_order_id, orderId);
        assert.equal((await client.getOrder(orderId)).body.data.status, 'PARTIALLY_REFUNDED');
        assert.deepEqual(await orderLedger(server.db, orderId), {
          authorized: 10000,
          captured: 6000,
          reversed: 4000,
          refunded: 2000,
          held: 0,
          merchant: 4000,
        });

        const toCancel = await newOrder(3000);
        assert.equal((await client.pay(toCancel, 3000, card.number)).body.data.status, 'AUTHORIZED');
        const cancelled = await client.cancel(toCancel);
        assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
        assert.equal(cancelled.body.data.status, 'CANCELLED');
        assert.equal(cancelled.body.data.payments[0].status, 'CANCELLED');
        assert.equal(cancelled.body.data.payments[0].payment_option.card_data.network_name, card.network);
        assert.equal(await coreState(toCancel), 'VOIDED');
        assert.deepEqual(await orderLedger(server.db, toCancel), { ...NOTHING_MOVED, authorized: 3000, reversed: 3000 });
        await assertLedgerInvariants(server.db);
      });
    }
  });

  describe('4000000000003220: 3-D Secure challenge', () => {
    it('OTP 123456 authorizes and redirects to callback_url; the link then is used up', async () => {
      const orderId = await newOrder(10000, { extra: { callback_url: 'https://merchant.example/return?cart=7' } });
      const paid = await client.pay(orderId, 10000, '4000000000003220');
      assert.equal(paid.status, 200, JSON.stringify(paid.body));
      assert.equal(paid.body.data.status, 'PENDING');
      assert.equal(paid.body.data.payments[0].status, 'PENDING');
      assert.equal(paid.body.data.payments[0].payment_option.card_data.last4_digit, '3220');
      assert.ok(paid.body.data.challenge_url.startsWith(`${server.baseUrl}/web/auth/landing/?token=`), paid.body.data.challenge_url);
      assert.equal(await coreState(orderId), 'PENDING');
      assert.deepEqual(await orderLedger(server.db, orderId), NOTHING_MOVED, 'nothing is held before authentication');
      // The challenge link is stable while the challenge is open.
      assert.equal((await client.getOrder(orderId)).body.data.challenge_url, paid.body.data.challenge_url);

      const url = paid.body.data.challenge_url;
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      const html = await page.text();
      assert.match(html, /<form[^>]*method="post"/i);
      assert.match(html, /name="otp"/);

      const back = await returnOfResponse(await submitOtp(url, '123456'));
      assert.equal(back.method, 'POST', 'Pine Labs returns as a form post');
      assert.equal(back.url.href, 'https://merchant.example/return?cart=7');
      assert.equal(back.fields.order_id, orderId);
      assert.equal(back.fields.status, 'AUTHORIZED');

      const read = await client.getOrder(orderId);
      assert.equal(read.body.data.status, 'AUTHORIZED');
      assert.equal(read.body.data.payments[0].status, 'AUTHORIZED');
      assert.equal(read.body.data.challenge_url, undefined);
      assert.equal(await coreState(orderId), 'AUTHORIZED');
      assert.deepEqual(await orderLedger(server.db, orderId), { ...NOTHING_MOVED, authorized: 10000, held: 10000 });

      const before = await snapshot(server.db, orderId);
      const reused = await submitOtp(url, '123456');
      assert.equal(reused.status, 404);
      assert.deepEqual(await snapshot(server.db, orderId), before, 'a used challenge link changes nothing');

      // "All succeed" afterwards.
      const captured = await client.capture(orderId, captureBody());
      assert.equal(captured.body.data.status, 'PROCESSED');
      const refunded = await client.refund(orderId, 10000);
      assert.equal(refunded.body.data.status, 'PROCESSED');
      assert.equal((await client.getOrder(orderId)).body.data.status, 'FULLY_REFUNDED');
      assert.deepEqual(await orderLedger(server.db, orderId), {
        authorized: 10000,
        captured: 10000,
        reversed: 0,
        refunded: 10000,
        held: 0,
        merchant: 0,
      });
      await assertLedgerInvariants(server.db);
    });

    it('without a callback_url the page answers itself; an auto-capture order is PROCESSED', async () => {
      const orderId = await newOrder(2500, { preAuth: false });
      const paid = await client.pay(orderId, 2500, '4000000000003220');
      assert.equal(paid.body.data.status, 'PENDING');
      const answered = await submitOtp(paid.body.data.challenge_url, '123456');
      assert.equal(answered.status, 200);
      assert.match(answered.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await answered.text(), /PROCESSED/);
      const read = await client.getOrder(orderId);
      assert.equal(read.body.data.status, 'PROCESSED');
      assert.equal(read.body.data.payments[0].status, 'PROCESSED');
      assert.equal(await coreState(orderId), 'CAPTURED');
      assert.deepEqual(await orderLedger(server.db, orderId), { ...NOTHING_MOVED, authorized: 2500, captured: 2500, merchant: 2500 });
      await assertLedgerInvariants(server.db);
    });

    it('a wrong OTP fails authentication: payment FAILED, order ATTEMPTED, then a retry succeeds', async () => {
      const orderId = await newOrder(4000, {
        extra: { callback_url: 'https://merchant.example/ok', failure_callback_url: 'https://merchant.example/failed' },
      });
      const paid = await client.pay(orderId, 4000, '4000000000003220');
      assert.equal(paid.body.data.status, 'PENDING');
      const url = paid.body.data.challenge_url;

      const back = await returnOfResponse(await submitOtp(url, '654321'));
      assert.equal(back.url.href, 'https://merchant.example/failed');
      assert.equal(back.fields.order_id, orderId);
      assert.equal(back.fields.status, 'ATTEMPTED');
      assert.equal(back.fields.error_code, 'USER_AUTHENTICATION_FAILED');

      const read = await client.getOrder(orderId);
      assert.equal(read.status, 200);
      assert.equal(read.body.data.status, 'ATTEMPTED');
      assert.equal(read.body.data.challenge_url, undefined);
      assert.equal(read.body.data.payments[0].status, 'FAILED');
      assert.equal(read.body.data.payments[0].error_detail.code, 'USER_AUTHENTICATION_FAILED');
      assert.equal(await coreState(orderId), 'ATTEMPTED');
      assert.deepEqual(await orderLedger(server.db, orderId), NOTHING_MOVED);

      // The failed challenge cannot be approved afterwards, not even with the right OTP.
      const before = await snapshot(server.db, orderId);
      assert.equal((await submitOtp(url, '123456')).status, 404);
      assert.deepEqual(await snapshot(server.db, orderId), before);

      tick();
      const retry = await client.pay(orderId, 4000, VISA_OK);
      assert.equal(retry.status, 200, JSON.stringify(retry.body));
      assert.equal(retry.body.data.status, 'AUTHORIZED');
      assert.equal(retry.body.data.payments.length, 2);
      assert.equal(retry.body.data.payments[1].status, 'AUTHORIZED');
      assert.deepEqual(await orderLedger(server.db, orderId), { ...NOTHING_MOVED, authorized: 4000, held: 4000 });
      await assertLedgerInvariants(server.db);
    });
  });

  describe('declined cards', () => {
    const declines = [
      { number: '4000000000000002', code: 'PAYMENT_DECLINED' },
      { number: '4000000000009995', code: 'INSUFFICIENT_FUNDS' },
      { number: '4000000000000069', code: 'CARD_EXPIRED' },
    ];
    for (const card of declines) {
      it(`${card.number} → ${card.code}; order ATTEMPTED; a good card then succeeds on the same order`, async () => {
        const orderId = await newOrder(5000);
        const declined = await client.pay(orderId, 5000, card.number);
        assert.equal(declined.status, 200, JSON.stringify(declined.body));
        assert.equal(declined.body.data.status, 'ATTEMPTED');
        assert.equal(declined.body.data.payments.length, 1);
        assert.equal(declined.body.data.payments[0].status, 'FAILED');
        assert.equal(declined.body.data.payments[0].error_detail.code, card.code);
        assert.equal(typeof declined.body.data.payments[0].error_detail.message, 'string');
        assert.equal(declined.body.data.payment_retries_remaining, 2);
        assert.equal(await coreState(orderId), 'ATTEMPTED');
        assert.deepEqual(await orderLedger(server.db, orderId), NOTHING_MOVED);

        // Nothing to capture or cancel on a declined order.
        const before = await snapshot(server.db, orderId);
        assert.equal((await client.capture(orderId, captureBody())).status, 422);
        assert.equal((await client.cancel(orderId)).status, 422);
        assert.deepEqual(await snapshot(server.db, orderId), before);

        tick();
        const retry = await client.pay(orderId, 5000, VISA_OK);
        assert.equal(retry.status, 200, JSON.stringify(retry.body));
        assert.equal(retry.body.data.status, 'AUTHORIZED');
        assert.deepEqual(
          retry.body.data.payments.map((p: any) => p.status),
          ['FAILED', 'AUTHORIZED'],
        );
        assert.equal(retry.body.data.payments[0].error_detail.code, card.code);
        assert.equal(retry.body.data.payments[1].error_detail, undefined);
        const captured = await client.capture(orderId, captureBody());
        assert.equal(captured.body.data.status, 'PROCESSED');
        assert.deepEqual(await orderLedger(server.db, orderId), { ...NOTHING_MOVED, authorized: 5000, captured: 5000, merchant: 5000 });
        await assertLedgerInvariants(server.db);
      });
    }

    it('after three failed attempts the order is FAILED and takes no more payments', async () => {
      const orderId = await newOrder(5000);
      const statuses: string[] = [];
      for (const card of declines) {
        tick();
        const reply = await client.pay(orderId, 5000, card.number);
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        statuses.push(reply.body.data.status);
      }
      assert.deepEqual(statuses, ['ATTEMPTED', 'ATTEMPTED', 'FAILED']);
      const read = await client.getOrder(orderId);
      assert.deepEqual(
        read.body.data.payments.map((p: any) => [p.status, p.error_detail.code]),
        declines.map((d) => ['FAILED', d.code]),
      );
      assert.equal(read.body.data.payment_retries_remaining, 0);
      assert.equal(await coreState(orderId), 'FAILED');

      const before = await snapshot(server.db, orderId);
      const fourth = await client.pay(orderId, 5000, VISA_OK);
      assert.equal(fourth.status, 422);
      assert.equal(fourth.body.code, 'OPERATION_NOT_ALLOWED');
      assert.deepEqual(await snapshot(server.db, orderId), before);
      assert.deepEqual(await orderLedger(server.db, orderId), NOTHING_MOVED);
      await assertLedgerInvariants(server.db);
    });
  });

  describe('cards whose later operations misbehave', () => {
    it('4000000000000077: capture answered pending → AUTHORIZED (CAPTURE_PENDING), nothing captured, no second capture or cancel', async () => {
      const orderId = await client.authorizedOrder(10000, '4000000000000077');
      const captured = await client.capture(orderId, captureBody(10000));
      assert.equal(captured.status, 200, JSON.stringify(captured.body));
      assert.equal(captured.body.data.status, 'AUTHORIZED');
      assert.equal(captured.body.data.payments[0].status, 'AUTHORIZED');
      assert.equal(captured.body.data.payments[0].error_detail, undefined);
      assert.equal(await coreState(orderId), 'CAPTURE_PENDING');
      assert.deepEqual(await operationStatuses('captures', orderId), ['GATEWAY_PENDING']);
      assert.deepEqual(await orderLedger(server.db, orderId), { ...NOTHING_MOVED, authorized: 10000, held: 10000 });

      const before = await snapshot(server.db, orderId);
      const second = await client.capture(orderId, captureBody(5000));
      assert.equal(second.status, 422);
      assert.equal(second.body.code, 'OPERATION_NOT_ALLOWED');
      const cancel = await client.cancel(orderId);
      assert.equal(cancel.status, 422);
      assert.equal(cancel.body.code, 'OPERATION_NOT_ALLOWED');
      const refund = await client.refund(orderId, 1000);
      assert.equal(refund.status, 422);
      assert.deepEqual(await snapshot(server.db, orderId), before, 'refused operations change nothing');
      assert.equal((await client.getOrder(orderId)).body.data.status, 'AUTHORIZED');
      await assertLedgerInvariants(server.db);
    });

    it('4000000000000085: capture fails → order FAILED, payment FAILED with error_detail, the hold stays', async () => {
      const orderId = await client.authorizedOrder(10000, '4000000000000085');
      const captured = await client.capture(orderId, captureBody(7000));
      assert.equal(captured.status, 200, JSON.stringify(captured.body));
      assert.equal(captured.body.data.status, 'FAILED');
      const payment = captured.body.data.payments[0];
      assert.equal(payment.status, 'FAILED');
      assert.equal(typeof payment.error_detail.code, 'string');
      assert.ok(payment.error_detail.code.length > 0);
      assert.equal(typeof payment.error_detail.message, 'string');
      assert.equal(await coreState(orderId), 'CAPTURE_FAILED');
      assert.deepEqual(await operationStatuses('captures', orderId), ['FAILED']);
      assert.deepEqual(await orderLedger(server.db, orderId), { ...NOTHING_MOVED, authorized: 10000, held: 10000 });
      assert.deepEqual((await client.getOrder(orderId)).body.data, captured.body.data);

      const before = await snapshot(server.db, orderId);
      assert.equal((await client.capture(orderId, captureBody(7000))).status, 422);
      assert.equal((await client.refund(orderId, 1000)).status, 422);
      assert.deepEqual(await snapshot(server.db, orderId), before);
      await assertLedgerInvariants(server.db);
    });

    it('4000000000000093: capture times out → AUTHORIZED (CAPTURE_PENDING, outcome unknown), nothing captured', async () => {
      const orderId = await client.authorizedOrder(10000, '4000000000000093');
      const captured = await client.capture(orderId, captureBody(10000));
      assert.equal(captured.status, 200, JSON.stringify(captured.body));
      assert.equal(captured.body.data.status, 'AUTHORIZED');
      assert.equal(captured.body.data.payments[0].status, 'AUTHORIZED');
      assert.equal(await coreState(orderId), 'CAPTURE_PENDING');
      assert.deepEqual(await operationStatuses('captures', orderId), ['UNKNOWN']);
      assert.deepEqual(await orderLedger(server.db, orderId), { ...NOTHING_MOVED, authorized: 10000, held: 10000 });

      // Never a guess: no second capture, no void while the first capture's outcome is unknown.
      const before = await snapshot(server.db, orderId);
      assert.equal((await client.capture(orderId, captureBody(10000))).status, 422);
      assert.equal((await client.cancel(orderId)).status, 422);
      assert.deepEqual(await snapshot(server.db, orderId), before);
      await assertLedgerInvariants(server.db);
    });

    it('4000000000000101: void answered pending → AUTHORIZED (VOID_PENDING), hold unchanged, no capture meanwhile', async () => {
      const orderId = await client.authorizedOrder(10000, '4000000000000101');
      const cancelled = await client.cancel(orderId);
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      assert.equal(cancelled.body.data.status, 'AUTHORIZED');
      assert.equal(cancelled.body.data.payments[0].status, 'AUTHORIZED');
      assert.equal(await coreState(orderId), 'VOID_PENDING');
      assert.deepEqual(await operationStatuses('reversals', orderId), ['GATEWAY_PENDING']);
      assert.deepEqual(await orderLedger(server.db, orderId), { ...NOTHING_MOVED, authorized: 10000, held: 10000 });

      const before = await snapshot(server.db, orderId);
      assert.equal((await client.capture(orderId, captureBody())).status, 422);
      assert.equal((await client.cancel(orderId)).status, 422);
      assert.deepEqual(await snapshot(server.db, orderId), before);
      await assertLedgerInvariants(server.db);
    });

    it('4000000000000119: void fails → AUTHORIZED (VOID_FAILED), and the order can still be captured', async () => {
      const orderId = await client.authorizedOrder(10000, '4000000000000119');
      const cancelled = await client.cancel(orderId);
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      assert.equal(cancelled.body.data.status, 'AUTHORIZED');
      assert.equal(cancelled.body.data.payments[0].status, 'AUTHORIZED');
      assert.equal(await coreState(orderId), 'VOID_FAILED');
      assert.deepEqual(await operationStatuses('reversals', orderId), ['FAILED']);
      assert.deepEqual(await orderLedger(server.db, orderId), { ...NOTHING_MOVED, authorized: 10000, held: 10000 });

      const captured = await client.capture(orderId, captureBody(8000));
      assert.equal(captured.status, 200, JSON.stringify(captured.body));
      assert.equal(captured.body.data.status, 'PROCESSED');
      assert.equal(captured.body.data.payments[0].status, 'PROCESSED');
      assert.equal(await coreState(orderId), 'PARTIALLY_CAPTURED');
      assert.deepEqual(await orderLedger(server.db, orderId), {
        authorized: 10000,
        captured: 8000,
        reversed: 2000,
        refunded: 0,
        held: 0,
        merchant: 8000,
      });
      await assertLedgerInvariants(server.db);
    });

    it('4000000000000127: capture succeeds; the refund fails, the parent stays PROCESSED and nothing is refunded', async () => {
      const orderId = await client.authorizedOrder(10000, '4000000000000127');
      const captured = await client.capture(orderId, captureBody());
      assert.equal(captured.body.data.status, 'PROCESSED');

      const refund = await client.refund(orderId, 4000);
      assert.equal(refund.status, 200, JSON.stringify(refund.body));
      assert.equal(refund.body.data.type, 'REFUND');
      assert.equal(refund.body.data.parent_order_id, orderId);
      assert.equal(refund.body.data.status, 'FAILED');
      assert.equal(refund.body.data.payments[0].status, 'FAILED');
      assert.equal(typeof refund.body.data.payments[0].error_detail.code, 'string');
      assert.ok(refund.body.data.payments[0].error_detail.code.length > 0);
      assert.deepEqual(await operationStatuses('refunds', orderId), ['FAILED']);

      const readRefund = await client.getOrder(refund.body.data.order_id);
      assert.equal(readRefund.status, 200);
      assert.equal(readRefund.body.data.status, 'FAILED');
      const parent = await client.getOrder(orderId);
      assert.equal(parent.body.data.status, 'PROCESSED');
      assert.equal(await coreState(orderId), 'CAPTURED');
      assert.deepEqual(await orderLedger(server.db, orderId), { ...NOTHING_MOVED, authorized: 10000, captured: 10000, merchant: 10000 });

      // A failed refund does not use up the refundable amount: the full amount may be asked again.
      const again = await client.refund(orderId, 10000);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.data.status, 'FAILED');
      assert.equal((await client.getOrder(orderId)).body.data.status, 'PROCESSED');
      assert.deepEqual(await orderLedger(server.db, orderId), { ...NOTHING_MOVED, authorized: 10000, captured: 10000, merchant: 10000 });
      await assertLedgerInvariants(server.db);
    });
  });

  it('a card number failing Luhn is rejected as invalid input and nothing is stored', async () => {
    const orderId = await newOrder(1000);
    const before = await snapshot(server.db, orderId);
    const reply = await client.pay(orderId, 1000, '4111111111111112');
    assert.equal(reply.status, 400);
    assert.equal(reply.body.code, 'INVALID_REQUEST');
    assert.match(reply.body.message, /card_number/);
    assert.match(reply.body.additional_error_details?.field ?? '', /card_number$/);
    assert.ok(!JSON.stringify(reply.body).includes('4111111111111112'), 'the error does not echo the card number');
    assert.deepEqual(await paymentRows(orderId), []);
    assert.deepEqual(await snapshot(server.db, orderId), before);
    assert.equal(await coreState(orderId), 'CREATED');
    assert.equal((await client.getOrder(orderId)).body.data.status, 'CREATED');

    // The order is untouched: a valid card pays it.
    const paid = await client.pay(orderId, 1000, VISA_OK);
    assert.equal(paid.body.data.status, 'AUTHORIZED');
    await assertLedgerInvariants(server.db);
  });
});
