import { notFound } from '../domain/errors.js';
import type { OrderAggregate } from '../domain/order.js';
import { findRefundParent, loadAggregate, loadAggregateByReference, loadAggregateByTxnUuid } from '../store/orders-repository.js';
import type { Queryable } from '../store/db.js';

/** An order of this merchant; another merchant's order is reported exactly like a missing one. */
export async function getOrder(q: Queryable, merchantId: string, orderId: string): Promise<OrderAggregate> {
  const aggregate = await loadAggregate(q, merchantId, orderId);
  if (!aggregate) throw notFound('order');
  return aggregate;
}

export async function getOrderByReference(q: Queryable, merchantId: string, reference: string): Promise<OrderAggregate> {
  const aggregate = await loadAggregateByReference(q, merchantId, reference);
  if (!aggregate) throw notFound('order');
  return aggregate;
}

/** The parent order of a refund id, or undefined when the id is not a refund of this merchant. */
export async function getRefundParent(q: Queryable, merchantId: string, refundId: string): Promise<OrderAggregate | undefined> {
  const parentId = await findRefundParent(q, merchantId, refundId);
  return parentId ? loadAggregate(q, merchantId, parentId) : undefined;
}

/** The order of a payment attempt, by its public txn_uuid (Juspay), or undefined when it is not this merchant's. */
export function findOrderByTxnUuid(q: Queryable, merchantId: string, txnUuid: string): Promise<OrderAggregate | undefined> {
  return loadAggregateByTxnUuid(q, merchantId, txnUuid);
}
