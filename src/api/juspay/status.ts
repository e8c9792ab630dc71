import type { OrderAggregate, Payment } from '../../domain/order.js';
import { currentPayment } from '../../domain/order.js';
import type { OrderState } from '../../domain/order-state.js';

/** The one place core states become Juspay status names and ids (SPEC §2 table, reference §5). */
export const JUSPAY_STATUS_IDS = {
  NEW: 10,
  CHARGED: 21,
  PENDING_VBV: 23,
  AUTHORIZED: 25,
  AUTHENTICATION_FAILED: 26,
  AUTHORIZATION_FAILED: 27,
  AUTHORIZING: 28,
  VOIDED: 31,
  VOID_INITIATED: 32,
  CAPTURE_INITIATED: 33,
  CAPTURE_FAILED: 34,
  VOID_FAILED: 35,
  PARTIAL_CHARGED: 37,
  NOT_FOUND: 40,
} as const;

export type JuspayStatus = keyof typeof JUSPAY_STATUS_IDS;

function failureStatus(payment: Payment | undefined): JuspayStatus {
  return payment?.errorCode === 'USER_AUTHENTICATION_FAILED' ? 'AUTHENTICATION_FAILED' : 'AUTHORIZATION_FAILED';
}

/** Order status: a pending capture or void shows as *_INITIATED only once the gateway has accepted it; an unknown outcome keeps AUTHORIZED. */
export function juspayOrderStatus(aggregate: OrderAggregate): JuspayStatus {
  const { order } = aggregate;
  const payment = currentPayment(aggregate);
  switch (order.state) {
    case 'CREATED':
      return 'NEW';
    case 'PENDING':
      return payment?.challengeId ? 'PENDING_VBV' : 'AUTHORIZING';
    case 'AUTHORIZED':
      return 'AUTHORIZED';
    case 'CAPTURE_PENDING':
      return aggregate.captures.at(-1)?.status === 'GATEWAY_PENDING' ? 'CAPTURE_INITIATED' : 'AUTHORIZED';
    case 'CAPTURED':
      return 'CHARGED';
    case 'PARTIALLY_CAPTURED':
      return 'PARTIAL_CHARGED';
    case 'CAPTURE_FAILED':
      return 'CAPTURE_FAILED';
    case 'VOID_PENDING':
      return aggregate.reversals.at(-1)?.status === 'GATEWAY_PENDING' ? 'VOID_INITIATED' : 'AUTHORIZED';
    case 'VOIDED':
      return 'VOIDED';
    case 'VOID_FAILED':
      return 'VOID_FAILED';
    case 'ATTEMPTED':
    case 'FAILED':
      return failureStatus(payment);
    case 'PARTIALLY_REFUNDED':
    case 'FULLY_REFUNDED':
      // Refunds do not change a Juspay order's status; amount_refunded and refunded tell them.
      return aggregate.reversals.some((r) => r.kind === 'REMAINDER') ? 'PARTIAL_CHARGED' : 'CHARGED';
  }
}

/** A transaction's status: the order's for the current attempt (a partial capture's txn is CHARGED); earlier attempts failed. */
export function juspayTxnStatus(aggregate: OrderAggregate, payment: Payment): JuspayStatus {
  if (payment !== currentPayment(aggregate)) return payment.status === 'FAILED' ? failureStatus(payment) : 'AUTHORIZING';
  const status = juspayOrderStatus(aggregate);
  return status === 'PARTIAL_CHARGED' ? 'CHARGED' : status;
}

/** The status named in "Cannot Capture X Transaction" messages, from the core state alone. */
export function juspayStatusForState(state: OrderState): string {
  const byState: Record<OrderState, string> = {
    CREATED: 'NEW',
    PENDING: 'PENDING_VBV',
    AUTHORIZED: 'AUTHORIZED',
    CAPTURE_PENDING: 'CAPTURE_INITIATED',
    CAPTURED: 'CHARGED',
    PARTIALLY_CAPTURED: 'CHARGED',
    CAPTURE_FAILED: 'CAPTURE_FAILED',
    VOID_PENDING: 'VOID_INITIATED',
    VOIDED: 'VOIDED',
    VOID_FAILED: 'VOID_FAILED',
    ATTEMPTED: 'AUTHORIZATION_FAILED',
    FAILED: 'AUTHORIZATION_FAILED',
    PARTIALLY_REFUNDED: 'CHARGED',
    FULLY_REFUNDED: 'CHARGED',
  };
  return byState[state];
}

export function juspayRefundStatus(status: string): 'PENDING' | 'SUCCESS' | 'FAILURE' {
  if (status === 'SUCCEEDED') return 'SUCCESS';
  if (status === 'FAILED') return 'FAILURE';
  return 'PENDING';
}
