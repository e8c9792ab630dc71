import type { Queryable } from './db.js';

/** The admin API's order search (docs/admin-api.md "Orders"): every filter optional, combined with "and". */
export interface OrderSearch {
  /** null: every merchant; otherwise only these (an empty list matches nothing). */
  merchantIds: readonly string[] | null;
  orderId?: string;
  merchantOrderReference?: string;
  txnUuid?: string;
  states?: readonly string[];
  createdFrom?: Date;
  createdTo?: Date;
  amountMin?: number;
  amountMax?: number;
  inReview?: boolean;
  /** Keyset position of the last row of the previous page: rows strictly older come next. */
  after?: { createdAt: string; id: string };
  limit: number;
}

/** One row of the search: the order's summary fields, and its exact created_at as the database prints it (for the cursor). */
export interface OrderSummaryRow {
  id: string;
  merchantId: string;
  dialect: string;
  merchantOrderReference: string;
  amount: number;
  currency: string;
  state: string;
  preAuth: boolean;
  createdAt: Date;
  updatedAt: Date;
  reviewReason: string | null;
  expiresAt: Date | null;
  paymentClosedReason: string | null;
  /** created_at as text, to the microsecond: the cursor's position, exact whatever wrote the row. */
  createdAtKey: string;
}

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const optText = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function toSummary(r: Record<string, unknown>): OrderSummaryRow {
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    dialect: String(r.dialect),
    merchantOrderReference: String(r.merchant_order_reference),
    amount: Number(r.amount),
    currency: String(r.currency),
    state: String(r.state),
    preAuth: Boolean(r.pre_auth),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    reviewReason: optText(r.review_reason),
    expiresAt: r.expires_at === null || r.expires_at === undefined ? null : date(r.expires_at),
    paymentClosedReason: optText(r.payment_closed_reason),
    createdAtKey: String(r.created_at_key),
  };
}

const SUMMARY_COLUMNS = `o.id, o.merchant_id, o.dialect, o.merchant_order_reference, o.amount, o.currency, o.state, o.pre_auth,
  o.created_at, o.updated_at, o.review_reason, o.expires_at, o.payment_closed_reason,
  to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at_key`;

/**
 * A page of orders, newest first by (created_at, id). The keyset condition and the order match the
 * (merchant_id, created_at, id) and (created_at, id) indexes (migrations/018_admin_search_indexes.sql),
 * so a page costs the same at the millionth order as at the first.
 */
export async function searchOrders(q: Queryable, search: OrderSearch): Promise<OrderSummaryRow[]> {
  if (search.merchantIds !== null && search.merchantIds.length === 0) return [];
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown, type: string) => {
    params.push(value);
    return `$${params.length}::${type}`;
  };
  if (search.merchantIds !== null) {
    where.push(
      search.merchantIds.length === 1
        ? `o.merchant_id = ${param(search.merchantIds[0], 'text')}`
        : `o.merchant_id = any(${param(search.merchantIds, 'text[]')})`,
    );
  }
  if (search.orderId !== undefined) where.push(`o.id = ${param(search.orderId, 'text')}`);
  if (search.merchantOrderReference !== undefined)
    where.push(`o.merchant_order_reference = ${param(search.merchantOrderReference, 'text')}`);
  if (search.txnUuid !== undefined)
    where.push(`o.id in (select p.order_id from payments p where p.txn_uuid = ${param(search.txnUuid, 'text')})`);
  if (search.states !== undefined && search.states.length > 0) where.push(`o.state = any(${param(search.states, 'text[]')})`);
  if (search.createdFrom !== undefined) where.push(`o.created_at >= ${param(search.createdFrom, 'timestamptz')}`);
  if (search.createdTo !== undefined) where.push(`o.created_at <= ${param(search.createdTo, 'timestamptz')}`);
  if (search.amountMin !== undefined) where.push(`o.amount >= ${param(search.amountMin, 'bigint')}`);
  if (search.amountMax !== undefined) where.push(`o.amount <= ${param(search.amountMax, 'bigint')}`);
  if (search.inReview === true) where.push('o.review_reason is not null');
  if (search.inReview === false) where.push('o.review_reason is null');
  if (search.after !== undefined) {
    where.push(`(o.created_at, o.id) < (${param(search.after.createdAt, 'timestamptz')}, ${param(search.after.id, 'text')})`);
  }
  const limit = param(search.limit, 'int');
  const rows = await q.query(
    `select ${SUMMARY_COLUMNS} from orders o ${where.length ? `where ${where.join(' and ')}` : ''}
     order by o.created_at desc, o.id desc limit ${limit}`,
    params,
  );
  return rows.map(toSummary);
}

/** One order's summary by id, whoever's it is (the caller checks the merchant). */
export async function findOrderSummary(q: Queryable, orderId: string): Promise<OrderSummaryRow | undefined> {
  const rows = await q.query(`select ${SUMMARY_COLUMNS} from orders o where o.id = $1`, [orderId]);
  return rows[0] ? toSummary(rows[0]) : undefined;
}
