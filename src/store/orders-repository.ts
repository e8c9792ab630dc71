import type { OperationAnswer } from '../domain/aggregate-changes.js';
import type { JournalEntry } from '../domain/ledger.js';
import type { Order, OrderAggregate, Payment, Refund, Reversal, PaymentStatus } from '../domain/order.js';
import type { OrderState } from '../domain/order-state.js';
import type { Queryable } from './db.js';
import { toAggregate, toOrder } from './order-rows.js';

/** Every child row of an order in one round trip, as JSON arrays. */
const AGGREGATE_SELECT = `
select row_to_json(o) as "order",
  coalesce((select json_agg(p order by p.seq) from payments p where p.order_id = o.id), '[]') as payments,
  coalesce((select json_agg(c order by c.seq) from captures c where c.order_id = o.id), '[]') as captures,
  coalesce((select json_agg(v order by v.seq) from reversals v where v.order_id = o.id), '[]') as reversals,
  coalesce((select json_agg(f order by f.seq) from refunds f where f.order_id = o.id), '[]') as refunds,
  coalesce((select json_agg(json_build_object('kind', j.kind, 'reference_id', j.reference_id, 'currency', j.currency,
      'postings', (select json_agg(json_build_object('account', ps.account, 'amount', ps.amount)) from postings ps where ps.entry_id = j.id))
      order by j.id) from journal_entries j where j.order_id = o.id), '[]') as journal
from orders o`;

export async function loadAggregate(q: Queryable, merchantId: string, orderId: string): Promise<OrderAggregate | undefined> {
  const rows = await q.query(`${AGGREGATE_SELECT} where o.id = $1 and o.merchant_id = $2`, [orderId, merchantId]);
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

/** Locks the order row for the rest of the transaction: concurrent operations on one order serialize here. */
export async function lockOrder(tx: Queryable, merchantId: string, orderId: string): Promise<Order | undefined> {
  const rows = await tx.query('select * from orders where id = $1 and merchant_id = $2 for update', [orderId, merchantId]);
  return rows[0] ? toOrder(rows[0]) : undefined;
}

export async function findOrderByReference(q: Queryable, merchantId: string, reference: string): Promise<Order | undefined> {
  const rows = await q.query('select * from orders where merchant_id = $1 and merchant_order_reference = $2', [merchantId, reference]);
  return rows[0] ? toOrder(rows[0]) : undefined;
}

/** Returns false when the merchant already has an order with this reference. */
export async function insertOrder(tx: Queryable, o: Order): Promise<boolean> {
  const rows = await tx.query(
    `insert into orders (id, merchant_id, dialect, merchant_order_reference, request_fingerprint, amount, currency,
       pre_auth, state, details, capture_deadline, created_at, updated_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12)
     on conflict (merchant_id, merchant_order_reference) do nothing returning id`,
    [
      o.id,
      o.merchantId,
      o.dialect,
      o.merchantOrderReference,
      o.requestFingerprint,
      o.amount,
      o.currency,
      o.preAuth,
      o.state,
      JSON.stringify(o.details),
      o.captureDeadline,
      o.createdAt,
    ],
  );
  return rows.length === 1;
}

export async function setOrderState(
  tx: Queryable,
  orderId: string,
  state: OrderState,
  now: Date,
  captureDeadline?: Date | null,
): Promise<void> {
  if (captureDeadline === undefined) {
    await tx.query('update orders set state = $2, updated_at = $3 where id = $1', [orderId, state, now]);
  } else {
    await tx.query('update orders set state = $2, updated_at = $3, capture_deadline = $4 where id = $1', [
      orderId,
      state,
      now,
      captureDeadline,
    ]);
  }
}

export async function insertPayment(tx: Queryable, p: Payment): Promise<void> {
  const c = p.card;
  await tx.query(
    `insert into payments (id, order_id, merchant_payment_reference, request_fingerprint, amount, currency, method, status,
       card_bin, card_last4, card_network, card_expiry_month, card_expiry_year, card_holder_name, card_fingerprint,
       connector, connector_reference, challenge_id, error_code, error_message, approval_code, rrn, acquirer_reference, created_at, updated_at, txn_uuid)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$24,$25)`,
    [
      p.id,
      p.orderId,
      p.merchantPaymentReference,
      p.requestFingerprint,
      p.amount,
      p.currency,
      p.method,
      p.status,
      c?.bin ?? null,
      c?.last4 ?? null,
      c?.network ?? null,
      c?.expiryMonth ?? null,
      c?.expiryYear ?? null,
      c?.holderName ?? null,
      c?.fingerprint ?? null,
      p.connector,
      p.connectorReference,
      p.challengeId,
      p.errorCode,
      p.errorMessage,
      p.approvalCode,
      p.rrn,
      p.acquirerReference,
      p.createdAt,
      p.txnUuid,
    ],
  );
}

export async function findOrderIdByTxnUuidAnyMerchant(q: Queryable, txnUuid: string): Promise<string | undefined> {
  const rows = await q.query<{ order_id: string }>('select order_id from payments where txn_uuid = $1', [txnUuid]);
  return rows[0]?.order_id;
}

export interface PaymentOutcomeUpdate {
  status: PaymentStatus;
  connectorReference?: string | null;
  challengeId?: string | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  approvalCode?: string | null;
  rrn?: string | null;
  acquirerReference?: string | null;
}

export async function updatePayment(tx: Queryable, paymentId: string, u: PaymentOutcomeUpdate, now: Date): Promise<void> {
  await tx.query(
    `update payments set status = $2, updated_at = $3,
       connector_reference = coalesce($4, connector_reference), challenge_id = coalesce($5, challenge_id),
       error_code = $6, error_message = $7,
       approval_code = coalesce($8, approval_code), rrn = coalesce($9, rrn), acquirer_reference = coalesce($10, acquirer_reference)
     where id = $1`,
    [
      paymentId,
      u.status,
      now,
      u.connectorReference ?? null,
      u.challengeId ?? null,
      u.errorCode ?? null,
      u.errorMessage ?? null,
      u.approvalCode ?? null,
      u.rrn ?? null,
      u.acquirerReference ?? null,
    ],
  );
}

export async function findPaymentByChallenge(
  q: Queryable,
  challengeId: string,
): Promise<{ paymentId: string; orderId: string; merchantId: string } | undefined> {
  const rows = await q.query<{ id: string; order_id: string; merchant_id: string }>(
    'select p.id, p.order_id, o.merchant_id from payments p join orders o on o.id = p.order_id where p.challenge_id = $1',
    [challengeId],
  );
  const r = rows[0];
  return r ? { paymentId: r.id, orderId: r.order_id, merchantId: r.merchant_id } : undefined;
}

export async function insertReversal(tx: Queryable, r: Reversal): Promise<void> {
  await tx.query(
    `insert into reversals (id, order_id, payment_id, kind, amount, currency, status, created_at, updated_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$8)`,
    [r.id, r.orderId, r.paymentId, r.kind, r.amount, r.currency, r.status, r.createdAt],
  );
}

export async function insertRefund(tx: Queryable, r: Refund): Promise<void> {
  await tx.query(
    `insert into refunds (id, order_id, payment_id, merchant_refund_reference, request_fingerprint, amount, currency, status, details, created_at, updated_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$10)`,
    [
      r.id,
      r.orderId,
      r.paymentId,
      r.merchantRefundReference,
      r.requestFingerprint,
      r.amount,
      r.currency,
      r.status,
      JSON.stringify(r.details),
      r.createdAt,
    ],
  );
}

export type OperationTable = 'captures' | 'reversals' | 'refunds';

/** How an operation's answer is written (domain/aggregate-changes.ts mirrors it in memory). */
export type OperationOutcomeUpdate = OperationAnswer;

export async function updateOperation(
  tx: Queryable,
  table: OperationTable,
  id: string,
  u: OperationOutcomeUpdate,
  now: Date,
): Promise<void> {
  await tx.query(
    `update ${table} set status = $2, error_code = $3, error_message = $4, gateway_reference = coalesce($5, gateway_reference), updated_at = $6 where id = $1`,
    [id, u.status, u.errorCode ?? null, u.errorMessage ?? null, u.gatewayReference ?? null, now],
  );
}

/** A refund's id resolves to its parent order (Pine Labs reads refunds as orders of type REFUND). */
export async function findRefundParent(q: Queryable, merchantId: string, refundId: string): Promise<string | undefined> {
  const rows = await q.query<{ order_id: string }>(
    'select f.order_id from refunds f join orders o on o.id = f.order_id where f.id = $1 and o.merchant_id = $2',
    [refundId, merchantId],
  );
  return rows[0]?.order_id;
}

/** Writes a balanced journal entry; the (kind, reference_id) key makes each movement exactly-once. */
export async function insertJournalEntry(
  tx: Queryable,
  merchantId: string,
  orderId: string,
  entry: JournalEntry,
  now: Date,
): Promise<void> {
  const sum = entry.postings.reduce((s, p) => s + p.amount, 0);
  if (sum !== 0) throw new Error(`unbalanced journal entry ${entry.kind} ${entry.referenceId}: sums to ${sum}`);
  const accounts = entry.postings.map((p) => p.account);
  const amounts = entry.postings.map((p) => p.amount);
  await tx.query(
    `with entry as (
       insert into journal_entries (merchant_id, order_id, kind, reference_id, currency, created_at)
       values ($1,$2,$3,$4,$5,$6) returning id)
     insert into postings (entry_id, account, amount)
     select entry.id, p.account, p.amount from entry, unnest($7::text[], $8::bigint[]) as p(account, amount)`,
    [merchantId, orderId, entry.kind, entry.referenceId, entry.currency, now, accounts, amounts],
  );
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
