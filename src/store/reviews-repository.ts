import type { Queryable } from './db.js';

/** An order flagged for manual review, as the review queue lists it. */
export interface ReviewRow {
  orderId: string;
  merchantId: string;
  state: string;
  reason: string;
  /**
   * The order's last change, which setting the flag was (an order in review waits on its pending
   * operation): shown as when it was flagged. The queue's order, newest first.
   */
  updatedAt: Date;
}

export interface ReviewQuery {
  /** null: every merchant's; otherwise only these merchants'. */
  merchantIds: readonly string[] | null;
  limit: number;
  /** Only orders after this position of the previous page (newest first). */
  after?: { updatedAt: Date; orderId: string };
}

/** A page of the orders flagged for manual review, newest first (keyset on the last change and the id). */
export async function listReviewOrders(q: Queryable, query: ReviewQuery): Promise<ReviewRow[]> {
  const where = ['o.review_reason is not null'];
  const params: unknown[] = [];
  const add = (sql: (n: (value: unknown) => string) => string) => {
    where.push(
      sql((value) => {
        params.push(value);
        return `$${params.length}`;
      }),
    );
  };
  if (query.merchantIds !== null) add((n) => `o.merchant_id = any(${n(query.merchantIds)}::text[])`);
  if (query.after) {
    const { updatedAt, orderId } = query.after;
    add((n) => `(o.updated_at, o.id) < (${n(updatedAt)}::timestamptz, ${n(orderId)}::text)`);
  }
  params.push(query.limit);
  const rows = await q.query<{ id: string; merchant_id: string; state: string; review_reason: string; updated_at: Date }>(
    `select o.id, o.merchant_id, o.state, o.review_reason, o.updated_at
     from orders o where ${where.join(' and ')} order by o.updated_at desc, o.id desc limit $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    orderId: r.id,
    merchantId: r.merchant_id,
    state: r.state,
    reason: r.review_reason,
    updatedAt: new Date(r.updated_at),
  }));
}

/** Takes an order out of the review queue (a flag that moves no money and no state, like setting it). */
export async function clearReviewReason(q: Queryable, orderId: string): Promise<void> {
  await q.query('update orders set review_reason = null where id = $1', [orderId]);
}
