import type { OrderAggregate, Payment } from '../../domain/order.js';
import { currentPayment } from '../../domain/order.js';
import { isExpired } from '../../domain/order-expiry.js';
import type { OrderState } from '../../domain/order-state.js';

/** The one place core states become Juspay status names and ids (the Juspay table of docs/statuses.md). */
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

/**
 * The one state → status table: an order's status by its core state alone. A state that waits on an
 * outcome shows what it waits for; juspayOrderStatus refines these from the aggregate.
 */
const STATUS_BY_STATE: Readonly<Record<OrderState, JuspayStatus>> = {
  CREATED: 'NEW',
  PENDING: 'PENDING_VBV',
  AUTHORIZED: 'AUTHORIZED',
  CAPTURE_PENDING: 'CAPTURE_INITIATED',
  CAPTURED: 'CHARGED',
  PARTIALLY_CAPTURED: 'PARTIAL_CHARGED',
  CAPTURE_FAILED: 'CAPTURE_FAILED',
  VOID_PENDING: 'VOID_INITIATED',
  VOIDED: 'VOIDED',
  VOID_FAILED: 'VOID_FAILED',
  ATTEMPTED: 'AUTHORIZATION_FAILED',
  FAILED: 'AUTHORIZATION_FAILED',
  // Refunds do not change a Juspay order's status; amount_refunded and refunded tell them.
  PARTIALLY_REFUNDED: 'CHARGED',
  FULLY_REFUNDED: 'CHARGED',
};

/** A partially captured order's transaction is CHARGED: PARTIAL_CHARGED is an order status only. */
const asTxnStatus = (status: JuspayStatus): JuspayStatus => (status === 'PARTIAL_CHARGED' ? 'CHARGED' : status);

function failureStatus(payment: Payment | undefined): JuspayStatus {
  return payment?.errorCode === 'USER_AUTHENTICATION_FAILED' ? 'AUTHENTICATION_FAILED' : 'AUTHORIZATION_FAILED';
}

/**
 * Order status: the table, refined from the aggregate. An order that expired before any attempt
 * is AUTHENTICATION_FAILED: Juspay documents no EXPIRED order status, and 26 is its terminal
 * status for a customer who did not complete the payment (docs/order-expiry.md); one that expired
 * after a declined attempt keeps that attempt's failure. A pending capture or void shows as
 * *_INITIATED only once the gateway has accepted it (an unknown outcome keeps AUTHORIZED); a pending
 * payment is PENDING_VBV only with a challenge; a failure names authentication when that failed;
 * a refunded order whose uncaptured remainder was released stays PARTIAL_CHARGED.
 */
export function juspayOrderStatus(aggregate: OrderAggregate): JuspayStatus {
  const { order } = aggregate;
  const status = STATUS_BY_STATE[order.state];
  switch (order.state) {
    case 'CREATED':
      return isExpired(order) ? 'AUTHENTICATION_FAILED' : status;
    case 'PENDING':
      return currentPayment(aggregate)?.challengeId ? status : 'AUTHORIZING';
    case 'CAPTURE_PENDING':
      return aggregate.captures.at(-1)?.status === 'GATEWAY_PENDING' ? status : 'AUTHORIZED';
    case 'VOID_PENDING':
      return aggregate.reversals.findLast((r) => r.kind !== 'LATE_VOID')?.status === 'GATEWAY_PENDING' ? status : 'AUTHORIZED';
    case 'ATTEMPTED':
    case 'FAILED':
      return failureStatus(currentPayment(aggregate));
    case 'PARTIALLY_REFUNDED':
    case 'FULLY_REFUNDED':
      return aggregate.reversals.some((r) => r.kind === 'REMAINDER') ? 'PARTIAL_CHARGED' : status;
    default:
      return status;
  }
}

/** A transaction's status: the order's for the current attempt (a partial capture's txn is CHARGED); earlier attempts failed. */
export function juspayTxnStatus(aggregate: OrderAggregate, payment: Payment): JuspayStatus {
  if (payment !== currentPayment(aggregate)) return payment.status === 'FAILED' ? failureStatus(payment) : 'AUTHORIZING';
  return asTxnStatus(juspayOrderStatus(aggregate));
}

/** The status named in "Cannot Capture X Transaction" messages, from the core state alone. */
export function juspayStatusForState(state: OrderState): JuspayStatus {
  return asTxnStatus(STATUS_BY_STATE[state]);
}

export function juspayRefundStatus(status: string): 'PENDING' | 'SUCCESS' | 'FAILURE' {
  if (status === 'SUCCEEDED') return 'SUCCESS';
  if (status === 'FAILED') return 'FAILURE';
  return 'PENDING';
}
