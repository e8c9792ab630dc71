import type { OrderAggregate, PaymentClosedReason } from '../domain/order.js';
import type { Queryable } from '../store/db.js';
import { findMerchant } from '../store/merchants-repository.js';
import { findOrderIdByTxnUuidAnyMerchant, findPaymentByChallenge, loadAggregateById } from '../store/orders-repository.js';

/**
 * Reads for the public hosted pages (payment page, challenge page, return page). They know no
 * merchant: the id in the link Holdfast handed out is what addresses the order, so these reads are
 * not merchant-scoped.
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

/** The order whose payment waits on a 3-D Secure challenge id, and that payment's id. */
export async function findHostedOrderByChallenge(
  q: Queryable,
  challengeId: string,
): Promise<{ aggregate: OrderAggregate; paymentId: string } | undefined> {
  const found = await findPaymentByChallenge(q, challengeId);
  const aggregate = found ? await loadAggregateById(q, found.orderId) : undefined;
  return found && aggregate ? { aggregate, paymentId: found.paymentId } : undefined;
}

/** What a hosted page shows of the merchant, and which connector decides its payments. */
export interface HostedMerchant {
  name: string;
  connector: string;
}

export async function findHostedMerchant(q: Queryable, merchantId: string): Promise<HostedMerchant | undefined> {
  const merchant = await findMerchant(q, merchantId);
  return merchant ? { name: merchant.name, connector: merchant.connector } : undefined;
}
