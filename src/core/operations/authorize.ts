import type { AuthorizeOutcome, CardForAuthorization } from '../../connectors/gateway.js';
import { detectNetwork, isExpired, normalizeCardNumber, normalizeExpiry, passesLuhn } from '../../domain/card.js';
import { HoldfastError, invalidInput, invalidState, notFound } from '../../domain/errors.js';
import { newId, newTxnUuid } from '../../domain/ids.js';
import { journalEntry } from '../../domain/ledger.js';
import type { OrderAggregate, Payment } from '../../domain/order.js';
import { nextState } from '../../domain/order-state.js';
import { findMerchant } from '../../store/merchants-repository.js';
import { findPaymentByChallenge } from '../../store/orders-repository.js';
import type { CoreContext } from '../context.js';
import type { RequestKey } from '../request-key.js';
import { keyedFingerprint } from '../secrets.js';
import { autoVoidJob, statusSyncJob, syncJobKey } from '../scheduled-jobs.js';
import { transition } from './gateway-requests.js';
import type { OrderWrite } from './order-write.js';
import { operationIntent } from './intent.js';
import { readOrder, recordAnswer, runOperation, type OperationSpec, type SettleSpec } from './pipeline.js';

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
  /** The order as the caller has just read it: saves that read. */
  read?: OrderAggregate;
}

/** Payments an order may attempt before a decline becomes final (FAILED rather than ATTEMPTED). */
export const MAX_PAYMENT_ATTEMPTS = 3;

interface AuthorizePlan {
  payment: Payment;
  /** The card for this one call; held in memory only, never written. */
  card?: CardForAuthorization;
  /** How long the authorization may wait for capture: the merchant's window, else the server's. */
  captureWindowMs: number;
  /** A sale (authorize and capture at once) rather than a pre-authorization. */
  sale: boolean;
}

/** The merchant's connector and capture window, for a new payment or its answer. */
interface MerchantTerms {
  connector: string;
  captureWindowMs: number;
}

async function merchantTerms(ctx: CoreContext, merchantId: string): Promise<MerchantTerms> {
  const merchant = await findMerchant(ctx.db, merchantId);
  if (!merchant) throw notFound('merchant');
  return {
    connector: merchant.connector,
    captureWindowMs: merchant.captureWindowSeconds ? merchant.captureWindowSeconds * 1000 : ctx.captureWindowMs,
  };
}

/**
 * Starts a card payment: validates the card, records a PENDING payment (the card number is never
 * stored), asks the merchant's connector, and records its answer. A 3-D Secure challenge leaves
 * the payment PENDING with a challenge id; `completeAuthentication` finishes it.
 */
export async function authorizePayment(
  ctx: CoreContext,
  input: AuthorizePaymentInput,
): Promise<{ aggregate: OrderAggregate; replayed: boolean }> {
  const card = validateCard(input.card, ctx.clock.now());
  const terms = await merchantTerms(ctx, input.merchantId);
  const result = await runOperation(ctx, authorizeSpec, input, { ...input, card, terms }, input.read);
  return { aggregate: result.aggregate, replayed: result.kind === 'replay' };
}

type AuthorizeRequestInput = AuthorizePaymentInput & { card: CardForAuthorization; terms: MerchantTerms };

export const authorizeSpec: OperationSpec<AuthorizeRequestInput, AuthorizePlan, AuthorizeOutcome> &
  SettleSpec<AuthorizePlan, AuthorizeOutcome> = {
  decide(read, input, ctx, now) {
    const { order } = read;
    const existing = read.payments.find((p) => p.merchantPaymentReference === input.merchantPaymentReference);
    if (existing) {
      if (existing.requestFingerprint !== input.requestFingerprint) {
        throw new HoldfastError('idempotency_conflict', 'Duplicate Merchant Reference ID received', {
          field: 'merchant_payment_reference',
        });
      }
      return { kind: 'replay' }; // identical replay: answer with the order as it is
    }
    if (!nextState(order.state, 'payment_started')) throw invalidState('payment', order.state);
    if (input.currency !== order.currency)
      throw invalidInput('payment_amount.currency', `currency must be ${order.currency}, the order's currency`);
    if (input.amount !== order.amount)
      throw invalidInput('payment_amount.value', `payment amount must equal the order amount (${order.amount})`);
    const { card } = input;
    const payment: Payment = {
      id: ctx.ids.payment(order.id),
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
      connector: input.terms.connector,
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
    return { kind: 'start', plan: { payment, card, captureWindowMs: input.terms.captureWindowMs, sale: !order.preAuth } };
  },

  intent: (read, { payment }, input, ctx, now) =>
    operationIntent(
      ctx,
      read.order,
      {
        event: 'payment_started',
        row: { newPayment: payment },
        sync: 'authorization',
        operationId: payment.id,
        requestKey: input.requestKey,
        notify: { type: 'payment.started', merchantId: read.order.merchantId, orderId: read.order.id },
      },
      now,
    ),

  call(ctx, { payment, card, sale }, { order }) {
    if (!card) throw new Error('authorization without card data');
    return ctx.gateway.authorize(payment.connector, {
      paymentId: payment.id,
      order: {
        orderId: order.id,
        merchantOrderReference: order.merchantOrderReference,
        returnUrl: order.returnUrl,
        customer: order.customer,
      },
      amount: payment.amount,
      currency: payment.currency,
      card,
      capture: sale,
    });
  },

  async planFor(ctx, read, paymentId) {
    const payment = read.payments.find((p) => p.id === paymentId);
    // A challenged payment waits for its cardholder, not for the gateway.
    if (payment?.status !== 'PENDING' || payment.challengeId) return undefined;
    return { payment, captureWindowMs: (await merchantTerms(ctx, read.order.merchantId)).captureWindowMs, sale: !read.order.preAuth };
  },

  inquire: (ctx, { payment, sale }) =>
    ctx.gateway.inquireAuthorization(payment.connector, {
      paymentId: payment.id,
      connectorReference: payment.connectorReference,
      capture: sale,
    }),

  isFinal: (outcome) => outcome.kind !== 'unknown' && outcome.kind !== 'challenge',

  answer: (current, plan, outcome, ctx, now) => authorizationAnswer(current, plan, outcome, ctx, now),
};

/**
 * Records an authorization answer (from the request, the challenge page or a status sync);
 * nothing when the payment already left PENDING (a duplicate answer).
 */
function authorizationAnswer(
  current: OrderAggregate,
  plan: AuthorizePlan,
  outcome: AuthorizeOutcome,
  ctx: CoreContext,
  now: Date,
): OrderWrite | undefined {
  const { order } = current;
  const payment = current.payments.find((p) => p.id === plan.payment.id);
  if (payment?.status !== 'PENDING' || order.state !== 'PENDING') return undefined;
  const base = { version: order.version };
  const notice = { merchantId: order.merchantId, orderId: order.id };
  const settled = { cancel: [syncJobKey(payment.id)] };
  switch (outcome.kind) {
    case 'approved': {
      const ids = {
        connectorReference: outcome.connectorReference,
        approvalCode: outcome.approvalCode,
        rrn: outcome.rrn,
        acquirerReference: outcome.acquirerReference,
      };
      const authorized = journalEntry('AUTHORIZE', payment.id, payment.amount, payment.currency);
      if (order.preAuth) {
        const deadline = new Date(now.getTime() + plan.captureWindowMs);
        return {
          change: {
            ...base,
            state: transition(order.state, 'authorized'),
            captureDeadline: deadline,
            paymentUpdate: { id: payment.id, update: { status: 'AUTHORIZED', ...ids, errorCode: null, errorMessage: null } },
            journal: [authorized],
          },
          jobs: { ...settled, enqueue: [autoVoidJob(order.merchantId, order.id, deadline)] },
          notify: { type: 'payment.authorized', ...notice },
        };
      }
      return {
        change: {
          ...base,
          state: transition(order.state, 'sale_captured'),
          paymentUpdate: { id: payment.id, update: { status: 'CAPTURED', ...ids, errorCode: null, errorMessage: null } },
          journal: [authorized, journalEntry('CAPTURE', payment.id, payment.amount, payment.currency)],
        },
        jobs: settled,
        notify: { type: 'payment.captured', ...notice },
      };
    }
    case 'challenge':
      return {
        change: {
          ...base,
          state: transition(order.state, 'authentication_required'),
          paymentUpdate: {
            id: payment.id,
            update: {
              status: 'PENDING',
              connectorReference: outcome.connectorReference,
              challengeId: newId('chl'),
              errorCode: null,
              errorMessage: null,
            },
          },
        },
        jobs: settled,
      };
    case 'declined': {
      const final = current.payments.length >= MAX_PAYMENT_ATTEMPTS;
      return {
        change: {
          ...base,
          state: transition(order.state, final ? 'payment_failed_final' : 'payment_declined'),
          paymentUpdate: {
            id: payment.id,
            update: {
              status: 'FAILED',
              connectorReference: outcome.connectorReference ?? undefined,
              errorCode: outcome.code,
              errorMessage: outcome.message,
            },
          },
        },
        jobs: settled,
        notify: { type: final ? 'payment.failed' : 'payment.declined', ...notice },
      };
    }
    case 'unknown':
      // The gateway may have authorized: the payment stays PENDING for a status sync to settle.
      return {
        change: {
          ...base,
          paymentUpdate: {
            id: payment.id,
            update: {
              status: 'PENDING',
              connectorReference: outcome.connectorReference ?? undefined,
              errorCode: null,
              errorMessage: outcome.reason,
            },
          },
        },
        jobs: {
          enqueue: [
            statusSyncJob(
              'authorization',
              { merchantId: order.merchantId, orderId: order.id, operationId: payment.id },
              ctx.syncPolicy,
              now,
            ),
          ],
        },
      };
  }
}

/**
 * Finishes a 3-D Secure challenge with the OTP the cardholder typed on the challenge page.
 * Returns the order, or undefined when the challenge id is unknown or already used.
 */
export async function completeAuthentication(ctx: CoreContext, challengeId: string, otp: string): Promise<OrderAggregate | undefined> {
  const found = await findPaymentByChallenge(ctx.db, challengeId);
  if (!found) return undefined;
  const target = { merchantId: found.merchantId, orderId: found.orderId };
  const read = await readOrder(ctx, target);
  const payment = read.payments.find((p) => p.id === found.paymentId);
  if (payment?.status !== 'PENDING' || !payment.connectorReference) return undefined;
  const outcome = await ctx.gateway.completeAuthentication(payment.connector, {
    paymentId: payment.id,
    connectorReference: payment.connectorReference,
    otp,
    capture: !read.order.preAuth,
    amount: payment.amount,
    currency: payment.currency,
  });
  const plan = { payment, captureWindowMs: (await merchantTerms(ctx, found.merchantId)).captureWindowMs, sale: !read.order.preAuth };
  return recordAnswer(ctx, authorizeSpec, target, read, plan, outcome);
}

/** Whether a challenge id names a payment still waiting for its OTP (the challenge page is open). */
export async function isChallengeOpen(ctx: CoreContext, challengeId: string): Promise<boolean> {
  return (await findPaymentByChallenge(ctx.db, challengeId))?.status === 'PENDING';
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
