import type { JournalEntry } from '../domain/ledger.js';
import type { AggregateChange, OperationAnswerChange, PaymentUpdate } from '../domain/order-change.js';
import type { Capture, Order, Payment, Refund, Release } from '../domain/order.js';
import { GuardedWrite } from './guarded-write.js';

/**
 * An order's writes as ONE GuardedWrite statement (see guarded-write.ts): the guard moves the
 * order's version on by one — and sets its new state — only while the order still has the version
 * the change was decided on; every other write of the change reads from the guard, so it happens
 * exactly when the guard matched. domain/order-change.ts applies the same change in memory.
 *
 * The writes are rendered in a fixed order, so the same shape of change always has the same text
 * and shares one prepared statement.
 */
export function orderWrite(target: { orderId: string; merchantId: string }, change: AggregateChange, now: Date): GuardedWrite {
  const w = new GuardedWrite();
  const at = w.param(now, 'timestamptz');
  const sets = [`version = version + 1`, `updated_at = ${at}`];
  if (change.state) sets.push(`state = ${w.param(change.state, 'text')}`);
  if (change.captureDeadline) sets.push(`capture_deadline = ${w.param(change.captureDeadline, 'timestamptz')}`);
  if (change.paymentClosedReason) sets.push(`payment_closed_reason = ${w.param(change.paymentClosedReason, 'text')}`);
  const id = w.param(target.orderId, 'text');
  const merchant = w.param(target.merchantId, 'text');
  const version = w.param(change.version, 'int');
  w.guard(
    (extra) =>
      `update orders set ${sets.join(', ')} where id = ${id} and merchant_id = ${merchant} and version = ${version}${extra()} returning id`,
  );
  if (change.newPayment) insertPayment(w, change.newPayment);
  if (change.newCapture) insertCapture(w, change.newCapture);
  if (change.newRelease) insertRelease(w, change.newRelease);
  if (change.newRefund) insertRefund(w, change.newRefund);
  for (const answer of change.answers ?? []) recordAnswer(w, answer, now);
  if (change.paymentUpdate) updatePayment(w, change.paymentUpdate.id, change.paymentUpdate.update, now);
  if (change.journal?.length) insertJournalEntries(w, target, change.journal, now);
  return w;
}

/** Creates an order: the insert itself is the guard (it matches nothing when the merchant already has the reference). */
export function orderInsert(o: Order): GuardedWrite {
  const w = new GuardedWrite();
  const p = (value: unknown, type: string) => w.param(value, type);
  const values = [
    p(o.id, 'text'),
    p(o.merchantId, 'text'),
    p(o.dialect, 'text'),
    p(o.merchantOrderReference, 'text'),
    p(o.requestFingerprint, 'text'),
    p(o.amount, 'bigint'),
    p(o.currency, 'text'),
    p(o.preAuth, 'boolean'),
    p(o.state, 'text'),
    p(JSON.stringify(o.details), 'jsonb'),
    p(o.returnUrl, 'text'),
    p(o.customer === null ? null : JSON.stringify(o.customer), 'jsonb'),
    p(o.captureDeadline, 'timestamptz'),
    p(o.expiresAt, 'timestamptz'),
    p(o.createdAt, 'timestamptz'),
    p(o.updatedAt, 'timestamptz'),
  ];
  w.guard(
    (extra) => `insert into orders (id, merchant_id, dialect, merchant_order_reference, request_fingerprint, amount, currency,
       pre_auth, state, details, return_url, customer, capture_deadline, expires_at, created_at, updated_at)
     select ${values.join(', ')} where true${extra()}
     on conflict (merchant_id, merchant_order_reference) do nothing returning id`,
  );
  return w;
}

function insertPayment(w: GuardedWrite, p: Payment): void {
  const c = p.card;
  w.write(`insert into payments (id, order_id, merchant_payment_reference, request_fingerprint, amount, currency, method, status,
       card_bin, card_last4, card_network, card_expiry_month, card_expiry_year, card_holder_name, card_fingerprint,
       connector, connector_reference, challenge_id, error_code, error_message, approval_code, rrn, acquirer_reference, created_at, updated_at, txn_uuid,
       failover_of, challenge_redirect_url, gateway_details)
    select ${[
      w.param(p.id, 'text'),
      w.param(p.orderId, 'text'),
      w.param(p.merchantPaymentReference, 'text'),
      w.param(p.requestFingerprint, 'text'),
      w.param(p.amount, 'bigint'),
      w.param(p.currency, 'text'),
      w.param(p.method, 'text'),
      w.param(p.status, 'text'),
      w.param(c?.bin ?? null, 'text'),
      w.param(c?.last4 ?? null, 'text'),
      w.param(c?.network ?? null, 'text'),
      w.param(c?.expiryMonth ?? null, 'text'),
      w.param(c?.expiryYear ?? null, 'text'),
      w.param(c?.holderName ?? null, 'text'),
      w.param(c?.fingerprint ?? null, 'text'),
      w.param(p.connector, 'text'),
      w.param(p.connectorReference, 'text'),
      w.param(p.challengeId, 'text'),
      w.param(p.errorCode, 'text'),
      w.param(p.errorMessage, 'text'),
      w.param(p.approvalCode, 'text'),
      w.param(p.rrn, 'text'),
      w.param(p.acquirerReference, 'text'),
      w.param(p.createdAt, 'timestamptz'),
      w.param(p.updatedAt, 'timestamptz'),
      w.param(p.txnUuid, 'text'),
      w.param(p.failoverOf, 'text'),
      w.param(p.challengeRedirectUrl, 'text'),
      w.param(p.gatewayDetails === null ? null : JSON.stringify(p.gatewayDetails), 'jsonb'),
    ].join(', ')} from guard`);
}

function insertCapture(w: GuardedWrite, c: Capture): void {
  w.write(`insert into captures (id, order_id, payment_id, merchant_capture_reference, request_fingerprint, amount, currency, status, created_at, updated_at)
    select ${w.param(c.id, 'text')}, ${w.param(c.orderId, 'text')}, ${w.param(c.paymentId, 'text')}, ${w.param(c.merchantCaptureReference, 'text')},
      ${w.param(c.requestFingerprint, 'text')}, ${w.param(c.amount, 'bigint')}, ${w.param(c.currency, 'text')}, ${w.param(c.status, 'text')},
      ${w.param(c.createdAt, 'timestamptz')}, ${w.param(c.updatedAt, 'timestamptz')} from guard`);
}

function insertRelease(w: GuardedWrite, r: Release): void {
  // A partial capture's remainder is inserted with its answer already (core/operations/capture.ts).
  w.write(`insert into reversals (id, order_id, payment_id, kind, amount, currency, status, error_code, error_message, gateway_reference,
      gateway_latency_ms, created_at, updated_at)
    select ${w.param(r.id, 'text')}, ${w.param(r.orderId, 'text')}, ${w.param(r.paymentId, 'text')}, ${w.param(r.kind, 'text')},
      ${w.param(r.amount, 'bigint')}, ${w.param(r.currency, 'text')}, ${w.param(r.status, 'text')}, ${w.param(r.errorCode, 'text')},
      ${w.param(r.errorMessage, 'text')}, ${w.param(r.gatewayReference, 'text')}, ${w.param(r.gatewayLatencyMs, 'int')},
      ${w.param(r.createdAt, 'timestamptz')}, ${w.param(r.updatedAt, 'timestamptz')}
    from guard`);
}

function insertRefund(w: GuardedWrite, r: Refund): void {
  w.write(`insert into refunds (id, order_id, payment_id, merchant_refund_reference, request_fingerprint, amount, currency, status, details, created_at, updated_at)
    select ${w.param(r.id, 'text')}, ${w.param(r.orderId, 'text')}, ${w.param(r.paymentId, 'text')}, ${w.param(r.merchantRefundReference, 'text')},
      ${w.param(r.requestFingerprint, 'text')}, ${w.param(r.amount, 'bigint')}, ${w.param(r.currency, 'text')}, ${w.param(r.status, 'text')},
      ${w.param(JSON.stringify(r.details), 'jsonb')}, ${w.param(r.createdAt, 'timestamptz')}, ${w.param(r.updatedAt, 'timestamptz')} from guard`);
}

function recordAnswer(w: GuardedWrite, { table, id, answer }: OperationAnswerChange, now: Date): void {
  w.write(`update ${table} set status = ${w.param(answer.status, 'text')}, error_code = ${w.param(answer.errorCode, 'text')},
    error_message = ${w.param(answer.errorMessage, 'text')}, gateway_reference = coalesce(${w.param(answer.gatewayReference, 'text')}, gateway_reference),
    gateway_latency_ms = ${w.param(answer.latencyMs, 'int')}, updated_at = ${w.param(now, 'timestamptz')}
    where id = ${w.param(id, 'text')} and exists (select from guard)`);
}

/** The column and SQL type of each field a payment update may set. */
const PAYMENT_COLUMNS: Readonly<Record<Exclude<keyof PaymentUpdate, 'status'>, [column: string, type: string]>> = {
  connectorReference: ['connector_reference', 'text'],
  challengeId: ['challenge_id', 'text'],
  challengeExpiresAt: ['challenge_expires_at', 'timestamptz'],
  errorCode: ['error_code', 'text'],
  errorMessage: ['error_message', 'text'],
  approvalCode: ['approval_code', 'text'],
  rrn: ['rrn', 'text'],
  acquirerReference: ['acquirer_reference', 'text'],
  challengeRedirectUrl: ['challenge_redirect_url', 'text'],
  gatewayDetails: ['gateway_details', 'jsonb'],
  gatewayLatencyMs: ['gateway_latency_ms', 'int'],
};

/** Sets the fields the update gives (undefined keeps a field), as domain/order-change.ts does. */
function updatePayment(w: GuardedWrite, paymentId: string, update: PaymentUpdate, now: Date): void {
  const sets = [`status = ${w.param(update.status, 'text')}`, `updated_at = ${w.param(now, 'timestamptz')}`];
  for (const [field, [column, type]] of Object.entries(PAYMENT_COLUMNS) as Array<[keyof typeof PAYMENT_COLUMNS, [string, string]]>) {
    const value = update[field];
    if (value !== undefined) sets.push(`${column} = ${w.param(type === 'jsonb' && value !== null ? JSON.stringify(value) : value, type)}`);
  }
  w.write(`update payments set ${sets.join(', ')} where id = ${w.param(paymentId, 'text')} and exists (select from guard)`);
}

/**
 * Balanced journal entries and their postings, in the given order (entry ids follow it: one
 * INSERT numbers its rows in order, where separate CTEs would run in no set order). The
 * (kind, reference_id) key still makes each movement exactly-once.
 */
function insertJournalEntries(
  w: GuardedWrite,
  target: { orderId: string; merchantId: string },
  entries: readonly JournalEntry[],
  now: Date,
): void {
  for (const entry of entries) {
    const sum = entry.postings.reduce((s, p) => s + p.amount, 0);
    if (sum !== 0) throw new Error(`unbalanced journal entry ${entry.kind} ${entry.referenceId}: sums to ${sum}`);
  }
  const merchant = w.param(target.merchantId, 'text');
  const order = w.param(target.orderId, 'text');
  const at = w.param(now, 'timestamptz');
  const kinds = w.param(
    entries.map((e) => e.kind),
    'text[]',
  );
  const references = w.param(
    entries.map((e) => e.referenceId),
    'text[]',
  );
  const currencies = w.param(
    entries.map((e) => e.currency),
    'text[]',
  );
  const header = w.write(`insert into journal_entries (merchant_id, order_id, kind, reference_id, currency, created_at)
    select ${merchant}, ${order}, e.kind, e.reference_id, e.currency, ${at}
    from guard, unnest(${kinds}, ${references}, ${currencies}) with ordinality as e(kind, reference_id, currency, n)
    order by e.n returning id, kind, reference_id`);
  const postings = entries.flatMap((e) => e.postings.map((p) => ({ kind: e.kind, referenceId: e.referenceId, ...p })));
  const postingKinds = w.param(
    postings.map((p) => p.kind),
    'text[]',
  );
  const postingReferences = w.param(
    postings.map((p) => p.referenceId),
    'text[]',
  );
  const accounts = w.param(
    postings.map((p) => p.account),
    'text[]',
  );
  const amounts = w.param(
    postings.map((p) => p.amount),
    'bigint[]',
  );
  w.write(`insert into postings (entry_id, account, amount)
    select h.id, p.account, p.amount from ${header} h
    join unnest(${postingKinds}, ${postingReferences}, ${accounts}, ${amounts}) as p(kind, reference_id, account, amount)
      on p.kind = h.kind and p.reference_id = h.reference_id`);
}
