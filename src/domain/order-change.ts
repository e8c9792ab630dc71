import type { JournalEntry } from './ledger.js';
import type {
  Capture,
  Operation,
  OperationStatus,
  OrderAggregate,
  Payment,
  PaymentClosedReason,
  PaymentStatus,
  GatewayDetails,
  Refund,
  Release,
} from './order.js';
import type { OrderState } from './order-state.js';

/**
 * Everything one write changes in an order's aggregate, as data. The store turns it into one
 * guarded statement (store/order-writes.ts); `applyChange` applies the same change to an aggregate
 * in memory, so an operation can answer from the order it read plus its own writes instead of
 * reading the order back. The two must agree field for field: test/core/operation-answers.test.ts
 * compares every operation's answer with a fresh read.
 */
export interface AggregateChange {
  /** The order version the change was decided on: the write happens only while the order still has it, and moves it on by one. */
  version: number;
  /** The order's next state, from a transition of the state machine; omitted: the state stays. */
  state?: OrderState;
  captureDeadline?: Date;
  /** Closes the order for payment (its payment link expired or was cancelled): the authorization intent then refuses it. */
  paymentClosedReason?: PaymentClosedReason;
  newPayment?: Payment;
  newCapture?: Capture;
  newRelease?: Release;
  newRefund?: Refund;
  /** Gateway answers recorded on operation rows. */
  answers?: OperationAnswerChange[];
  paymentUpdate?: { id: string; update: PaymentUpdate };
  /** Balanced ledger entries, in order. */
  journal?: JournalEntry[];
}

export type OperationTable = 'captures' | 'reversals' | 'refunds';

/** How an operation row records an answer: status, error and latency replaced, `gateway_reference = coalesce(new, old)`. */
export interface OperationAnswer {
  status: OperationStatus;
  errorCode: string | null;
  errorMessage: string | null;
  gatewayReference: string | null;
  /** How long the call that gave the answer took (ms); null when no gateway call gave it. */
  latencyMs: number | null;
}

export interface OperationAnswerChange {
  table: OperationTable;
  id: string;
  answer: OperationAnswer;
}

/** Fields of a payment an answer sets; a field left undefined keeps its value. */
export interface PaymentUpdate {
  status: PaymentStatus;
  connectorReference?: string | null;
  challengeId?: string | null;
  challengeExpiresAt?: Date | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  approvalCode?: string | null;
  rrn?: string | null;
  acquirerReference?: string | null;
  challengeRedirectUrl?: string | null;
  gatewayDetails?: GatewayDetails | null;
  /** An authorization answer's: how long its call took (ms), null when no call gave it. */
  gatewayLatencyMs?: number | null;
}

export function answeredOperation<T extends Operation>(row: T, answer: OperationAnswer, now: Date): T {
  return {
    ...row,
    status: answer.status,
    errorCode: answer.errorCode,
    errorMessage: answer.errorMessage,
    gatewayReference: answer.gatewayReference ?? row.gatewayReference,
    gatewayLatencyMs: answer.latencyMs,
    updatedAt: now,
  };
}

/** Replaces the row with the same id, or appends it (new rows sort last). */
function upsert<T extends { id: string }>(rows: readonly T[], row: T): T[] {
  const i = rows.findIndex((r) => r.id === row.id);
  return i < 0 ? [...rows, row] : rows.map((r, j) => (j === i ? row : r));
}

function answerRows<T extends Operation>(
  rows: readonly T[],
  table: OperationTable,
  answers: readonly OperationAnswerChange[],
  now: Date,
): T[] {
  return rows.map((row) => {
    const change = answers.find((a) => a.table === table && a.id === row.id);
    return change ? answeredOperation(row, change.answer, now) : row;
  });
}

function updatedPayment(payment: Payment, update: PaymentUpdate, now: Date): Payment {
  const given = Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined));
  return { ...payment, ...given, updatedAt: now };
}

/** The aggregate after `change` was written at `now`. */
export function applyChange(aggregate: OrderAggregate, change: AggregateChange, now: Date): OrderAggregate {
  const answers = change.answers ?? [];
  const order = {
    ...aggregate.order,
    version: aggregate.order.version + 1,
    updatedAt: now,
    ...(change.state ? { state: change.state } : {}),
    ...(change.captureDeadline ? { captureDeadline: change.captureDeadline } : {}),
    ...(change.paymentClosedReason ? { paymentClosedReason: change.paymentClosedReason } : {}),
  };
  let payments = change.newPayment ? [...aggregate.payments, change.newPayment] : aggregate.payments;
  const paymentUpdate = change.paymentUpdate;
  if (paymentUpdate) payments = payments.map((p) => (p.id === paymentUpdate.id ? updatedPayment(p, paymentUpdate.update, now) : p));
  const captures = answerRows(
    change.newCapture ? upsert(aggregate.captures, change.newCapture) : aggregate.captures,
    'captures',
    answers,
    now,
  );
  const reversals = answerRows(
    change.newRelease ? upsert(aggregate.reversals, change.newRelease) : aggregate.reversals,
    'reversals',
    answers,
    now,
  );
  const refunds = answerRows(change.newRefund ? upsert(aggregate.refunds, change.newRefund) : aggregate.refunds, 'refunds', answers, now);
  const journal = change.journal ? [...aggregate.journal, ...change.journal] : aggregate.journal;
  return { order, payments, captures, reversals, refunds, journal };
}
