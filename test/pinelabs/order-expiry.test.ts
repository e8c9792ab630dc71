/**
 * Unpaid orders expire (docs/order-expiry.md), in the Pine Labs dialect: HOLDFAST_ORDER_TTL
 * (default 24 h) after creation a payment through the card payment API is refused with
 * 422 PAYMENT_EXPIRED and nothing is stored; the order reads FAILED from that instant; its expiry
 * job closes it and raises ORDER_FAILED. A payment in flight at the expiry wins, an authorized
 * order is governed by its capture window alone, and a payment deciding on the order while the
 * job closes it is refused by the order's version guard. The clock is the test clock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { authorizePayment } from '../../src/core/operations/authorize.js';
import { findHostedOrder } from '../../src/core/hosted-orders.js';
import { assertLedgerInvariants, orderLedger, snapshot } from '../helpers/ledger-check.js';
import { PineLabsClient, VISA_OK } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { submitOtp } from '../juspay/helpers/juspay-http.js';
import { assertPineLabsError } from './helpers/bad-input.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHALLENGE_CARD = '4000000000003220';
const DECLINED_CARD = '4000000000000002';
const NOTHING_HELD = { authorized: 0, captured: 0, reversed: 0, refunded: 0, held: 0, merchant: 0 };

describe('Pine Labs: unpaid orders expire', () => {
  let server: TestServer;
  let merchant: MerchantCredentials;
  let client: PineLabsClient;
  before(async () => {
    server = await startTestServer();
    // A webhook URL makes every change write its webhook rows (nothing listens: delivery just fails).
    merchant = await server.newMerchant('Expiring shop', { webhookUrl: 'http://127.0.0.1:9/hooks' });
    client = await PineLabsClient.login(server.baseUrl, merchant);
  });
  after(() => server.close());

  /** Moves the test clock on; access tokens last an hour, so the merchant signs in again. */
  const advance = async (ms: number) => {
    server.clock.advance(ms);
    client = await PineLabsClient.login(server.baseUrl, merchant);
  };
  const newOrder = async (preAuth = true) => {
    const created = await client.createOrder(10000, { preAuth });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return created.body.data.order_id as string;
  };
  const eventsOf = async (orderId: string) =>
    (
      await server.db.query<{ event_type: string }>('select event_type from webhook_events where order_id = $1 order by created_at, id', [
        orderId,
      ])
    ).map((r) => r.event_type);
  const expiryJobsOf = (orderId: string) => server.db.query('select kind from jobs where job_key = $1', [`order-expiry:${orderId}`]);

  it('24 h after creation a card payment is refused with 422 PAYMENT_EXPIRED, nothing stored; the order reads FAILED', async () => {
    const orderId = await newOrder();
    await advance(DAY - 1000);
    assert.equal((await client.getOrder(orderId)).body.data.status, 'CREATED', 'still payable a second before');
    await advance(1000);
    const before = await snapshot(server.db, orderId);
    const refused = await client.pay(orderId, 10000);
    assertPineLabsError(refused, 'payment after expiry', { status: 422, code: 'PAYMENT_EXPIRED', says: [/expired/] });
    assert.deepEqual(await snapshot(server.db, orderId), before, 'nothing changed, nothing reached the gateway');
    // From the instant itself, before the expiry job has run.
    const read = await client.getOrder(orderId);
    assert.equal(read.body.data.status, 'FAILED');
    assert.deepEqual(read.body.data.payments, []);
    assert.deepEqual(await eventsOf(orderId), []);
  });

  it('the expiry job closes the order at its expiry, not before, and raises ORDER_FAILED once', async () => {
    const orderId = await newOrder();
    assert.deepEqual(await expiryJobsOf(orderId), [{ kind: 'order.expiry' }], 'written with the order');
    await advance(DAY - 1000);
    await server.runJobs();
    const early = await server.db.query<{ payment_closed_reason: string | null }>(
      'select payment_closed_reason from orders where id = $1',
      [orderId],
    );
    assert.equal(early[0]?.payment_closed_reason, null);
    await advance(1000);
    await server.runJobs();
    const closed = await server.db.query<{ payment_closed_reason: string | null }>(
      'select payment_closed_reason from orders where id = $1',
      [orderId],
    );
    assert.equal(closed[0]?.payment_closed_reason, 'expired');
    assert.deepEqual(await expiryJobsOf(orderId), []);
    assert.deepEqual(await eventsOf(orderId), ['ORDER_FAILED']);
    const event = await server.db.query<{ payload: string }>('select payload from webhook_events where order_id = $1', [orderId]);
    const body = JSON.parse(event[0]!.payload);
    assert.equal(body.event_type, 'ORDER_FAILED');
    assert.equal(body.data.status, 'FAILED');
    assert.equal(body.data.order_id, orderId);
    await server.runJobs();
    assert.deepEqual(await eventsOf(orderId), ['ORDER_FAILED'], 'once');
    assertPineLabsError(await client.pay(orderId, 10000), 'payment on the closed order', { status: 422, code: 'PAYMENT_EXPIRED' });
    assert.deepEqual(await orderLedger(server.db, orderId), NOTHING_HELD);
  });

  it('an order with a declined attempt expires too: ATTEMPTED becomes FAILED', async () => {
    const orderId = await newOrder(false);
    assert.equal((await client.pay(orderId, 10000, DECLINED_CARD)).body.data.status, 'ATTEMPTED');
    assert.deepEqual(await expiryJobsOf(orderId), [{ kind: 'order.expiry' }], 'a declined attempt leaves it payable, and expiring');
    await advance(DAY);
    await server.runJobs();
    const read = await client.getOrder(orderId);
    assert.equal(read.body.data.status, 'FAILED');
    assert.equal(read.body.data.payments.length, 1);
    assert.deepEqual(await eventsOf(orderId), ['PAYMENT_FAILED', 'ORDER_FAILED']);
    assertPineLabsError(await client.pay(orderId, 10000), 'another attempt', { status: 422, code: 'PAYMENT_EXPIRED' });
    assert.equal((await client.getOrder(orderId)).body.data.payments.length, 1);
  });

  it('an authorized order is untouched by its expiry: still AUTHORIZED, capturable; its capture window governs it', async () => {
    const orderId = await newOrder();
    assert.equal((await client.pay(orderId, 10000)).body.data.status, 'AUTHORIZED');
    assert.deepEqual(await expiryJobsOf(orderId), [], 'the authorization removed the expiry job');
    await advance(DAY + HOUR);
    await server.runJobs();
    assert.equal((await client.getOrder(orderId)).body.data.status, 'AUTHORIZED');
    const captured = await client.capture(orderId, { merchant_capture_reference: `cap-${orderId}` });
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    assert.equal(captured.body.data.status, 'PROCESSED');
    assert.deepEqual(await eventsOf(orderId), ['ORDER_AUTHORIZED', 'ORDER_PROCESSED']);
    await assertLedgerInvariants(server.db);
  });

  it('a sale paid a second before its expiry is PROCESSED and stays so', async () => {
    const orderId = await newOrder(false);
    await advance(DAY - 1000);
    assert.equal((await client.pay(orderId, 10000)).body.data.status, 'PROCESSED');
    await advance(HOUR);
    await server.runJobs();
    assert.equal((await client.getOrder(orderId)).body.data.status, 'PROCESSED');
  });

  it('a 3-D Secure payment started before the expiry wins: its OTP after the expiry still authorizes (native OTP too)', async () => {
    for (const path of ['page', 'api'] as const) {
      const orderId = await newOrder();
      await advance(DAY - 60_000);
      const paid = await client.pay(orderId, 10000, CHALLENGE_CARD);
      assert.equal(paid.body.data.status, 'PENDING');
      await advance(2 * 60_000);
      await server.runJobs();
      assert.equal((await client.getOrder(orderId)).body.data.status, 'PENDING', `${path}: the job waits for the payment`);
      assert.deepEqual(await expiryJobsOf(orderId), [{ kind: 'order.expiry' }]);
      if (path === 'page') await submitOtp(paid.body.data.challenge_url, '123456');
      else {
        const submitted = await client.request('POST', '/api/pay/v1/otp/submit', {
          payment_id: paid.body.data.payments[0].id,
          otp: '123456',
        });
        assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
      }
      assert.equal((await client.getOrder(orderId)).body.data.status, 'AUTHORIZED', path);
      assert.deepEqual(await expiryJobsOf(orderId), [], `${path}: the authorization removed the expiry job`);
    }
  });

  it('after the expiry a 3-D Secure card is refused before any challenge: no payment, no OTP to submit', async () => {
    const orderId = await newOrder();
    await advance(DAY);
    assertPineLabsError(await client.pay(orderId, 10000, CHALLENGE_CARD), '3-D Secure card after expiry', {
      status: 422,
      code: 'PAYMENT_EXPIRED',
    });
    assert.deepEqual((await client.getOrder(orderId)).body.data.payments, []);
  });

  it('a 3-D Secure payment in flight at the expiry and then declined: the job closes the order after the decline', async () => {
    const orderId = await newOrder();
    await advance(DAY - 5 * 60_000);
    const paid = await client.pay(orderId, 10000, CHALLENGE_CARD);
    // The expiry comes while the challenge (open 10 minutes) still waits for its OTP.
    await advance(5 * 60_000);
    await server.runJobs();
    assert.equal((await client.getOrder(orderId)).body.data.status, 'PENDING');
    await submitOtp(paid.body.data.challenge_url, '000000');
    // Declined after the expiry: it reads expired at once, and the job (retried with the sync backoff) closes it.
    assert.equal((await client.getOrder(orderId)).body.data.status, 'FAILED');
    await advance(HOUR);
    await server.runJobs();
    assert.deepEqual(await eventsOf(orderId), ['PAYMENT_FAILED', 'ORDER_FAILED']);
    assert.deepEqual(await expiryJobsOf(orderId), []);
  });

  it('a payment that decided before the expiry but writes after the job closed the order is refused by the version guard', async () => {
    const orderId = await newOrder(false);
    const merchantId = (await client.getOrder(orderId)).body.data.merchant_id as string;
    await advance(DAY - 1);
    // The payment reads the order a moment before its expiry …
    const stale = await findHostedOrder(server.app.ctx, orderId);
    assert.ok(stale && stale.order.paymentClosedReason === null);
    // … the expiry job closes it …
    await advance(1);
    await server.runJobs();
    assert.deepEqual(await eventsOf(orderId), ['ORDER_FAILED']);
    // … and the payment, still deciding at its own instant before the expiry, writes its intent on
    // the version it read: the guard misses, it reads again, and it is refused.
    server.clock.advance(-1);
    await assert.rejects(
      authorizePayment(server.app.ctx, {
        merchantId,
        orderId,
        merchantPaymentReference: 'late-pay',
        requestFingerprint: 'late-pay',
        amount: 10000,
        currency: 'INR',
        card: { number: VISA_OK, cvv: '123', expiryMonth: '12', expiryYear: '2034', holderName: 'Late Payer' },
        read: stale,
      }),
      (error: Error & { code?: string }) => error.code === 'payment_closed',
    );
    server.clock.advance(1);
    assert.deepEqual((await client.getOrder(orderId)).body.data.payments, [], 'nothing reached the gateway');
    assert.deepEqual(await orderLedger(server.db, orderId), NOTHING_HELD);
  });

  it('HOLDFAST_ORDER_TTL sets the lifetime (default 24h); a bad value is named', async () => {
    assert.equal(loadConfig({}).orderTtlMs, DAY);
    assert.equal(loadConfig({ HOLDFAST_ORDER_TTL: '30m' }).orderTtlMs, 30 * 60_000);
    for (const bad of ['soon', '0s', '500ms', '181d', '15']) {
      assert.throws(() => loadConfig({ HOLDFAST_ORDER_TTL: bad }), /HOLDFAST_ORDER_TTL must be a duration from 1s to 180d/, bad);
    }
    const short = await startTestServer({ HOLDFAST_ORDER_TTL: '30m' });
    try {
      const shortClient = await PineLabsClient.login(short.baseUrl, await short.newMerchant());
      const created = await shortClient.createOrder(5000);
      short.clock.advance(30 * 60_000);
      assertPineLabsError(await shortClient.pay(created.body.data.order_id, 5000), 'after 30 minutes', {
        status: 422,
        code: 'PAYMENT_EXPIRED',
      });
    } finally {
      await short.close();
    }
  });
});
