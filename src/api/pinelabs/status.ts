import type { OperationStatus, Order, PaymentStatus } from '../../domain/order.js';
import { isExpired } from '../../domain/order-expiry.js';
import type { OrderState } from '../../domain/order-state.js';

/** The one place core states become Pine Labs status names (the Pine Labs table of docs/statuses.md). */
export type PineLabsOrderStatus =
  'CREATED' | 'PENDING' | 'ATTEMPTED' | 'AUTHORIZED' | 'PROCESSED' | 'CANCELLED' | 'FAILED' | 'PARTIALLY_REFUNDED' | 'FULLY_REFUNDED';

const ORDER_STATUS: Readonly<Record<OrderState, PineLabsOrderStatus>> = {
  CREATED: 'CREATED',
  PENDING: 'PENDING',
  AUTHORIZED: 'AUTHORIZED',
  // Pending or unknown outcomes keep showing the authorization until they resolve.
  CAPTURE_PENDING: 'AUTHORIZED',
  CAPTURED: 'PROCESSED',
  PARTIALLY_CAPTURED: 'PROCESSED',
  CAPTURE_FAILED: 'FAILED',
  VOID_PENDING: 'AUTHORIZED',
  VOIDED: 'CANCELLED',
  VOID_FAILED: 'AUTHORIZED',
  ATTEMPTED: 'ATTEMPTED',
  FAILED: 'FAILED',
  PARTIALLY_REFUNDED: 'PARTIALLY_REFUNDED',
  FULLY_REFUNDED: 'FULLY_REFUNDED',
};

export function pineLabsOrderStatus(state: OrderState): PineLabsOrderStatus {
  return ORDER_STATUS[state];
}

/**
 * An order's status: its state's, except that an order closed by its expiry before anyone paid it
 * is FAILED — Pine Labs' order status for "payment acceptance failed"; its enum has no EXPIRED
 * (docs/order-expiry.md). A payment on it is refused with PAYMENT_EXPIRED (errors.ts).
 */
export function pineLabsOrderStatusOf(order: Pick<Order, 'state' | 'paymentClosedReason'>): PineLabsOrderStatus {
  return isExpired(order) ? 'FAILED' : ORDER_STATUS[order.state];
}

export type PineLabsPaymentStatus = 'PENDING' | 'AUTHORIZED' | 'PROCESSED' | 'CANCELLED' | 'FAILED';

export function pineLabsPaymentStatus(status: PaymentStatus, orderState: OrderState): PineLabsPaymentStatus {
  if (orderState === 'CAPTURE_FAILED' && status === 'AUTHORIZED') return 'FAILED';
  switch (status) {
    case 'PENDING':
      return 'PENDING';
    case 'AUTHORIZED':
      return 'AUTHORIZED';
    case 'CAPTURED':
      return 'PROCESSED';
    case 'VOIDED':
      return 'CANCELLED';
    case 'FAILED':
      return 'FAILED';
  }
}

/** Refund orders: CREATED, PENDING, PROCESSED, FAILED. */
export function pineLabsRefundStatus(status: OperationStatus): 'PENDING' | 'PROCESSED' | 'FAILED' {
  if (status === 'SUCCEEDED') return 'PROCESSED';
  if (status === 'FAILED') return 'FAILED';
  return 'PENDING';
}
