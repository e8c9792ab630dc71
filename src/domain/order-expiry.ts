import type { Order, OrderAggregate } from './order.js';

/**
 * When an order that nobody paid stops taking payments (docs/order-expiry.md). Only an order that
 * could still be paid expires — CREATED, or ATTEMPTED after a declined attempt; a payment in flight
 * finishes first, and an authorized or captured order is governed by its capture window instead.
 */

/** The longest an order may wait for its payment: Pine Labs' limit for a payment link's expire_by, for every order alike. */
export const MAX_ORDER_LIFETIME_MS = 180 * 86_400_000;

/** Whether the order is past its expiry and still unpaid, but not yet closed for it. */
export function isExpiryDue(order: Order, now: Date): boolean {
  return (
    order.paymentClosedReason === null &&
    order.expiresAt !== null &&
    now.getTime() >= order.expiresAt.getTime() &&
    (order.state === 'CREATED' || order.state === 'ATTEMPTED')
  );
}

/**
 * The order as it reads at `now`: once past its expiry an unpaid order reads closed ('expired')
 * even before its expiry job has written that, so a read, a hosted page and a payment agree from
 * the instant itself. The stored row is unchanged; only the job writes the close (with its webhook).
 */
export function orderAsOf(aggregate: OrderAggregate, now: Date): OrderAggregate {
  if (!isExpiryDue(aggregate.order, now)) return aggregate;
  return { ...aggregate, order: { ...aggregate.order, paymentClosedReason: 'expired' } };
}

/** Whether the order was closed by its expiry (or a payment link's, which is the same instant). */
export function isExpired(order: Pick<Order, 'paymentClosedReason'>): boolean {
  return order.paymentClosedReason === 'expired';
}
