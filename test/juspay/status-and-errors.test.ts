/**
 * The Juspay dialect over plain HTTP: every row of the capture / void status mapping
 * (docs/statuses.md), every documented error body (capture, void, refund, unknown order),
 * idempotent replays, form vs JSON bodies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OperationRequest } from '../../src/connectors/gateway.js';
import { SandboxConnector } from '../../src/connectors/sandbox.js';
import { ScriptedConnector } from '../helpers/scripted-connector.js';
import { assertLedgerInvariants, orderLedger, snapshot } from '../helpers/ledger-check.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { CARDS, JuspayHttp, basicAuth, juspayCall, newOrderId, submitOtp } from './helpers/juspay-http.js';

const USER_MESSAGE = 'Invalid request params. Please verify your input.';
const INVALID_AUTHENTICATION = { status: 'error', error_code: 'access_denied', error_message: 'Invalid Authentication' };

/** Juspay's documented capture/void refusal envelope; error_info.code is checked by 'the refusal body is exactly the documented one'. */
function assertRefusal(reply: { status: number; body: any }, message: string) {
  assert.equal(reply.status, 400, JSON.stringify(reply.body));
  assert.equal(reply.body.status, 'Bad Request');
  assert.equal(reply.body.error_code, 'Invalid');
  assert.equal(reply.body.error_message, message);
  assert.equal(reply.body.error_info.developer_message, message);
  assert.equal(reply.body.error_info.user_message, USER_MESSAGE);
  assert.equal(reply.body.error_info.category, 'USER_ERROR');
}

describe('Juspay dialect: status mapping, errors, replays, encodings', () => {
  let server: TestServer;
  let juspay: JuspayHttp;
  let other: JuspayHttp;
  let merchantId: string;
  /** Payments whose void the gateway "times out" on (see the void-timeout test). */
  const voidTimesOut = new Set<string>();

  // The sandbox has no card whose *void* times out. To exercise that row, these merchants use a
  // scripted gateway whose reverse() throws for chosen payments, which the core treats as a gateway
  // timeout (an unknown outcome); everything else is the sandbox's.
  const gateway = new ScriptedConnector();
  gateway.play({
    reverse: async (request: OperationRequest) => {
      if (voidTimesOut.has(request.paymentId)) throw new Error('simulated gateway timeout');
      return new SandboxConnector().reverse(request);
    },
  });

  before(async () => {
    server = await startTestServer({}, { connectors: [gateway] });
    const merchant = await server.newMerchant('Juspay merchant', { connector: gateway.name });
    merchantId = merchant.merchant_id;
    juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
    other = new JuspayHttp(server.baseUrl, (await server.newMerchant('Another merchant', { connector: gateway.name })).api_key);
  });
  after(() => server.close());

  const paymentIdOf = async (txnUuid: string) =>
    (await server.db.query<{ id: string }>('select id from payments where txn_uuid = $1', [txnUuid]))[0]!.id;
  const rowStatus = async (table: 'captures' | 'reversals', orderId: string) =>
    (await server.db.query<{ status: string }>(`select status from ${table} where order_id = $1 order by created_at`, [orderId])).map(
      (r) => r.status,
    );

  describe('capture: gateway outcome → Juspay status (docs/statuses.md)', () => {
    it('success → CHARGED (21); the txn and the ledger agree', async () => {
      const order = await juspay.authorizedOrder('100.00', CARDS.ok);
      const reply = await juspay.capture(order.txnUuid);
      assert.equal(reply.status, 200);
      assert.equal(reply.body.status, 'CHARGED');
      assert.equal(reply.body.status_id, 21);
      assert.equal(reply.body.txn_detail.status, 'CHARGED');
      assert.equal(reply.body.txn_uuid, order.txnUuid);
      assert.deepEqual(await orderLedger(server.db, order.id), {
        authorized: 10000,
        captured: 10000,
        reversed: 0,
        refunded: 0,
        held: 0,
        merchant: 10000,
      });
      const read = await juspay.status(order.orderId);
      assert.equal(read.body.status, 'CHARGED');
      assert.equal(read.body.status_id, 21);
    });

    it('partial success → PARTIAL_CHARGED (37), txn CHARGED, remainder reversed', async () => {
      const order = await juspay.authorizedOrder('100.00', CARDS.ok);
      const reply = await juspay.capture(order.txnUuid, { amount: '40.50', idempotence_key: 'part-1' });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.status, 'PARTIAL_CHARGED');
      assert.equal(reply.body.status_id, 37);
      assert.equal(reply.body.txn_detail.status, 'CHARGED');
      assert.equal(reply.body.amount, 100);
      assert.deepEqual(await orderLedger(server.db, order.id), {
        authorized: 10000,
        captured: 4050,
        reversed: 5950,
        refunded: 0,
        held: 0,
        merchant: 4050,
      });
    });

    it('failure → CAPTURE_FAILED (34) with the bank error; nothing captured', async () => {
      const order = await juspay.authorizedOrder('20.00', CARDS.captureFails);
      const reply = await juspay.capture(order.txnUuid);
      assert.equal(reply.status, 200);
      assert.equal(reply.body.status, 'CAPTURE_FAILED');
      assert.equal(reply.body.status_id, 34);
      assert.equal(reply.body.txn_detail.status, 'CAPTURE_FAILED');
      assert.equal(reply.body.bank_error_code, 'CAPTURE_DECLINED');
      assert.deepEqual(await rowStatus('captures', order.id), ['FAILED']);
      const ledger = await orderLedger(server.db, order.id);
      assert.equal(ledger.captured, 0);
      assert.equal((await juspay.status(order.orderId)).body.status_id, 34);
    });

    it('gateway accepted and pending → CAPTURE_INITIATED (33)', async () => {
      const order = await juspay.authorizedOrder('20.00', CARDS.capturePending);
      const reply = await juspay.capture(order.txnUuid);
      assert.equal(reply.status, 200);
      assert.equal(reply.body.status, 'CAPTURE_INITIATED');
      assert.equal(reply.body.status_id, 33);
      assert.deepEqual(await rowStatus('captures', order.id), ['GATEWAY_PENDING']);
      assert.deepEqual(await orderLedger(server.db, order.id), {
        authorized: 2000,
        captured: 0,
        reversed: 0,
        refunded: 0,
        held: 2000,
        merchant: 0,
      });
      assert.equal((await juspay.status(order.orderId)).body.status, 'CAPTURE_INITIATED');
    });

    it('gateway timeout → stays AUTHORIZED (25); the outcome is recorded as unknown, not guessed', async () => {
      const order = await juspay.authorizedOrder('20.00', CARDS.captureTimesOut);
      const reply = await juspay.capture(order.txnUuid);
      assert.equal(reply.status, 200);
      assert.equal(reply.body.status, 'AUTHORIZED');
      assert.equal(reply.body.status_id, 25);
      assert.deepEqual(await rowStatus('captures', order.id), ['UNKNOWN']);
      assert.deepEqual(await orderLedger(server.db, order.id), {
        authorized: 2000,
        captured: 0,
        reversed: 0,
        refunded: 0,
        held: 2000,
        merchant: 0,
      });
      assert.equal((await juspay.status(order.orderId)).body.status, 'AUTHORIZED');
    });
  });

  describe('void: gateway outcome → Juspay status', () => {
    it('success → VOIDED (31); the whole hold is released', async () => {
      const order = await juspay.authorizedOrder('30.00', CARDS.ok);
      const reply = await juspay.void(order.txnUuid);
      assert.equal(reply.status, 200);
      assert.equal(reply.body.status, 'VOIDED');
      assert.equal(reply.body.status_id, 31);
      assert.equal(reply.body.txn_detail.status, 'VOIDED');
      assert.deepEqual(await orderLedger(server.db, order.id), {
        authorized: 3000,
        captured: 0,
        reversed: 3000,
        refunded: 0,
        held: 0,
        merchant: 0,
      });
    });

    it('failure → VOID_FAILED (35); the authorization stands and can still be captured', async () => {
      const order = await juspay.authorizedOrder('30.00', CARDS.voidFails);
      const reply = await juspay.void(order.txnUuid);
      assert.equal(reply.status, 200);
      assert.equal(reply.body.status, 'VOID_FAILED');
      assert.equal(reply.body.status_id, 35);
      assert.deepEqual(await rowStatus('reversals', order.id), ['FAILED']);
      assert.deepEqual(await orderLedger(server.db, order.id), {
        authorized: 3000,
        captured: 0,
        reversed: 0,
        refunded: 0,
        held: 3000,
        merchant: 0,
      });
      const captured = await juspay.capture(order.txnUuid);
      assert.equal(captured.status, 200);
      assert.equal(captured.body.status, 'CHARGED');
      assert.deepEqual(await orderLedger(server.db, order.id), {
        authorized: 3000,
        captured: 3000,
        reversed: 0,
        refunded: 0,
        held: 0,
        merchant: 3000,
      });
    });

    it('gateway accepted and pending → VOID_INITIATED (32)', async () => {
      const order = await juspay.authorizedOrder('30.00', CARDS.voidPending);
      const reply = await juspay.void(order.txnUuid);
      assert.equal(reply.status, 200);
      assert.equal(reply.body.status, 'VOID_INITIATED');
      assert.equal(reply.body.status_id, 32);
      assert.deepEqual(await rowStatus('reversals', order.id), ['GATEWAY_PENDING']);
      assert.deepEqual(await orderLedger(server.db, order.id), {
        authorized: 3000,
        captured: 0,
        reversed: 0,
        refunded: 0,
        held: 3000,
        merchant: 0,
      });
      assert.equal((await juspay.status(order.orderId)).body.status, 'VOID_INITIATED');
    });

    it('gateway timeout → stays AUTHORIZED (25)', async () => {
      const order = await juspay.authorizedOrder('30.00', CARDS.ok);
      voidTimesOut.add(await paymentIdOf(order.txnUuid));
      const reply = await juspay.void(order.txnUuid);
      assert.equal(reply.status, 200);
      assert.equal(reply.body.status, 'AUTHORIZED');
      assert.equal(reply.body.status_id, 25);
      assert.deepEqual(await rowStatus('reversals', order.id), ['UNKNOWN']);
      assert.deepEqual(await orderLedger(server.db, order.id), {
        authorized: 3000,
        captured: 0,
        reversed: 0,
        refunded: 0,
        held: 3000,
        merchant: 0,
      });
      assert.equal((await juspay.status(order.orderId)).body.status, 'AUTHORIZED');
    });
  });

  describe('authorization outcomes', () => {
    it('declined cards → AUTHORIZATION_FAILED (27) with the bank error', async () => {
      for (const [card, code] of [
        [CARDS.declined, 'PAYMENT_DECLINED'],
        [CARDS.insufficientFunds, 'INSUFFICIENT_FUNDS'],
        [CARDS.expired, 'CARD_EXPIRED'],
      ] as const) {
        const order = await juspay.paidOrder('10.00', card);
        assert.equal(order.txnStatus, 'AUTHORIZATION_FAILED');
        const read = await juspay.status(order.orderId);
        assert.equal(read.body.status, 'AUTHORIZATION_FAILED');
        assert.equal(read.body.status_id, 27);
        assert.equal(read.body.bank_error_code, code);
        assert.equal(read.body.txn_detail.error_code, code);
        assert.deepEqual(await orderLedger(server.db, order.id), {
          authorized: 0,
          captured: 0,
          reversed: 0,
          refunded: 0,
          held: 0,
          merchant: 0,
        });
      }
    });

    it('3-D Secure: PENDING_VBV (23); OTP 123456 → AUTHORIZED (25); wrong OTP → AUTHENTICATION_FAILED (26)', async () => {
      for (const [otp, status, statusId] of [
        ['123456', 'AUTHORIZED', 25],
        ['111111', 'AUTHENTICATION_FAILED', 26],
      ] as const) {
        const orderId = newOrderId('tds');
        await juspay.createOrder(orderId, '50.00', { extra: { return_url: 'https://shop.example/back' } });
        const txn = await juspay.txn(orderId, CARDS.threeDs);
        assert.equal(txn.status, 200);
        assert.equal(txn.body.status, 'PENDING_VBV');
        assert.equal(txn.body.payment.authentication.method, 'GET');
        const url: string = txn.body.payment.authentication.url;
        const link = new URL(url);
        assert.ok([server.config.publicUrl, server.baseUrl].includes(link.origin), `challenge page on the server's public address: ${url}`);
        assert.equal(link.pathname, '/web/auth/landing/');
        assert.match(link.searchParams.get('token') ?? '', /^chl_/);
        assert.equal((await juspay.status(orderId)).body.status_id, 23);
        const page = await submitOtp(url, otp, server.baseUrl);
        assert.equal(page.status, 303);
        const back = new URL(page.location!);
        assert.equal(back.searchParams.get('status'), status);
        assert.equal(back.searchParams.get('status_id'), String(statusId));
        const read = await juspay.status(orderId);
        assert.equal(read.body.status, status);
        assert.equal(read.body.status_id, statusId);
        assert.equal(read.body.txn_detail.status, status);
      }
    });

    /** A declined attempt, then a new POST /txns with a good card on the same order. */
    async function retryAfterDecline(advanceClock: boolean) {
      const declined = await juspay.paidOrder('15.00', CARDS.declined);
      if (advanceClock) server.clock.advance(1000);
      const retry = await juspay.txn(declined.orderId, CARDS.ok);
      const read = await juspay.status(declined.orderId);
      return { declined, retry, read };
    }

    it('after a decline, a new /txns on the order authorizes; its answer and the order status name the new txn', async () => {
      const { declined, retry, read } = await retryAfterDecline(true);
      assert.equal(retry.status, 200);
      assert.equal(retry.body.status, 'AUTHORIZED');
      assert.notEqual(retry.body.txn_uuid, declined.txnUuid);
      assert.equal(retry.body.txn_id, `${merchantId}-${declined.orderId}-2`);
      assert.equal(read.body.status, 'AUTHORIZED');
      assert.equal(read.body.txn_uuid, retry.body.txn_uuid);
      assert.equal(read.body.txn_id, retry.body.txn_id);
      assert.equal((await juspay.capture(retry.body.txn_uuid)).body.status, 'CHARGED');
      assert.deepEqual(await orderLedger(server.db, declined.id), {
        authorized: 1500,
        captured: 1500,
        reversed: 0,
        refunded: 0,
        held: 0,
        merchant: 1500,
      });
    });

    it('the same when both attempts carry the same timestamp (several processes, coarse or skewed clocks)', async () => {
      for (let round = 0; round < 6; round++) {
        const { declined, retry, read } = await retryAfterDecline(false);
        assert.equal(retry.body.status, 'AUTHORIZED', `round ${round}`);
        assert.notEqual(retry.body.txn_uuid, declined.txnUuid, `round ${round}`);
        assert.equal(read.body.txn_uuid, retry.body.txn_uuid, `round ${round}`);
        assert.equal(read.body.txn_id, `${merchantId}-${declined.orderId}-2`, `round ${round}`);
      }
    });

    it('a 3-D Secure transaction reads auth_type THREE_DS after the challenge', async () => {
      const orderId = newOrderId('tds');
      await juspay.createOrder(orderId, '50.00');
      const txn = await juspay.txn(orderId, CARDS.threeDs);
      await submitOtp(txn.body.payment.authentication.url, '123456', server.baseUrl);
      const read = await juspay.status(orderId);
      assert.equal(read.body.status, 'AUTHORIZED');
      assert.equal(read.body.auth_type, 'THREE_DS');
    });
  });

  describe('capture and void refusals (HTTP 400, error_info)', () => {
    it('capture of a charged txn → "Cannot capture charged transaction"; nothing changes', async () => {
      const order = await juspay.authorizedOrder('10.00');
      assert.equal((await juspay.capture(order.txnUuid)).status, 200);
      const before = await snapshot(server.db, order.id);
      assertRefusal(await juspay.capture(order.txnUuid), 'Cannot capture charged transaction');
      assertRefusal(await juspay.capture(order.txnUuid, { amount: '1.00', idempotence_key: 'late' }), 'Cannot capture charged transaction');
      assert.deepEqual(await snapshot(server.db, order.id), before);
    });

    it('capture of a partially charged txn and of an auto-captured order are refused the same way', async () => {
      const partial = await juspay.authorizedOrder('10.00');
      await juspay.capture(partial.txnUuid, { amount: '4.00', idempotence_key: 'p1' });
      assertRefusal(await juspay.capture(partial.txnUuid, { amount: '4.00', idempotence_key: 'p2' }), 'Cannot capture charged transaction');
      const sale = await juspay.paidOrder('10.00', CARDS.ok, { preAuth: false });
      assert.equal(sale.txnStatus, 'CHARGED');
      assertRefusal(await juspay.capture(sale.txnUuid), 'Cannot capture charged transaction');
    });

    it('capture of a voided txn → "Cannot Capture VOIDED Transaction"; void of a charged one → "Cannot Void CHARGED Transaction"', async () => {
      const voided = await juspay.authorizedOrder('10.00');
      await juspay.void(voided.txnUuid);
      const before = await snapshot(server.db, voided.id);
      assertRefusal(await juspay.capture(voided.txnUuid), 'Cannot Capture VOIDED Transaction');
      assertRefusal(await juspay.void(voided.txnUuid), 'Cannot Void VOIDED Transaction');
      assert.deepEqual(await snapshot(server.db, voided.id), before);

      const charged = await juspay.authorizedOrder('10.00');
      await juspay.capture(charged.txnUuid);
      assertRefusal(await juspay.void(charged.txnUuid), 'Cannot Void CHARGED Transaction');
    });

    it('capture or void of a declined txn names its status', async () => {
      const declined = await juspay.paidOrder('10.00', CARDS.declined);
      assertRefusal(await juspay.capture(declined.txnUuid), 'Cannot Capture AUTHORIZATION_FAILED Transaction');
      assertRefusal(await juspay.void(declined.txnUuid), 'Cannot Void AUTHORIZATION_FAILED Transaction');
    });

    it('capture of a txn still in 3-D Secure → "Cannot Capture PENDING_VBV Transaction"', async () => {
      const pending = await juspay.paidOrder('10.00', CARDS.threeDs);
      assert.equal(pending.txnStatus, 'PENDING_VBV');
      assertRefusal(await juspay.capture(pending.txnUuid), 'Cannot Capture PENDING_VBV Transaction');
    });

    it('capture or void of a txn that failed 3-D Secure → "Cannot Capture AUTHENTICATION_FAILED Transaction" (the documented example)', async () => {
      const orderId = newOrderId('af');
      await juspay.createOrder(orderId, '10.00');
      const txn = await juspay.txn(orderId, CARDS.threeDs);
      await submitOtp(txn.body.payment.authentication.url, '999999', server.baseUrl);
      assert.equal((await juspay.status(orderId)).body.status, 'AUTHENTICATION_FAILED');
      assertRefusal(await juspay.capture(txn.body.txn_uuid), 'Cannot Capture AUTHENTICATION_FAILED Transaction');
      assertRefusal(await juspay.void(txn.body.txn_uuid), 'Cannot Void AUTHENTICATION_FAILED Transaction');
    });

    it('the refusal body is exactly the documented one, error_info.code INVALID_INPUT', async () => {
      const order = await juspay.authorizedOrder('10.00');
      await juspay.void(order.txnUuid);
      const reply = await juspay.capture(order.txnUuid);
      assert.equal(reply.status, 400);
      assert.deepEqual(reply.body, {
        error_message: 'Cannot Capture VOIDED Transaction',
        status: 'Bad Request',
        error_code: 'Invalid',
        error_info: {
          user_message: USER_MESSAGE,
          developer_message: 'Cannot Capture VOIDED Transaction',
          code: 'INVALID_INPUT',
          category: 'USER_ERROR',
        },
      });
    });

    it('capture above the authorized amount, or with a malformed amount, is refused and changes nothing', async () => {
      const order = await juspay.authorizedOrder('10.00');
      const before = await snapshot(server.db, order.id);
      for (const amount of ['10.01', '12.345', 'ten', '0', '-1']) {
        const reply = await juspay.capture(order.txnUuid, { amount, idempotence_key: `bad-${amount.replace(/\W/g, '')}` });
        assert.equal(reply.status, 400, `amount ${amount}: ${JSON.stringify(reply.body)}`);
        assert.equal(reply.body.status, 'Bad Request');
        assert.equal(reply.body.error_info.code, 'INVALID_INPUT');
        assert.equal(reply.body.error_info.category, 'USER_ERROR');
        assert.equal(typeof reply.body.error_message, 'string');
      }
      assert.deepEqual(await snapshot(server.db, order.id), before);
      assert.equal((await juspay.status(order.orderId)).body.status, 'AUTHORIZED');
    });
  });

  describe('refund errors', () => {
    it('the same unique_request_id with another amount → duplicate.call; above refundable → invalid.amount.exceeded', async () => {
      const order = await juspay.authorizedOrder('50.00');
      await juspay.capture(order.txnUuid);
      assert.equal((await juspay.refund(order.orderId, { unique_request_id: 'rf1', amount: '20.00' })).status, 200);
      const before = await snapshot(server.db, order.id);

      const duplicate = await juspay.refund(order.orderId, { unique_request_id: 'rf1', amount: '21.00' });
      assert.equal(duplicate.status, 400);
      assert.deepEqual(duplicate.body, {
        status_id: -1,
        status: 'ERROR',
        error_message: 'A refund call was already completed with this unique_request_id for the order.',
        error_code: 'duplicate.call',
      });

      const exceeded = await juspay.refund(order.orderId, { unique_request_id: 'rf2', amount: '30.01' });
      assert.equal(exceeded.status, 400);
      assert.deepEqual(exceeded.body, {
        status_id: -1,
        status: 'ERROR',
        error_message: 'Refund amount exceeds the refundable amount.',
        error_code: 'invalid.amount.exceeded',
      });
      assert.deepEqual(await snapshot(server.db, order.id), before);
      assert.equal((await juspay.refund(order.orderId, { unique_request_id: 'rf3', amount: '30.00' })).body.refunded, true);
    });

    it('amount 0 → "invalid amount"; no unique_request_id → "Mandatory fields are missing"; uncaptured order → invalid.order.not_successful', async () => {
      const order = await juspay.authorizedOrder('50.00');
      const notCaptured = await juspay.refund(order.orderId, { unique_request_id: 'early', amount: '5.00' });
      assert.equal(notCaptured.status, 400);
      assert.deepEqual(notCaptured.body, {
        status_id: -1,
        status: 'ERROR',
        error_message: 'Cannot process unsuccessful order.',
        error_code: 'invalid.order.not_successful',
      });
      await juspay.capture(order.txnUuid);
      const zero = await juspay.refund(order.orderId, { unique_request_id: 'zero', amount: '0' });
      assert.equal(zero.status, 400);
      assert.deepEqual(zero.body, { status_id: -1, status: 'ERROR', error_message: 'Amount is invalid.', error_code: 'invalid amount' });
      const missing = await juspay.refund(order.orderId, { amount: '5.00' });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.status, 'Bad Request');
      assert.equal(missing.body.error_code, 'Mandatory fields are missing');
      assert.match(missing.body.error_message, /unique_request_id/);
      assert.deepEqual(await orderLedger(server.db, order.id), {
        authorized: 5000,
        captured: 5000,
        reversed: 0,
        refunded: 0,
        held: 0,
        merchant: 5000,
      });
    });

    it('a refund the gateway declines reads FAILURE and moves no money', async () => {
      const order = await juspay.authorizedOrder('50.00', CARDS.refundFails);
      assert.equal((await juspay.capture(order.txnUuid)).body.status, 'CHARGED');
      const reply = await juspay.refund(order.orderId, { unique_request_id: 'willfail', amount: '10.00' });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.status, 'CHARGED');
      assert.equal(reply.body.amount_refunded, 0);
      assert.equal(reply.body.refunded, false);
      assert.equal(reply.body.refunds.length, 1);
      assert.equal(reply.body.refunds[0].status, 'FAILURE');
      assert.equal(reply.body.refunds[0].unique_request_id, 'willfail');
      assert.equal(reply.body.refunds[0].error_code, 'REFUND_DECLINED');
      assert.deepEqual(await orderLedger(server.db, order.id), {
        authorized: 5000,
        captured: 5000,
        reversed: 0,
        refunded: 0,
        held: 0,
        merchant: 5000,
      });
    });
  });

  describe('unknown orders, other merchants, authentication', () => {
    it('an unknown order → 404 NOT_FOUND / 40 on status; unknown txn_uuid → NOT_FOUND on capture and void', async () => {
      const read = await juspay.status('noSuchOrder');
      assert.equal(read.status, 404);
      assert.equal(read.body.status, 'NOT_FOUND');
      assert.equal(read.body.status_id, 40);
      assert.equal(read.body.order_id, 'noSuchOrder');
      for (const reply of [await juspay.capture('eulNoSuchTxn0000000'), await juspay.void('eulNoSuchTxn0000000')]) {
        assert.equal(reply.status, 404);
        assert.equal(reply.body.status, 'NOT_FOUND');
        assert.equal(reply.body.status_id, 40);
      }
    });

    it('an unknown order on refund → NOT_FOUND / 40 with the order_id', async () => {
      const reply = await juspay.refund('noSuchOrder', { unique_request_id: 'r', amount: '1.00' });
      assert.equal(reply.body.status, 'NOT_FOUND');
      assert.equal(reply.body.status_id, 40);
      assert.equal(reply.body.order_id, 'noSuchOrder');
      assert.ok(reply.status === 400 || reply.status === 404, String(reply.status));
    });

    it('an unknown order on refund answers HTTP 400 as Juspay documents', async () => {
      const reply = await juspay.refund('noSuchOrder', { unique_request_id: 'r', amount: '1.00' });
      assert.equal(reply.status, 400);
    });

    it("another merchant's order is unknown: status, capture, void and refund answer NOT_FOUND and change nothing", async () => {
      const order = await juspay.authorizedOrder('25.00');
      const before = await snapshot(server.db, order.id);
      const unknown = await juspay.status('neverCreated1');
      const read = await other.status(order.orderId);
      assert.equal(read.status, unknown.status);
      assert.deepEqual(
        { ...read.body, order_id: null },
        { ...unknown.body, order_id: null },
        'the same answer as for an order that does not exist',
      );
      for (const reply of [await other.capture(order.txnUuid), await other.void(order.txnUuid)]) {
        assert.equal(reply.status, 404);
        assert.equal(reply.body.status, 'NOT_FOUND');
      }
      // The refund call answers an unknown order with HTTP 400, as Juspay documents it.
      const refund = await other.refund(order.orderId, { unique_request_id: 'x', amount: '1' });
      assert.equal(refund.status, 400);
      assert.equal(refund.body.status, 'NOT_FOUND');
      assert.equal(refund.body.status_id, 40);
      assert.deepEqual(await snapshot(server.db, order.id), before);
      // and the other merchant may use the same order_id for its own order
      const own = await other.createOrder(order.orderId, '1.00');
      assert.equal(own.status, 200);
      assert.notEqual(own.body.id, order.id);
    });

    it('401 {"status":"error","error_code":"access_denied","error_message":"Invalid Authentication"} for missing, wrong or malformed credentials', async () => {
      const order = await juspay.authorizedOrder('5.00');
      const attempts: (string | undefined)[] = [
        undefined,
        basicAuth('hf_wrong_key'),
        basicAuth('hf_wrong_key', false),
        `Bearer ${juspay.apiKey}`,
        'Basic !!!not-base64!!!',
        `Basic ${Buffer.from(':').toString('base64')}`,
        'Basic ',
      ];
      for (const authorization of attempts) {
        for (const [method, path] of [
          ['GET', `/orders/${order.orderId}`],
          ['POST', '/orders'],
          ['POST', `/v2/txns/${order.txnUuid}/capture`],
          ['POST', `/v2/txns/${order.txnUuid}/void`],
          ['POST', `/orders/${order.orderId}/refunds`],
          ['POST', '/txns'],
        ] as const) {
          const reply = await juspayCall(server.baseUrl, method, path, {
            authorization,
            body: method === 'POST' ? { order_id: 'a1', amount: '1' } : undefined,
          });
          assert.equal(reply.status, 401, `${authorization} ${method} ${path}`);
          assert.deepEqual(reply.body, INVALID_AUTHENTICATION);
        }
      }
      assert.equal((await juspay.status(order.orderId)).body.status, 'AUTHORIZED', 'nothing happened');
    });

    it('Basic auth with or without the trailing colon', async () => {
      const order = await juspay.authorizedOrder('5.00');
      for (const colon of [true, false]) {
        const reply = await juspayCall(server.baseUrl, 'GET', `/orders/${order.orderId}`, {
          authorization: basicAuth(juspay.apiKey, colon),
        });
        assert.equal(reply.status, 200, `colon ${colon}`);
        assert.equal(reply.body.merchant_id, merchantId);
      }
    });
  });

  describe('idempotent replays', () => {
    it('order_id: the same body returns the same order; another body → duplicate.call and nothing changes', async () => {
      const orderId = newOrderId('idem');
      const first = await juspay.createOrder(orderId, '12.34', { extra: { udf1: 'a' } });
      const second = await juspay.createOrder(orderId, '12.34', { extra: { udf1: 'a' } });
      assert.equal(first.status, 200);
      assert.equal(second.status, 200);
      assert.deepEqual(second.body, first.body);
      const before = await snapshot(server.db, first.body.id);
      const conflicting = await juspay.createOrder(orderId, '12.35', { extra: { udf1: 'a' } });
      assert.equal(conflicting.status, 400);
      assert.equal(conflicting.body.error_code, 'duplicate.call');
      assert.equal(conflicting.body.error_info.code, 'DUPLICATE_REQUEST');
      assert.deepEqual(await snapshot(server.db, first.body.id), before);
      const rows = await server.db.query<{ n: number }>('select count(*)::int as n from orders where merchant_order_reference = $1', [
        orderId,
      ]);
      assert.equal(rows[0]!.n, 1);
    });

    it('idempotence_key: the same capture replays its answer; another amount under the key → duplicate.call', async () => {
      const order = await juspay.authorizedOrder('80.00');
      const first = await juspay.capture(order.txnUuid, { amount: '30.00', idempotence_key: 'cap-key-1' });
      assert.equal(first.status, 200);
      const replay = await juspay.capture(order.txnUuid, { amount: '30.00', idempotence_key: 'cap-key-1' });
      assert.equal(replay.status, 200);
      assert.deepEqual(replay.body, first.body);
      const conflicting = await juspay.capture(order.txnUuid, { amount: '31.00', idempotence_key: 'cap-key-1' });
      assert.equal(conflicting.status, 400);
      assert.equal(conflicting.body.error_code, 'duplicate.call');
      const rows = await server.db.query<{ n: number }>('select count(*)::int as n from captures where order_id = $1', [order.id]);
      assert.equal(rows[0]!.n, 1);
      assert.deepEqual(await orderLedger(server.db, order.id), {
        authorized: 8000,
        captured: 3000,
        reversed: 5000,
        refunded: 0,
        held: 0,
        merchant: 3000,
      });
    });

    it('unique_request_id reused with the same body → duplicate.call, as Juspay answers it; one refund row, one ledger entry', async () => {
      const order = await juspay.authorizedOrder('80.00');
      await juspay.capture(order.txnUuid);
      const first = await juspay.refund(order.orderId, { unique_request_id: 'urid-1', amount: '15.00' });
      const again = await juspay.refund(order.orderId, { unique_request_id: 'urid-1', amount: '15.00' });
      assert.equal(first.status, 200);
      assert.equal(again.status, 400);
      assert.deepEqual(again.body, {
        status_id: -1,
        status: 'ERROR',
        error_message: 'A refund call was already completed with this unique_request_id for the order.',
        error_code: 'duplicate.call',
      });
      const rows = await server.db.query<{ n: number }>('select count(*)::int as n from refunds where order_id = $1', [order.id]);
      assert.equal(rows[0]!.n, 1);
      assert.deepEqual(await orderLedger(server.db, order.id), {
        authorized: 8000,
        captured: 8000,
        reversed: 0,
        refunded: 1500,
        held: 0,
        merchant: 6500,
      });
    });
  });

  describe('form-encoded and JSON bodies', () => {
    it('pre-auth from the dotted form key, a JSON dotted key, or nested JSON; no key → captured at once', async () => {
      const variants: [string, Record<string, unknown>, 'form' | 'json', boolean][] = [
        ['form dotted', { 'metadata.txns.auto_capture': 'false' }, 'form', true],
        ['json dotted', { 'metadata.txns.auto_capture': false }, 'json', true],
        ['json nested', { metadata: { txns: { auto_capture: false } } }, 'json', true],
        ['json nested string', { metadata: { txns: { auto_capture: 'false' } } }, 'json', true],
        ['form true', { 'metadata.txns.auto_capture': 'true' }, 'form', false],
        ['json absent', {}, 'json', false],
      ];
      for (const [label, extra, encoding, preAuth] of variants) {
        const orderId = newOrderId('enc');
        const created = await juspay.request(
          'POST',
          '/orders',
          { order_id: orderId, amount: encoding === 'json' ? 100.5 : '100.50', ...extra },
          { encoding },
        );
        assert.equal(created.status, 200, `${label}: ${JSON.stringify(created.body)}`);
        assert.equal(created.body.amount, 100.5, label);
        const txn = await juspay.request(
          'POST',
          '/txns',
          {
            order_id: orderId,
            payment_method_type: 'CARD',
            card_number: CARDS.ok,
            card_exp_month: '12',
            card_exp_year: '2035',
            card_security_code: '123',
            format: 'json',
          },
          { encoding },
        );
        assert.equal(txn.status, 200, label);
        assert.equal(txn.body.status, preAuth ? 'AUTHORIZED' : 'CHARGED', label);
        const ledger = await orderLedger(server.db, created.body.id);
        assert.equal(ledger.authorized, 10050, `${label}: 100.50 rupees → 10050 paise`);
        assert.equal(ledger.captured, preAuth ? 0 : 10050, label);
      }
    });

    it('capture, void and refund take JSON as well as forms (JSON amounts as strings or numbers)', async () => {
      const a = await juspay.authorizedOrder('60.00');
      const jsonCapture = await juspay.request(
        'POST',
        `/v2/txns/${a.txnUuid}/capture`,
        { amount: '25.50', idempotence_key: 'json-cap' },
        { encoding: 'json' },
      );
      assert.equal(jsonCapture.status, 200);
      assert.equal(jsonCapture.body.status, 'PARTIAL_CHARGED');
      const jsonRefund = await juspay.request(
        'POST',
        `/orders/${a.orderId}/refunds`,
        { unique_request_id: 'json-rf', amount: 10.25 },
        { encoding: 'json' },
      );
      assert.equal(jsonRefund.status, 200);
      assert.equal(jsonRefund.body.amount_refunded, 10.25);
      assert.deepEqual(await orderLedger(server.db, a.id), {
        authorized: 6000,
        captured: 2550,
        reversed: 3450,
        refunded: 1025,
        held: 0,
        merchant: 1525,
      });

      const b = await juspay.authorizedOrder('60.00');
      const numberCapture = await juspay.request('POST', `/v2/txns/${b.txnUuid}/capture`, { amount: 25.5 }, { encoding: 'json' });
      assert.equal(numberCapture.status, 200);
      assert.equal((await orderLedger(server.db, b.id)).captured, 2550);

      const c = await juspay.authorizedOrder('60.00');
      // Saleor's Juspay app sends capture/void with Content-Type: application/json and no body.
      const emptyJsonVoid = await juspayCall(server.baseUrl, 'POST', `/v2/txns/${c.txnUuid}/void`, {
        authorization: juspay.authorization,
        headers: { 'content-type': 'application/json' },
        rawBody: '',
      });
      assert.equal(emptyJsonVoid.status, 200, JSON.stringify(emptyJsonVoid.body));
      assert.equal(emptyJsonVoid.body.status, 'VOIDED');
      const emptyJsonCapture = await juspayCall(
        server.baseUrl,
        'POST',
        `/v2/txns/${(await juspay.authorizedOrder('7.00')).txnUuid}/capture`,
        { authorization: juspay.authorization, headers: { 'content-type': 'application/json' }, rawBody: '' },
      );
      assert.equal(emptyJsonCapture.status, 200);
      assert.equal(emptyJsonCapture.body.status, 'CHARGED');
    });

    it('malformed bodies get a Juspay-shaped 400, never a 5xx', async () => {
      const cases: [string, string][] = [
        ['application/json', '{"order_id":'],
        ['application/json', '[1,2]'],
        ['application/json', '"text"'],
        ['application/json', '{"order_id":"bad1","amount":"1.00","udf1":["a"]}'],
        ['application/x-www-form-urlencoded', 'order_id=bad2&amount=abc'],
        ['application/x-www-form-urlencoded', 'order_id=this-order-id-is-far-too-long&amount=1.00'],
        ['application/x-www-form-urlencoded', 'amount=1.00'],
      ];
      for (const [contentType, rawBody] of cases) {
        const reply = await juspayCall(server.baseUrl, 'POST', '/orders', {
          authorization: juspay.authorization,
          headers: { 'content-type': contentType },
          rawBody,
        });
        assert.equal(reply.status, 400, `${rawBody}: ${JSON.stringify(reply.body)}`);
        assert.equal(reply.body.status, 'Bad Request', rawBody);
        assert.equal(typeof reply.body.error_message, 'string', rawBody);
      }
    });
  });

  it('the ledger invariants hold over every order above', async () => {
    await assertLedgerInvariants(server.db);
  });
});
