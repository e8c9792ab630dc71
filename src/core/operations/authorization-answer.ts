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

export interface AuthorizePlan {
  payment: Payment;
  /** The card for this one call; held in memory only, never written. */
  card?: CardForAuthorization;
  /** How long the authorization may wait for capture: the merchant's window, else the server's. */
  captureWindowMs: number;
  /** A sale (authorize and capture at once) rather than a pre-authorization. */
  sale: boolean;
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
              challengeId: newId('chl'),
              challengeExpiresAt: expiresAt,
              errorCode: null,
              errorMessage: null,
            },
          },
        },
        // Nobody may ever type the OTP: at the end of the window the payment fails authentication.
        jobs: { ...settled, enqueue: [challengeExpiryJob(payload, expiresAt)] },
      };
    }
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
