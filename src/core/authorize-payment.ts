import type { AuthorizeOutcome, CardForAuthorization } from '../connectors/gateway.js';
import { detectNetwork, isExpired, normalizeCardNumber, normalizeExpiry, passesLuhn } from '../domain/card.js';
import { HoldfastError, invalidInput, invalidState, notFound } from '../domain/errors.js';
import { newId, newPaymentId, newTxnUuid } from '../domain/ids.js';
import { journalEntry } from '../domain/ledger.js';
import type { OrderAggregate, Payment } from '../domain/order.js';
import { nextState } from '../domain/order-state.js';
import type { Queryable } from '../store/db.js';
import {
  findPaymentByChallenge,
  insertJournalEntry,
  insertPayment,
  lockOrder,
  setOrderState,
  updatePayment,
} from '../store/orders-repository.js';
import { cancelStatusSync, scheduleAutoVoid, scheduleStatusSync } from './background.js';
import type { CoreContext } from './context.js';
import { callGateway } from './gateway-call.js';
import { getOrder } from './read-order.js';
import { recordRequestKey, type RequestKey } from './request-key.js';
import { keyedFingerprint } from './secrets.js';
import { findMerchant } from '../store/merchants-repository.js';

export interface CardInput {
  number: string;
  cvv?: string | undefined;
  expiryMonth: string;
  expiryYear: string;
  holderName?: string | undefined;
}

export interface AuthorizePaymentInput {
  merchantId: string;
  orderId: string;
  merchantPaymentReference: string;
  amount: number;
  currency: string;
  card: CardInput;
  requestFingerprint: string;
  requestKey?: RequestKey;
}

/** Payments an order may attempt before a decline becomes final (FAILED rather than ATTEMPTED). */
export const MAX_PAYMENT_ATTEMPTS = 3;

/**
 * Starts a card payment: validates the card, records a PENDING payment (card number never stored),
 * asks the merchant's connector, and records its answer. A 3-D Secure challenge leaves the payment
 * PENDING with a challenge id; `completeAuthentication` finishes it.
 */
export async function authorizePayment(
  ctx: CoreContext,
  input: AuthorizePaymentInput,
): Promise<{ aggregate: OrderAggregate; replayed: boolean }> {
  const card = validateCard(input.card, ctx.clock.now());
  const now = ctx.clock.now();
  const merchant = await findMerchant(ctx.db, input.merchantId);
  if (!merchant) throw notFound('merchant');

  const started = await ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, input.merchantId, input.orderId);
    if (!order) throw notFound('order');
    const existing = await tx.query<{ request_fingerprint: string }>(
      'select request_fingerprint from payments where order_id = $1 and merchant_payment_reference = $2',
      [order.id, input.merchantPaymentReference],
    );
    if (existing[0]) {
      if (existing[0].request_fingerprint !== input.requestFingerprint) {
        throw new HoldfastError('idempotency_conflict', 'Duplicate Merchant Reference ID received', {
          field: 'merchant_payment_reference',
        });
      }
      return undefined; // identical replay: answer with the order as it is
    }
    const state = nextState(order.state, 'payment_started');
    if (!state) throw invalidState('payment', order.state);
    if (input.currency !== order.currency)
      throw invalidInput('payment_amount.currency', `currency must be ${order.currency}, the order's currency`);
    if (input.amount !== order.amount)
      throw invalidInput('payment_amount.value', `payment amount must equal the order amount (${order.amount})`);
    const payment: Payment = {
      id: newPaymentId(order.id),
      txnUuid: newTxnUuid(),
      orderId: order.id,
      merchantPaymentReference: input.merchantPaymentReference,
      requestFingerprint: input.requestFingerprint,
      amount: input.amount,
      currency: input.currency,
      method: 'CARD',
      status: 'PENDING',
      card: {
        bin: card.number.slice(0, 6),
        last4: card.number.slice(-4),
        network: card.network,
        expiryMonth: card.expiryMonth,
        expiryYear: card.expiryYear,
        holderName: card.holderName,
        fingerprint: keyedFingerprint(ctx.keys.fingerprint, card.number),
      },
      connector: merchant.connector,
      connectorReference: null,
      challengeId: null,
      errorCode: null,
      errorMessage: null,
      approvalCode: null,
      rrn: null,
      acquirerReference: null,
      createdAt: now,
      updatedAt: now,
    };
    await insertPayment(tx, payment);
    await setOrderState(tx, order.id, state, now);
    await recordRequestKey(tx, input.merchantId, input.requestKey, order.id, now);
    await ctx.events.record(tx, { type: 'payment.started', merchantId: order.merchantId, orderId: order.id }, now);
    // If this process dies before the gateway's answer is recorded, the inquiry settles it.
    await scheduleStatusSync(
      tx,
      'authorization',
      { merchantId: order.merchantId, orderId: order.id, operationId: payment.id },
      ctx.syncPolicy,
      now,
    );
    return { order, payment };
  });
  if (!started) return { aggregate: await getOrder(ctx.db, input.merchantId, input.orderId), replayed: true };

  const { order, payment } = started;
  const connector = ctx.connector(payment.connector);
  const outcome = await callGateway<AuthorizeOutcome>(
    () => connector.authorize({ paymentId: payment.id, amount: payment.amount, currency: payment.currency, card, capture: !order.preAuth }),
    (reason) => ({ kind: 'unknown', connectorReference: null, reason }),
  );
  await ctx.db.transaction((tx) => recordAuthorizeOutcome(ctx, tx, order.merchantId, order.id, payment.id, outcome));
  return { aggregate: await getOrder(ctx.db, input.merchantId, input.orderId), replayed: false };
}

/**
 * Finishes a 3-D Secure challenge with the OTP the cardholder typed on the challenge page.
 * Returns the order, or undefined when the challenge id is unknown or already used.
 */
export async function completeAuthentication(ctx: CoreContext, challengeId: string, otp: string): Promise<OrderAggregate | undefined> {
  const found = await findPaymentByChallenge(ctx.db, challengeId);
  if (!found) return undefined;
  const aggregate = await getOrder(ctx.db, found.merchantId, found.orderId);
  const payment = aggregate.payments.find((p) => p.id === found.paymentId);
  if (!payment || payment.status !== 'PENDING' || !payment.connectorReference) return undefined;
  const connector = ctx.connector(payment.connector);
  const outcome = await callGateway<AuthorizeOutcome>(
    () =>
      connector.completeAuthentication({
        paymentId: payment.id,
        connectorReference: payment.connectorReference!,
        otp,
        capture: !aggregate.order.preAuth,
        amount: payment.amount,
        currency: payment.currency,
      }),
    (reason) => ({ kind: 'unknown', connectorReference: payment.connectorReference, reason }),
  );
  await ctx.db.transaction((tx) => recordAuthorizeOutcome(ctx, tx, found.merchantId, found.orderId, payment.id, outcome));
  return getOrder(ctx.db, found.merchantId, found.orderId);
}

/** Whether a challenge id names a payment still waiting for its OTP (the challenge page is open). */
export async function isChallengeOpen(ctx: CoreContext, challengeId: string): Promise<boolean> {
  const found = await findPaymentByChallenge(ctx.db, challengeId);
  if (!found) return false;
  const rows = await ctx.db.query<{ status: string }>('select status from payments where id = $1', [found.paymentId]);
  return rows[0]?.status === 'PENDING';
}

/**
 * Applies an authorization answer (from the request, the challenge page or a status sync); a no-op
 * when the payment already left PENDING (a duplicate answer).
 */
export async function recordAuthorizeOutcome(
  ctx: CoreContext,
  tx: Queryable,
  merchantId: string,
  orderId: string,
  paymentId: string,
  outcome: AuthorizeOutcome,
): Promise<void> {
  const order = await lockOrder(tx, merchantId, orderId);
  if (!order) throw notFound('order');
  const rows = await tx.query<{ status: string; amount: number; currency: string }>(
    'select status, amount, currency from payments where id = $1',
    [paymentId],
  );
  const payment = rows[0];
  if (!payment || payment.status !== 'PENDING' || order.state !== 'PENDING') return;
  const now = ctx.clock.now();
  if (outcome.kind !== 'unknown') await cancelStatusSync(tx, paymentId);
  switch (outcome.kind) {
    case 'approved': {
      const ids = {
        connectorReference: outcome.connectorReference,
        approvalCode: outcome.approvalCode,
        rrn: outcome.rrn,
        acquirerReference: outcome.acquirerReference,
      };
      await insertJournalEntry(tx, merchantId, orderId, journalEntry('AUTHORIZE', paymentId, payment.amount, payment.currency), now);
      if (order.preAuth) {
        const deadline = new Date(now.getTime() + (await captureWindowMs(ctx, tx, merchantId)));
        await updatePayment(tx, paymentId, { status: 'AUTHORIZED', ...ids }, now);
        await setOrderState(tx, orderId, 'AUTHORIZED', now, deadline);
        await scheduleAutoVoid(tx, merchantId, orderId, deadline, now);
        await ctx.events.record(tx, { type: 'payment.authorized', merchantId, orderId }, now);
      } else {
        await insertJournalEntry(tx, merchantId, orderId, journalEntry('CAPTURE', paymentId, payment.amount, payment.currency), now);
        await updatePayment(tx, paymentId, { status: 'CAPTURED', ...ids }, now);
        await setOrderState(tx, orderId, 'CAPTURED', now);
        await ctx.events.record(tx, { type: 'payment.captured', merchantId, orderId }, now);
      }
      return;
    }
    case 'challenge':
      await updatePayment(
        tx,
        paymentId,
        { status: 'PENDING', connectorReference: outcome.connectorReference, challengeId: newId('chl') },
        now,
      );
      return;
    case 'declined': {
      await updatePayment(
        tx,
        paymentId,
        { status: 'FAILED', connectorReference: outcome.connectorReference, errorCode: outcome.code, errorMessage: outcome.message },
        now,
      );
      const attempts = await tx.query<{ n: number }>('select count(*)::int as n from payments where order_id = $1', [orderId]);
      const final = (attempts[0]?.n ?? 0) >= MAX_PAYMENT_ATTEMPTS;
      await setOrderState(tx, orderId, final ? 'FAILED' : 'ATTEMPTED', now);
      await ctx.events.record(tx, { type: final ? 'payment.failed' : 'payment.declined', merchantId, orderId }, now);
      return;
    }
    case 'unknown':
      // The gateway may have authorized: keep the payment PENDING for a status sync to settle.
      await updatePayment(
        tx,
        paymentId,
        { status: 'PENDING', connectorReference: outcome.connectorReference, errorMessage: outcome.reason },
        now,
      );
      await scheduleStatusSync(tx, 'authorization', { merchantId, orderId, operationId: paymentId }, ctx.syncPolicy, now);
      return;
  }
}

async function captureWindowMs(ctx: CoreContext, tx: Queryable, merchantId: string): Promise<number> {
  const rows = await tx.query<{ capture_window_seconds: number | null }>('select capture_window_seconds from merchants where id = $1', [
    merchantId,
  ]);
  const seconds = rows[0]?.capture_window_seconds;
  return seconds ? seconds * 1000 : ctx.captureWindowMs;
}

function validateCard(input: CardInput, now: Date): CardForAuthorization {
  const number = normalizeCardNumber(input.number);
  if (!number) throw invalidInput('card_number', 'card_number must be 12 to 19 digits');
  if (!passesLuhn(number)) throw invalidInput('card_number', 'card_number is not a valid card number (Luhn check failed)');
  const expiry = normalizeExpiry(input.expiryMonth, input.expiryYear);
  if (!expiry) throw invalidInput('expiry', 'expiry_month must be 01-12 and expiry_year YY or YYYY');
  if (isExpired(expiry, now)) throw invalidInput('expiry', 'the card expiry date is in the past');
  if (input.cvv !== undefined && !/^\d{3,4}$/.test(input.cvv)) throw invalidInput('cvv', 'cvv must be 3 or 4 digits');
  return {
    number,
    cvv: input.cvv ?? null,
    expiryMonth: expiry.month,
    expiryYear: expiry.year,
    holderName: input.holderName ?? null,
    network: detectNetwork(number),
  };
}
