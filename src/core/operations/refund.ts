import { sameRequest } from '../request-fingerprint.js';
import type { OperationOutcome } from '../../connectors/gateway.js';
import { HoldfastError, invalidInput, invalidState } from '../../domain/errors.js';
import { journalEntry, ledgerTotals } from '../../domain/ledger.js';
import { committedRefundAmount, currentPayment, initiatedOperation, type OrderAggregate, type Refund } from '../../domain/order.js';
import { isRefundable } from '../../domain/order-state.js';
import type { CoreContext } from '../context.js';
import type { RequestKey } from '../request-key.js';
import { syncJobKey } from '../scheduled-jobs.js';
import {
  isFinalOutcome,
  isKnownToGateway,
  isSettled,
  operationAnswer,
  operationRequest,
  transition,
  type KnownPayment,
} from './gateway-requests.js';
import { operationIntent } from './intent.js';
import { runOperation, type OperationSpec, type SettleSpec } from './pipeline.js';

export interface RefundOrderInput {
  merchantId: string;
  orderId: string;
  /** The merchant's refund reference: unique per order, the idempotency key of the refund. */
  merchantRefundReference: string;
  /** Omitted: refund everything still refundable. */
  amount?: { value: number; currency: string } | undefined;
  details?: Record<string, unknown>;
  requestFingerprint: string;
  requestKey?: RequestKey;
  /** The order as the caller has just read it: saves that read. */
  read?: OrderAggregate;
}

interface RefundPlan {
  refund: Refund;
  payment: KnownPayment;
}

/** Smallest refund, in minor units (₹1): both dialects document it. */
export const MIN_REFUND_AMOUNT = 100;

/**
 * Refunds captured money. Refunds in flight count against the refundable amount, and each intent
 * moves the order's version on, so concurrent refunds can never together exceed what was captured.
 */
export async function refundOrder(
  ctx: CoreContext,
  input: RefundOrderInput,
): Promise<{ aggregate: OrderAggregate; refundId: string; replayed: boolean }> {
  const result = await runOperation(ctx, refundSpec, input, input, input.read);
  if (result.kind === 'done') return { aggregate: result.aggregate, refundId: result.plan.refund.id, replayed: false };
  const existing = result.aggregate.refunds.find((r) => r.merchantRefundReference === input.merchantRefundReference);
  if (!existing) throw new Error('a replayed refund has no refund row');
  return { aggregate: result.aggregate, refundId: existing.id, replayed: true };
}

export const refundSpec: OperationSpec<RefundOrderInput, RefundPlan, OperationOutcome> & SettleSpec<RefundPlan, OperationOutcome> = {
  decide(read, input, ctx, now) {
    const { order } = read;
    const existing = read.refunds.find((r) => r.merchantRefundReference === input.merchantRefundReference);
    if (existing) {
      if (!sameRequest(existing.requestFingerprint, input.requestFingerprint)) {
        throw new HoldfastError('idempotency_conflict', 'Duplicate refund reference received', { field: 'merchant_refund_reference' });
      }
      return { kind: 'replay' };
    }
    if (!isRefundable(order.state)) throw invalidState('refund', order.state);
    const refundable = ledgerTotals(read.journal).captured - committedRefundAmount(read);
    const amount = input.amount?.value ?? refundable;
    if (input.amount && input.amount.currency !== order.currency) {
      throw invalidInput('amount.currency', `currency must be ${order.currency}, the order's currency`);
    }
    if (!Number.isSafeInteger(amount) || amount < MIN_REFUND_AMOUNT) {
      throw invalidInput('amount', `refund amount must be an integer of at least ${MIN_REFUND_AMOUNT}`);
    }
    if (amount > refundable) {
      throw new HoldfastError('amount_exceeded', `refund amount exceeds the refundable amount (${refundable})`, {
        field: 'amount',
        limit: refundable,
      });
    }
    const payment = currentPayment(read);
    if (!isKnownToGateway(payment)) throw invalidState('refund', order.state);
    const refund: Refund = {
      ...initiatedOperation({ id: ctx.ids.refund(now), orderId: order.id, paymentId: payment.id, amount, currency: order.currency }, now),
      merchantRefundReference: input.merchantRefundReference,
      requestFingerprint: input.requestFingerprint,
      details: input.details ?? {},
    };
    return { kind: 'start', plan: { refund, payment } };
  },

  // The state stays until the answer (a self-loop); the version moving on is what serializes refunds.
  intent: (read, { refund, payment }, input, ctx, now) =>
    operationIntent(
      ctx,
      read.order,
      {
        event: 'refund_requested',
        row: { newRefund: refund },
        sync: 'refund',
        operationId: refund.id,
        requestKey: input.requestKey,
        connector: payment.connector,
      },
      now,
    ),

  call: (ctx, plan) => ctx.gateway.operate(plan.payment.connector, 'refund', operationRequest(plan.refund, plan.payment)),

  planFor(_ctx, read, refundId) {
    const refund = read.refunds.find((r) => r.id === refundId);
    const payment = read.payments.find((p) => p.id === refund?.paymentId);
    if (!refund || isSettled(refund) || !isKnownToGateway(payment)) return undefined;
    return { refund, payment };
  },

  inquire: (ctx, plan) => ctx.gateway.settle(plan.payment.connector, 'refund', operationRequest(plan.refund, plan.payment)),

  isFinal: isFinalOutcome,

  answer(current, { refund }, outcome) {
    const { order } = current;
    const row = current.refunds.find((r) => r.id === refund.id);
    if (!row || isSettled(row)) return undefined;
    const answers = [{ table: 'refunds' as const, id: refund.id, answer: operationAnswer(outcome) }];
    // Pending or unknown: the inquiry scheduled with the intent settles it.
    if (outcome.kind === 'pending' || outcome.kind === 'unknown') return { change: { version: order.version, answers } };
    const jobs = { cancel: [syncJobKey(refund.id)] };
    const notice = { merchantId: order.merchantId, orderId: order.id, refundId: refund.id };
    if (outcome.kind === 'failed')
      return { change: { version: order.version, answers }, jobs, notify: { type: 'refund.failed', ...notice } };
    const totals = ledgerTotals(current.journal);
    const event = totals.refunded + refund.amount >= totals.captured ? 'refunded_full' : 'refunded_partial';
    return {
      change: {
        version: order.version,
        state: transition(order.state, event),
        answers,
        journal: [journalEntry('REFUND', refund.id, refund.amount, refund.currency)],
      },
      jobs,
      notify: { type: 'refund.succeeded', ...notice },
    };
  },
};
