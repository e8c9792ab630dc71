import type { JournalEntry } from '../domain/ledger.js';
import type { Capture, OperationStatus, Payment, PaymentStatus, Reversal } from '../domain/order.js';
import type { OrderState } from '../domain/order-state.js';
import type { Queryable } from './db.js';
import { GuardedWrite } from './guarded-write.js';
import type { OperationOutcomeUpdate, OperationTable } from './orders-repository.js';
import { toReversal } from './order-rows.js';

/**
 * The order writes of the capture path as pieces of one GuardedWrite statement (see
 * guarded-write.ts): guards that match an order or operation row only in the state the caller
 * checked, and the writes that ride on them.
 */

/** Guard: moves the order from `from` to `to`; matches nothing if it is no longer in `from`. */
export function guardOrderTransition(
  w: GuardedWrite,
  o: { orderId: string; merchantId: string; from: OrderState; to: OrderState; now: Date },
): GuardedWrite {
  const id = w.param(o.orderId, 'text');
  const merchant = w.param(o.merchantId, 'text');
  const from = w.param(o.from, 'text');
  const to = w.param(o.to, 'text');
  const now = w.param(o.now, 'timestamptz');
  return w.guard(
    (extra) =>
      `update orders set state = ${to}, updated_at = ${now} where id = ${id} and merchant_id = ${merchant} and state = ${from}${extra()} returning id`,
  );
}

/** Guard: locks the order while it is in `state`, changing nothing on it. */
export function guardOrderState(w: GuardedWrite, o: { orderId: string; merchantId: string; state: OrderState }): GuardedWrite {
  const id = w.param(o.orderId, 'text');
  const merchant = w.param(o.merchantId, 'text');
  const state = w.param(o.state, 'text');
  return w.guard(
    (extra) => `select id from orders where id = ${id} and merchant_id = ${merchant} and state = ${state}${extra()} for update`,
  );
}

/** Guard: records an operation's answer unless the row already reached `final` (a second recorder then changes nothing). */
export function guardOperationUpdate(
  w: GuardedWrite,
  table: OperationTable,
  id: string,
  u: OperationOutcomeUpdate,
  now: Date,
  final: OperationStatus,
): GuardedWrite {
  const set = operationSet(w, u, now);
  const rowId = w.param(id, 'text');
  const finalStatus = w.param(final, 'text');
  return w.guard((extra) => `update ${table} set ${set} where id = ${rowId} and status <> ${finalStatus}${extra()} returning id`);
}

export function updateOperationIn(w: GuardedWrite, table: OperationTable, id: string, u: OperationOutcomeUpdate, now: Date): void {
  const set = operationSet(w, u, now);
  w.write(`update ${table} set ${set} where id = ${w.param(id, 'text')} and exists (select from guard)`);
}

function operationSet(w: GuardedWrite, u: OperationOutcomeUpdate, now: Date): string {
  return `status = ${w.param(u.status, 'text')}, error_code = ${w.param(u.errorCode ?? null, 'text')}, error_message = ${w.param(u.errorMessage ?? null, 'text')},
    gateway_reference = coalesce(${w.param(u.gatewayReference ?? null, 'text')}, gateway_reference), updated_at = ${w.param(now, 'timestamptz')}`;
}

export function insertCaptureIn(w: GuardedWrite, c: Capture): void {
  w.write(`insert into captures (id, order_id, payment_id, merchant_capture_reference, request_fingerprint, amount, currency, status, created_at, updated_at)
    select ${w.param(c.id, 'text')}, ${w.param(c.orderId, 'text')}, ${w.param(c.paymentId, 'text')}, ${w.param(c.merchantCaptureReference, 'text')},
      ${w.param(c.requestFingerprint, 'text')}, ${w.param(c.amount, 'bigint')}, ${w.param(c.currency, 'text')}, ${w.param(c.status, 'text')},
      ${w.param(c.createdAt, 'timestamptz')}, ${w.param(c.updatedAt, 'timestamptz')} from guard`);
}

export function insertReversalIn(w: GuardedWrite, r: Reversal): void {
  w.write(`insert into reversals (id, order_id, payment_id, kind, amount, currency, status, error_code, error_message, gateway_reference, created_at, updated_at)
    select ${w.param(r.id, 'text')}, ${w.param(r.orderId, 'text')}, ${w.param(r.paymentId, 'text')}, ${w.param(r.kind, 'text')},
      ${w.param(r.amount, 'bigint')}, ${w.param(r.currency, 'text')}, ${w.param(r.status, 'text')}, ${w.param(r.errorCode, 'text')},
      ${w.param(r.errorMessage, 'text')}, ${w.param(r.gatewayReference, 'text')}, ${w.param(r.createdAt, 'timestamptz')}, ${w.param(r.updatedAt, 'timestamptz')}
    from guard`);
}

export function setPaymentStatusIn(w: GuardedWrite, paymentId: string, status: PaymentStatus, now: Date): void {
  w.write(`update payments set status = ${w.param(status, 'text')}, updated_at = ${w.param(now, 'timestamptz')}
    where id = ${w.param(paymentId, 'text')} and exists (select from guard)`);
}

/**
 * Balanced journal entries and their postings, in the given order (entry ids follow it: one
 * INSERT numbers its rows in order, where separate CTEs would run in no set order). The
 * (kind, reference_id) key still makes each movement exactly-once.
 */
export function insertJournalEntriesIn(
  w: GuardedWrite,
  merchantId: string,
  orderId: string,
  entries: readonly JournalEntry[],
  now: Date,
): void {
  for (const entry of entries) {
    const sum = entry.postings.reduce((s, p) => s + p.amount, 0);
    if (sum !== 0) throw new Error(`unbalanced journal entry ${entry.kind} ${entry.referenceId}: sums to ${sum}`);
  }
  const header = w.write(`insert into journal_entries (merchant_id, order_id, kind, reference_id, currency, created_at)
    select ${w.param(merchantId, 'text')}, ${w.param(orderId, 'text')}, e.kind, e.reference_id, e.currency, ${w.param(now, 'timestamptz')}
    from guard, unnest(${w.param(
      entries.map((e) => e.kind),
      'text[]',
    )}, ${w.param(
      entries.map((e) => e.referenceId),
      'text[]',
    )},
      ${w.param(
        entries.map((e) => e.currency),
        'text[]',
      )}) with ordinality as e(kind, reference_id, currency, n)
    order by e.n returning id, kind, reference_id`);
  const postings = entries.flatMap((e) => e.postings.map((p) => ({ kind: e.kind, referenceId: e.referenceId, ...p })));
  w.write(`insert into postings (entry_id, account, amount)
    select h.id, p.account, p.amount from ${header} h
    join unnest(${w.param(
      postings.map((p) => p.kind),
      'text[]',
    )}, ${w.param(
      postings.map((p) => p.referenceId),
      'text[]',
    )},
      ${w.param(
        postings.map((p) => p.account),
        'text[]',
      )}, ${w.param(
        postings.map((p) => p.amount),
        'bigint[]',
      )}) as p(kind, reference_id, account, amount)
      on p.kind = h.kind and p.reference_id = h.reference_id`);
}

/** A reversal of this merchant and the connector reference of the payment it releases. */
export async function loadReversalForRelease(
  q: Queryable,
  merchantId: string,
  reversalId: string,
): Promise<{ reversal: Reversal; payment: Pick<Payment, 'connector' | 'connectorReference'> } | undefined> {
  const rows = await q.query<Record<string, unknown>>(
    `select v.*, p.connector as payment_connector, p.connector_reference as payment_connector_reference
     from reversals v join payments p on p.id = v.payment_id join orders o on o.id = v.order_id
     where v.id = $1 and o.merchant_id = $2`,
    [reversalId, merchantId],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    reversal: toReversal(r),
    payment: {
      connector: String(r.payment_connector),
      connectorReference: r.payment_connector_reference === null ? null : String(r.payment_connector_reference),
    },
  };
}
