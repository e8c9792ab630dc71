import type { OrderAggregate, PaymentClosedReason } from '../domain/order.js';
import type { Queryable } from '../store/db.js';
import { findOrderIdByTxnUuidAnyMerchant, loadAggregateById } from '../store/orders-repository.js';

/**
 * Reads for the public hosted pages (payment page, return page). They know no merchant: the id in
 * the link Holdfast handed out is what addresses the order, so these reads are not merchant-scoped.
 */

/** The order a payment link names, or undefined when there is none. */
export function findHostedOrder(q: Queryable, orderId: string): Promise<OrderAggregate | undefined> {
  return loadAggregateById(q, orderId);
}

/** The order of a payment attempt, by its public txn_uuid, or undefined when no attempt has it. */
export async function findHostedOrderByTxnUuid(q: Queryable, txnUuid: string): Promise<OrderAggregate | undefined> {
  const orderId = await findOrderIdByTxnUuidAnyMerchant(q, txnUuid);
  return orderId ? loadAggregateById(q, orderId) : undefined;
}

/**
 * Why the order takes no more payments ('expired', 'cancelled': the end of the payment link it was
 * created for), or undefined while it may still be paid as its state allows. A hosted page shows
 * this instead of a form; the authorization refuses such an order whatever a page shows.
 */
export function paymentClosedReason(aggregate: OrderAggregate): PaymentClosedReason | undefined {
  return aggregate.order.paymentClosedReason ?? undefined;
}
