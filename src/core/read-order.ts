import { notFound } from '../domain/errors.js';
import type { OrderAggregate } from '../domain/order.js';
import { orderAsOf } from '../domain/order-expiry.js';
import { findRefundParent, loadAggregate, loadAggregateByReference, loadAggregateByTxnUuid } from '../store/orders-repository.js';
import type { CoreContext } from './context.js';

/**
 * Reads of an order for a merchant's answer. Each is the order as it reads now: an unpaid order
 * past its expiry reads expired from that instant, before its expiry job closes it
 * (domain/order-expiry.ts).
 */
type Reader = Pick<CoreContext, 'db' | 'clock'>;

const asNow = (ctx: Reader, aggregate: OrderAggregate | undefined) => aggregate && orderAsOf(aggregate, ctx.clock.now());

/** An order of this merchant; another merchant's order is reported exactly like a missing one. */
export async function getOrder(ctx: Reader, merchantId: string, orderId: string): Promise<OrderAggregate> {
  const aggregate = asNow(ctx, await loadAggregate(ctx.db, merchantId, orderId));
  if (!aggregate) throw notFound('order');
  return aggregate;
}

export async function getOrderByReference(ctx: Reader, merchantId: string, reference: string): Promise<OrderAggregate> {
  const aggregate = asNow(ctx, await loadAggregateByReference(ctx.db, merchantId, reference));
  if (!aggregate) throw notFound('order');
  return aggregate;
}

/** The parent order of a refund id, or undefined when the id is not a refund of this merchant. */
export async function getRefundParent(ctx: Reader, merchantId: string, refundId: string): Promise<OrderAggregate | undefined> {
  const parentId = await findRefundParent(ctx.db, merchantId, refundId);
  return parentId ? loadAggregate(ctx.db, merchantId, parentId) : undefined;
}

/** The order of a payment attempt, by its public txn_uuid (Juspay), or undefined when it is not this merchant's. */
export async function findOrderByTxnUuid(ctx: Reader, merchantId: string, txnUuid: string): Promise<OrderAggregate | undefined> {
  return asNow(ctx, await loadAggregateByTxnUuid(ctx.db, merchantId, txnUuid));
}
