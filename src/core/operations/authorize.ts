import type { AuthorizeOutcome, CardForAuthorization } from '../../connectors/gateway.js';
import { HoldfastError, invalidInput, invalidState, notFound, paymentClosed } from '../../domain/errors.js';
import type { OrderAggregate, Payment } from '../../domain/order.js';
import type { StoredCard } from '../../domain/card.js';
import { isExpiryDue } from '../../domain/order-expiry.js';
import { nextState } from '../../domain/order-state.js';
import { findMerchant } from '../../store/merchants-repository.js';
import { claimChallenge } from '../../store/challenge-claims.js';
import { findPaymentByChallenge } from '../../store/orders-repository.js';
import { cardTestingRefusal } from '../card-testing.js';
import type { CoreContext } from '../context.js';
import type { RequestKey } from '../request-key.js';
import { sameRequest } from '../request-fingerprint.js';
import { authorizationAnswer, MAX_GATEWAYS_PER_PAYMENT, merchantAttempts, type AuthorizePlan } from './authorization-answer.js';
import { validateCard, type CardInput } from './card-input.js';
import { operationIntent } from './intent.js';
import type { SyncPayload } from '../scheduled-jobs.js';
import { readOrder, recordAnswer, runOperation, type OperationSpec, type SettleSpec, type StepResult } from './pipeline.js';

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
  // Routing reads the order's kind (sale or pre-authorization); the pipeline then starts from that read.
  const read = input.read ?? (ctx.routing ? await readOrder(ctx, input) : undefined);
  const gateways = read ? await routeGateways(ctx, input, card, terms, read) : [terms.connector];
  const result = await runOperation(ctx, authorizeSpec, input, { ...input, card, terms, gateways }, read);
  if (result.kind !== 'done') return { aggregate: result.aggregate, replayed: result.kind === 'replay' };
  return { aggregate: await tryNextGateway(ctx, input, result.plan, result.aggregate), replayed: false };
}

/** The gateways this authorization may go to, in order: at most two (docs/failover.md). */
async function routeGateways(
  ctx: CoreContext,
  input: AuthorizePaymentInput,
  card: CardForAuthorization,
  terms: MerchantTerms,
  read: OrderAggregate,
): Promise<string[]> {
  if (!ctx.routing) return [terms.connector];
  const facts = {
    network: card.network,
    bin: card.number.slice(0, 6),
    amount: input.amount,
    currency: input.currency,
    preAuth: read.order.preAuth,
  };
  const routed = await ctx.routing.route(input.merchantId, terms.connector, facts);
  // Every account the rules name is disabled or gone: no gateway may be asked.
  if (routed.length === 0) {
    throw new HoldfastError('payment_method_not_supported', 'No enabled gateway account can take this payment', {
      field: 'payment_method',
    });
  }
  return routed.slice(0, MAX_GATEWAYS_PER_PAYMENT);
}

/**
 * After a failover write (the first gateway never received the request, or declined it for its own
 * fault), the new attempt asks the next gateway, with the card still in memory, and its answer is
 * recorded like any authorization's. Otherwise the order as it is.
 */
async function tryNextGateway(ctx: CoreContext, input: AuthorizePaymentInput, plan: AuthorizePlan, after: OrderAggregate) {
  const next = after.payments.find((p) => p.failoverOf === plan.payment.id && p.status === 'PENDING');
  if (!next || !plan.card) {
    if (plan.fallback) ctx.routing?.unused(plan.fallback);
    return after;
  }
  const nextPlan: AuthorizePlan = { ...plan, payment: next, fallback: null };
  const outcome = await authorizeSpec.call(ctx, nextPlan, after);
  return recordAnswer(ctx, authorizeSpec, { merchantId: input.merchantId, orderId: input.orderId }, after, nextPlan, outcome);
}

type AuthorizeRequestInput = AuthorizePaymentInput & { card: CardForAuthorization; terms: MerchantTerms; gateways: string[] };

/** Whether a repeated payment request names the card already stored under its reference. */
function sameCard(stored: StoredCard | null, card: CardForAuthorization, ctx: Pick<CoreContext, 'keys'>): boolean {
  if (!stored) return true;
  if (stored.fingerprint !== null && stored.fingerprint !== ctx.keys.cardFingerprint(card.number)) return false;
  return stored.expiryMonth === card.expiryMonth && stored.expiryYear === card.expiryYear;
}

export const authorizeSpec: OperationSpec<AuthorizeRequestInput, AuthorizePlan, AuthorizeOutcome> &
  SettleSpec<AuthorizePlan, AuthorizeOutcome> = {
  decide(read, input, ctx, now) {
    const { order } = read;
    const existing = merchantAttempts(read.payments).find((p) => p.merchantPaymentReference === input.merchantPaymentReference);
    if (existing) {
      // The request fingerprint leaves card data out; the card is compared through what is stored of it
      // (its keyed fingerprint and expiry). Nothing stored is derived from a security code, so a CVV cannot be compared.
      if (!sameRequest(existing.requestFingerprint, input.requestFingerprint) || !sameCard(existing.card, input.card, ctx)) {
        throw new HoldfastError('idempotency_conflict', 'Duplicate Merchant Reference ID received', {
          field: 'merchant_payment_reference',
        });
      }
      return { kind: 'replay' }; // identical replay: answer with the order as it is
    }
    // Decided on the version the intent is guarded by: a closing written meanwhile makes the intent miss and this refuse.
    if (order.paymentClosedReason) throw paymentClosed(order.paymentClosedReason);
    // From the instant of its expiry, whether or not its job has closed it yet (docs/order-expiry.md).
    if (isExpiryDue(order, now)) throw paymentClosed('expired');
    if (!nextState(order.state, 'payment_started')) throw invalidState('payment', order.state);
    if (input.currency !== order.currency)
      throw invalidInput('payment_amount.currency', `currency must be ${order.currency}, the order's currency`);
    if (input.amount !== order.amount)
      throw invalidInput('payment_amount.value', `payment amount must equal the order amount (${order.amount})`);
    const { card } = input;
    const payment: Payment = {
      id: ctx.ids.payment(order.id),
      txnUuid: ctx.ids.txn(),
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
        fingerprint: ctx.keys.cardFingerprint(card.number),
      },
      connector: input.gateways[0] ?? input.terms.connector,
      connectorReference: null,
      challengeId: null,
      challengeExpiresAt: null,
      errorCode: null,
      errorMessage: null,
      approvalCode: null,
      rrn: null,
      acquirerReference: null,
      failoverOf: null,
      challengeRedirectUrl: null,
      gatewayDetails: null,
      gatewayLatencyMs: null,
      createdAt: now,
      updatedAt: now,
    };
    const plan = { payment, card, captureWindowMs: input.terms.captureWindowMs, sale: !order.preAuth, fallback: input.gateways[1] ?? null };
    return { kind: 'start', plan };
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
        connector: payment.connector,
      },
      now,
    ),

  async call(ctx, { payment, card, sale }, { order }) {
    if (!card) throw new Error('authorization without card data');
    // A failover's second try is the same authorization, already let through.
    const refused = payment.failoverOf === null ? await cardTestingRefusal(ctx, order.merchantId, payment) : undefined;
    if (refused) return refused;
    return observed(
      ctx,
      payment,
      await ctx.gateway.authorize(payment.connector, {
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
      }),
    );
  },

  async planFor(ctx, read, paymentId) {
    const payment = read.payments.find((p) => p.id === paymentId);
    // A challenged payment waits for its cardholder, not for the gateway.
    if (payment?.status !== 'PENDING' || payment.challengeId) return undefined;
    return { payment, captureWindowMs: (await merchantTerms(ctx, read.order.merchantId)).captureWindowMs, sale: !read.order.preAuth };
  },

  inquire: async (ctx, { payment, sale }) =>
    observed(
      ctx,
      payment,
      await ctx.gateway.inquireAuthorization(payment.connector, {
        paymentId: payment.id,
        connectorReference: payment.connectorReference,
        capture: sale,
      }),
    ),

  isFinal: (outcome) => outcome.kind !== 'unknown' && outcome.kind !== 'challenge',

  answer: authorizationAnswer,
};

/** Routing hears every answer a gateway gave about an authorization (docs/routing.md). */
function observed(ctx: CoreContext, payment: Payment, outcome: AuthorizeOutcome): AuthorizeOutcome {
  ctx.routing?.observe(payment.connector, payment.card?.network ?? null, outcome);
  return outcome;
}

/** How an answer for this attempt is recorded, outside the request that started it (an inquiry, an upstream's return). */
export async function authorizationPlan(ctx: CoreContext, read: OrderAggregate, payment: Payment): Promise<AuthorizePlan> {
  return { payment, captureWindowMs: (await merchantTerms(ctx, read.order.merchantId)).captureWindowMs, sale: !read.order.preAuth };
}

/**
 * Finishes a 3-D Secure challenge with the OTP the cardholder typed on the challenge page.
 * Returns the order, or undefined when the challenge id is unknown or already used.
 */
export async function completeAuthentication(ctx: CoreContext, challengeId: string, otp: string): Promise<OrderAggregate | undefined> {
  return finishChallenge(ctx, challengeId, async (payment, connectorReference, sale) =>
    // Too late: authentication fails exactly as with a wrong OTP; the gateway is not asked.
    challengeExpired(ctx, payment)
      ? expiredChallenge(connectorReference)
      : ctx.gateway.completeAuthentication(payment.connector, {
          paymentId: payment.id,
          connectorReference,
          otp,
          capture: sale,
          amount: payment.amount,
          currency: payment.currency,
        }),
  );
}

/**
 * The customer left the challenge page without an OTP ("cancel and return to the merchant"):
 * authentication fails at once, as when the window closes, without asking the gateway.
 */
export async function abandonAuthentication(ctx: CoreContext, challengeId: string): Promise<OrderAggregate | undefined> {
  return finishChallenge(ctx, challengeId, (_payment, connectorReference) =>
    Promise.resolve<AuthorizeOutcome>({
      kind: 'declined',
      connectorReference,
      code: 'USER_AUTHENTICATION_FAILED',
      message: 'The customer cancelled the 3-D Secure challenge',
    }),
  );
}

/** Records the answer `decide` gives for the payment waiting on a challenge; undefined when none waits on it. */
async function finishChallenge(
  ctx: CoreContext,
  challengeId: string,
  decide: (payment: Payment, connectorReference: string, sale: boolean) => Promise<AuthorizeOutcome>,
): Promise<OrderAggregate | undefined> {
  const found = await findPaymentByChallenge(ctx.db, challengeId);
  if (!found) return undefined;
  const target = { merchantId: found.merchantId, orderId: found.orderId };
  const read = await readOrder(ctx, target);
  const payment = read.payments.find((p) => p.id === found.paymentId);
  if (payment?.status !== 'PENDING' || !payment.connectorReference) return undefined;
  // One submission wins: whoever claims the challenge first is the only one to ask the gateway;
  // the others answer as for a challenge that is no longer waiting.
  if (!(await claimChallenge(ctx.db, payment.id, ctx.clock.now()))) return undefined;
  const outcome = await decide(payment, payment.connectorReference, !read.order.preAuth);
  const plan = { payment, captureWindowMs: (await merchantTerms(ctx, found.merchantId)).captureWindowMs, sale: !read.order.preAuth };
  return recordAnswer(ctx, authorizeSpec, target, read, plan, outcome);
}

/**
 * The end of a challenge's window (its job): a payment still waiting for its OTP fails
 * authentication, as if a wrong one had been typed, so the order does not stay PENDING forever.
 */
export async function expireChallenge(ctx: CoreContext, payload: SyncPayload): Promise<StepResult> {
  const target = { merchantId: payload.merchantId, orderId: payload.orderId };
  const read = await readOrder(ctx, target);
  const payment = read.payments.find((p) => p.id === payload.operationId);
  if (payment?.status !== 'PENDING' || !payment.challengeId) return 'done';
  if (!challengeExpired(ctx, payment)) return 'retry';
  // An OTP submission holds the claim: its answer is on its way, so look again later.
  if (!(await claimChallenge(ctx.db, payment.id, ctx.clock.now()))) return 'retry';
  const plan = { payment, captureWindowMs: (await merchantTerms(ctx, payload.merchantId)).captureWindowMs, sale: !read.order.preAuth };
  await recordAnswer(ctx, authorizeSpec, target, read, plan, expiredChallenge(payment.connectorReference));
  return 'done';
}

function challengeExpired(ctx: CoreContext, payment: Payment): boolean {
  return payment.challengeExpiresAt !== null && ctx.clock.now().getTime() >= payment.challengeExpiresAt.getTime();
}

function expiredChallenge(connectorReference: string | null): AuthorizeOutcome {
  return {
    kind: 'declined',
    connectorReference,
    code: 'USER_AUTHENTICATION_FAILED',
    message: 'The 3-D Secure challenge expired before the OTP was entered',
  };
}

/** Whether a challenge id names a payment still waiting for its OTP (the challenge page is open). */
export async function isChallengeOpen(ctx: CoreContext, challengeId: string): Promise<boolean> {
  return (await findPaymentByChallenge(ctx.db, challengeId))?.status === 'PENDING';
}
