import type { OrderAggregate, PaymentClosedReason } from '../domain/order.js';
import { orderAsOf } from '../domain/order-expiry.js';
import type { Queryable } from '../store/db.js';
import { findMerchant } from '../store/merchants-repository.js';
import { findOrderIdByTxnUuidAnyMerchant, findPaymentByChallenge, loadAggregateById } from '../store/orders-repository.js';
import type { CoreContext } from './context.js';

/**
 * Reads for the public hosted pages (payment page, challenge page, return page). They know no
 * merchant: the id in the link Holdfast handed out is what addresses the order, so these reads are
 * not merchant-scoped. Each is the order as it reads now: past its expiry an unpaid order reads
 * expired from that instant (domain/order-expiry.ts), so its page shows that and takes no payment.
 */
type Reader = Pick<CoreContext, 'db' | 'clock'>;

/** The order a payment link names, or undefined when there is none. */
export async function findHostedOrder(ctx: Reader, orderId: string): Promise<OrderAggregate | undefined> {
  const aggregate = await loadAggregateById(ctx.db, orderId);
  return aggregate && orderAsOf(aggregate, ctx.clock.now());
}

/** The order of a payment attempt, by its public txn_uuid, or undefined when no attempt has it. */
export async function findHostedOrderByTxnUuid(ctx: Reader, txnUuid: string): Promise<OrderAggregate | undefined> {
  const orderId = await findOrderIdByTxnUuidAnyMerchant(ctx.db, txnUuid);
  return orderId ? findHostedOrder(ctx, orderId) : undefined;
}

/**
 * Why the order takes no more payments ('expired': it expired unpaid, or its payment link did;
 * 'cancelled': its payment link was cancelled), or undefined while it may still be paid as its
 * state allows. A hosted page shows this instead of a form; the authorization refuses such an
 * order whatever a page shows.
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
