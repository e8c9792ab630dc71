import type { JournalEntry } from './ledger.js';
import type { Operation, OperationStatus, OrderAggregate, PaymentStatus } from './order.js';
import type { OrderState } from './order-state.js';

/**
 * An order aggregate after writes whose every value the caller knows: the capture answers from
 * these instead of reading the order back. Each mirrors the SQL of its write exactly (see
 * store/order-writes.ts); a test compares the answer with a fresh read.
 */

/** How an operation row's answer is written: `gateway_reference = coalesce(new, old)`, errors replaced. */
export interface OperationAnswer {
  status: OperationStatus;
  errorCode?: string | null;
  errorMessage?: string | null;
  gatewayReference?: string | null;
}

export function answeredOperation<T extends Operation>(row: T, answer: OperationAnswer, now: Date): T {
  return {
    ...row,
    status: answer.status,
    errorCode: answer.errorCode ?? null,
    errorMessage: answer.errorMessage ?? null,
    gatewayReference: answer.gatewayReference ?? row.gatewayReference,
    updatedAt: now,
  };
}

export function withOrderState(a: OrderAggregate, state: OrderState, now: Date): OrderAggregate {
  return { ...a, order: { ...a.order, state, updatedAt: now } };
}

/** Replaces the row with the same id, or appends it (new rows sort last). */
function upsert<T extends { id: string }>(rows: readonly T[], row: T): T[] {
  const i = rows.findIndex((r) => r.id === row.id);
  return i < 0 ? [...rows, row] : rows.map((r, j) => (j === i ? row : r));
}

export function withCapture(a: OrderAggregate, capture: OrderAggregate['captures'][number]): OrderAggregate {
  return { ...a, captures: upsert(a.captures, capture) };
}

export function withReversal(a: OrderAggregate, reversal: OrderAggregate['reversals'][number]): OrderAggregate {
  return { ...a, reversals: upsert(a.reversals, reversal) };
}

export function withPaymentStatus(a: OrderAggregate, paymentId: string, status: PaymentStatus, now: Date): OrderAggregate {
  return { ...a, payments: a.payments.map((p) => (p.id === paymentId ? { ...p, status, updatedAt: now } : p)) };
}

export function withJournalEntry(a: OrderAggregate, entry: JournalEntry): OrderAggregate {
  return { ...a, journal: [...a.journal, entry] };
}
