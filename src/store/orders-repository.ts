import type { OrderAggregate, PaymentStatus } from '../domain/order.js';
import type { Queryable } from './db.js';
import { toAggregate } from './order-rows.js';

/**
 * The order aggregate's reads. Its writes are one guarded statement each (order-writes.ts); only
 * the review flag, which moves no money and no state, is written here.
 */

/** Every child row of an order in one round trip, as JSON arrays. */
const AGGREGATE_SELECT = `
select row_to_json(o) as "order",
  coalesce((select json_agg(p order by p.seq) from payments p where p.order_id = o.id), '[]') as payments,
  coalesce((select json_agg(c order by c.seq) from captures c where c.order_id = o.id), '[]') as captures,
  coalesce((select json_agg(v order by v.seq) from reversals v where v.order_id = o.id), '[]') as reversals,
  coalesce((select json_agg(f order by f.seq) from refunds f where f.order_id = o.id), '[]') as refunds,
  coalesce((select json_agg(json_build_object('kind', j.kind, 'reference_id', j.reference_id, 'currency', j.currency,
      'postings', (select json_agg(json_build_object('account', ps.account, 'amount', ps.amount) order by ps.amount) from postings ps where ps.entry_id = j.id))
      order by j.id) from journal_entries j where j.order_id = o.id), '[]') as journal
from orders o`;

/** The read of one order of a merchant, as SQL and parameters (the benchmark runs the same text). */
export function aggregateQuery(merchantId: string, orderId: string): { sql: string; params: unknown[] } {
  return { sql: `${AGGREGATE_SELECT} where o.id = $1 and o.merchant_id = $2`, params: [orderId, merchantId] };
}

export async function loadAggregate(q: Queryable, merchantId: string, orderId: string): Promise<OrderAggregate | undefined> {
  const { sql, params } = aggregateQuery(merchantId, orderId);
  const rows = await q.query(sql, params);
  return rows[0] ? toAggregate(rows[0]) : undefined;
}

/** The order a payment attempt belongs to, by the attempt's public txn_uuid, in one round trip. */
export async function loadAggregateByTxnUuid(q: Queryable, merchantId: string, txnUuid: string): Promise<OrderAggregate | undefined> {
  const rows = await q.query(
    `${AGGREGATE_SELECT} where o.id = (select p.order_id from payments p where p.txn_uuid = $1) and o.merchant_id = $2`,
    [txnUuid, merchantId],
  );
  return rows[0] ? toAggregate(rows[0]) : undefined;
}

/** Unscoped read for the public hosted pages, which are addressed by the order id itself. */
export async function loadAggregateById(q: Queryable, orderId: string): Promise<OrderAggregate | undefined> {
  const rows = await q.query(`${AGGREGATE_SELECT} where o.id = $1`, [orderId]);
  return rows[0] ? toAggregate(rows[0]) : undefined;
}

export async function loadAggregateByReference(q: Queryable, merchantId: string, reference: string): Promise<OrderAggregate | undefined> {
  const rows = await q.query(`${AGGREGATE_SELECT} where o.merchant_order_reference = $1 and o.merchant_id = $2`, [reference, merchantId]);
  return rows[0] ? toAggregate(rows[0]) : undefined;
}

export async function findOrderIdByTxnUuidAnyMerchant(q: Queryable, txnUuid: string): Promise<string | undefined> {
  const rows = await q.query<{ order_id: string }>('select order_id from payments where txn_uuid = $1', [txnUuid]);
  return rows[0]?.order_id;
}

/** The payment waiting on a 3-D Secure challenge id, with its order and merchant. */
export async function findPaymentByChallenge(
  q: Queryable,
  challengeId: string,
): Promise<{ paymentId: string; orderId: string; merchantId: string; status: PaymentStatus } | undefined> {
  const rows = await q.query<{ id: string; order_id: string; merchant_id: string; status: PaymentStatus }>(
    'select p.id, p.order_id, p.status, o.merchant_id from payments p join orders o on o.id = p.order_id where p.challenge_id = $1',
    [challengeId],
  );
  const r = rows[0];
  return r ? { paymentId: r.id, orderId: r.order_id, merchantId: r.merchant_id, status: r.status } : undefined;
}

/** A refund's id resolves to its parent order (Pine Labs reads refunds as orders of type REFUND). */
export async function findRefundParent(q: Queryable, merchantId: string, refundId: string): Promise<string | undefined> {
  const rows = await q.query<{ order_id: string }>(
    'select f.order_id from refunds f join orders o on o.id = f.order_id where f.id = $1 and o.merchant_id = $2',
    [refundId, merchantId],
  );
  return rows[0]?.order_id;
}

export async function setReviewReason(q: Queryable, orderId: string, reason: string, now: Date): Promise<void> {
  await q.query('update orders set review_reason = $2, updated_at = $3 where id = $1', [orderId, reason, now]);
}

/** Orders flagged for manual review, newest first. */
export async function listOrdersForReview(
  q: Queryable,
  limit: number,
): Promise<{ id: string; merchantId: string; state: string; reason: string; updatedAt: Date }[]> {
  const rows = await q.query<{ id: string; merchant_id: string; state: string; review_reason: string; updated_at: Date }>(
    'select id, merchant_id, state, review_reason, updated_at from orders where review_reason is not null order by updated_at desc limit $1',
    [limit],
  );
  return rows.map((r) => ({
    id: r.id,
    merchantId: r.merchant_id,
    state: r.state,
    reason: r.review_reason,
    updatedAt: new Date(r.updated_at),
  }));
}
