import { paymentClosedReason } from '../../core/hosted-orders.js';
import type { OrderAggregate, PaymentClosedReason } from '../../domain/order.js';
import type { OrderState } from '../../domain/order-state.js';
import type { Notice } from './html-page.js';

/**
 * What the customer is told about an order that can no longer be paid, by core state
 * (docs/state-machine.md). Only CREATED and ATTEMPTED (a declined attempt) take a payment.
 */
const PAID: Notice = {
  title: 'This order is paid',
  message: 'The payment for this order has been received. There is nothing more to pay.',
  tone: 'success',
};
const CANCELLED: Notice = {
  title: 'This order was cancelled',
  message: 'The merchant cancelled this order. It can no longer be paid.',
  tone: 'warning',
};

const CLOSED: Readonly<Record<Exclude<OrderState, 'CREATED' | 'ATTEMPTED' | 'PENDING'>, Notice>> = {
  AUTHORIZED: PAID,
  CAPTURE_PENDING: PAID,
  CAPTURED: PAID,
  PARTIALLY_CAPTURED: PAID,
  CAPTURE_FAILED: PAID,
  VOID_FAILED: PAID,
  PARTIALLY_REFUNDED: { ...PAID, message: 'This order was paid and part of it has been refunded.' },
  FULLY_REFUNDED: { ...PAID, title: 'This order was refunded', message: 'This order was paid and then refunded in full.' },
  VOID_PENDING: CANCELLED,
  VOIDED: CANCELLED,
  FAILED: {
    title: 'This payment failed',
    message: 'The payment for this order did not go through, and the order can no longer be paid.',
    tone: 'error',
  },
};

/** An order closed before anyone paid it (payment_closed_reason): by its payment link's end, or by its own expiry. */
const LINK_CLOSED: Readonly<Record<PaymentClosedReason, Notice>> = {
  expired: {
    title: 'This payment link has expired',
    message: 'It can no longer be paid. Ask the merchant for a new one.',
    tone: 'warning',
  },
  cancelled: { title: 'This payment link was cancelled', message: 'The merchant cancelled it; it can no longer be paid.', tone: 'warning' },
};
const ORDER_EXPIRED: Notice = {
  title: 'This payment page has expired',
  message: 'The time to pay this order is over, and it can no longer be paid. Return to the merchant to place the order again.',
  tone: 'warning',
};

/** The notice for an order that takes no payment; undefined when it does. */
export function closedOrderNotice(aggregate: OrderAggregate): Notice | undefined {
  const closedFor = paymentClosedReason(aggregate);
  if (closedFor === 'expired' && aggregate.order.details.payment_link_id === undefined) return ORDER_EXPIRED;
  if (closedFor) return LINK_CLOSED[closedFor];
  const { state } = aggregate.order;
  if (state === 'CREATED' || state === 'ATTEMPTED') return undefined;
  if (state === 'PENDING') {
    const challenged = aggregate.payments.some((p) => p.status === 'PENDING' && p.challengeId);
    return challenged
      ? {
          title: 'A payment is waiting for verification',
          message: 'This order is being paid in another window, which is waiting for the one-time password. Finish the payment there.',
          tone: 'info',
        }
      : {
          title: 'A payment is in progress',
          message: 'This order is being paid and the bank has not answered yet. Do not pay again; the merchant will see the outcome.',
          tone: 'info',
        };
  }
  return CLOSED[state];
}

/** The notice above the form after a declined attempt, so the customer knows why they are back. */
export function retryNotice(aggregate: OrderAggregate): Notice | undefined {
  const last = aggregate.payments.at(-1);
  if (aggregate.order.state !== 'ATTEMPTED' || last?.status !== 'FAILED') return undefined;
  return {
    title: 'Your last payment attempt did not go through',
    message: `${last.errorMessage ?? 'The payment was declined'}. You can try again, with another card if you have one.`,
    tone: 'error',
  };
}
