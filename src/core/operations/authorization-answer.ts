import type { AuthorizeOutcome, CardForAuthorization } from '../../connectors/gateway.js';
import { newId } from '../../domain/ids.js';
import { journalEntry } from '../../domain/ledger.js';
import type { OrderAggregate, Payment } from '../../domain/order.js';
import type { CoreContext } from '../context.js';
import { autoVoidJob, challengeExpiryJob, challengeExpiryJobKey, orderExpiryJobKey, statusSyncJob, syncJobKey } from '../scheduled-jobs.js';
import { transition } from './gateway-requests.js';
import type { OrderWrite } from './order-write.js';

/** Payments an order may attempt before a decline becomes final (FAILED rather than ATTEMPTED). */
export const MAX_PAYMENT_ATTEMPTS = 3;

/** Gateways one payment may be tried at: the one routed to and, on failover, the next (docs/failover.md). */
export const MAX_GATEWAYS_PER_PAYMENT = 2;

/** The attempts the merchant started: a failover's second try is part of the attempt it replaced. */
export function merchantAttempts(payments: readonly Payment[]): Payment[] {
  return payments.filter((p) => p.failoverOf === null);
}

/** An answer a new authorization may fail over from. */
type FailoverOutcome = Extract<AuthorizeOutcome, { kind: 'declined' | 'unknown' }>;

/**
 * Whether a new authorization may move to the next gateway after this answer (docs/failover.md):
 * only when the request provably never reached the gateway, or the connector's own table calls the
 * decline the gateway's fault. Never after a timeout, an unreadable answer, a pending answer, a hard
 * decline, or a 3-D Secure challenge.
 */
export function mayFailOver(outcome: AuthorizeOutcome): outcome is FailoverOutcome {
  return (outcome.kind === 'unknown' && outcome.notSent === true) || (outcome.kind === 'declined' && outcome.retryable === true);
}

export interface AuthorizePlan {
  payment: Payment;
  /** The card for this one call; held in memory only, never written. */
  card?: CardForAuthorization;
  /** How long the authorization may wait for capture: the merchant's window, else the server's. */
  captureWindowMs: number;
  /** A sale (authorize and capture at once) rather than a pre-authorization. */
  sale: boolean;
  /**
   * The next gateway to try if this one never receives the request or declines it retryably; only
   * on the request's own path, which holds the card (an inquiry never fails over).
   */
  fallback?: string | null;
}

/**
 * Records an authorization answer (from the request, the challenge page or a status sync);
 * nothing when the payment already left PENDING (a duplicate answer).
 */
export function authorizationAnswer(
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
  // A final answer needs neither the inquiry nor, after a challenge, the challenge's expiry; an
  // order paid or failed for good no longer expires either (docs/order-expiry.md).
  const answered = { cancel: [syncJobKey(payment.id), challengeExpiryJobKey(payment.id)] };
  const settledForGood = { cancel: [...answered.cancel, orderExpiryJobKey(order.id)] };
  // Every answer replaces the latency, so a row's latency is always that of the answer it holds.
  const gatewayLatencyMs = outcome.latencyMs ?? null;
  if (plan.card && mayFailOver(outcome)) {
    if (plan.fallback) return failover(order, payment, plan.fallback, outcome, ctx, now);
    // No gateway left to try: a request that never reached its gateway authorized nothing, so the
    // attempt is declined at once rather than chased by inquiries.
    if (outcome.kind === 'unknown') outcome = notReached(outcome);
  }
  switch (outcome.kind) {
    case 'approved': {
      const ids = {
        connectorReference: outcome.connectorReference,
        approvalCode: outcome.approvalCode,
        rrn: outcome.rrn,
        acquirerReference: outcome.acquirerReference,
        gatewayDetails: outcome.details,
        gatewayLatencyMs,
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
          jobs: { ...settledForGood, enqueue: [autoVoidJob(order.merchantId, order.id, deadline)] },
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
        jobs: settledForGood,
        notify: { type: 'payment.captured', ...notice },
      };
    }
    case 'challenge': {
      const expiresAt = new Date(now.getTime() + ctx.challengeTtlMs);
      const payload = { merchantId: order.merchantId, orderId: order.id, operationId: payment.id };
      return {
        change: {
          ...base,
          state: transition(order.state, 'authentication_required'),
          paymentUpdate: {
            id: payment.id,
            update: {
              status: 'PENDING',
              connectorReference: outcome.connectorReference,
              challengeRedirectUrl: outcome.redirectUrl ?? null,
              challengeId: newId('chl'),
              challengeExpiresAt: expiresAt,
              errorCode: null,
              errorMessage: null,
              gatewayLatencyMs,
            },
          },
        },
        // Nobody may ever type the OTP: at the end of the window the payment fails authentication.
        jobs: { ...settled, enqueue: [challengeExpiryJob(payload, expiresAt)] },
      };
    }
    case 'declined': {
      const final = merchantAttempts(current.payments).length >= MAX_PAYMENT_ATTEMPTS;
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
              gatewayDetails: outcome.details,
              gatewayLatencyMs,
            },
          },
        },
        jobs: final ? settledForGood : answered,
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
              gatewayLatencyMs,
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
              payment.connector,
            ),
          ],
        },
      };
  }
}

/**
 * The failover write (docs/failover.md): the attempt that never reached its gateway, or was declined
 * for the gateway's own fault, ends FAILED, and a new attempt on the next gateway starts, under the
 * same merchant reference, with its own id and its own status inquiry. The order stays PENDING and
 * the merchant hears nothing until the new attempt answers.
 */
function failover(
  order: OrderAggregate['order'],
  payment: Payment,
  next: string,
  outcome: FailoverOutcome,
  ctx: CoreContext,
  now: Date,
): OrderWrite {
  const attempt: Payment = {
    ...payment,
    id: ctx.ids.payment(order.id),
    txnUuid: ctx.ids.txn(),
    status: 'PENDING',
    connector: next,
    connectorReference: null,
    challengeId: null,
    challengeExpiresAt: null,
    challengeRedirectUrl: null,
    errorCode: null,
    errorMessage: null,
    approvalCode: null,
    rrn: null,
    acquirerReference: null,
    gatewayDetails: null,
    gatewayLatencyMs: null,
    failoverOf: payment.id,
    createdAt: now,
    updatedAt: now,
  };
  const payload = { merchantId: order.merchantId, orderId: order.id, operationId: attempt.id };
  return {
    change: {
      version: order.version,
      paymentUpdate: {
        id: payment.id,
        update: {
          status: 'FAILED',
          connectorReference: outcome.connectorReference ?? undefined,
          errorCode: outcome.kind === 'declined' ? outcome.code : 'GATEWAY_UNREACHABLE',
          errorMessage: `${outcome.kind === 'declined' ? outcome.message : outcome.reason}; tried the next gateway`,
          gatewayDetails: outcome.kind === 'declined' ? outcome.details : undefined,
          gatewayLatencyMs: outcome.latencyMs ?? null,
        },
      },
      newPayment: attempt,
    },
    jobs: { cancel: [syncJobKey(payment.id)], enqueue: [statusSyncJob('authorization', payload, ctx.syncPolicy, now, next)] },
  };
}

function notReached(outcome: Extract<AuthorizeOutcome, { kind: 'unknown' }>): AuthorizeOutcome {
  return {
    kind: 'declined',
    connectorReference: outcome.connectorReference,
    code: 'PAYMENT_DECLINED',
    message: `The gateway could not be reached (${outcome.reason}); nothing was authorized`,
  };
}
