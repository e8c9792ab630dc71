import type { OperationOutcome } from '../connectors/gateway.js';
import { HoldfastError, invalidInput, invalidState, notFound } from '../domain/errors.js';
import { newOrderId } from '../domain/ids.js';
import { journalEntry, ledgerTotals } from '../domain/ledger.js';
import { committedRefundAmount, currentPayment, initiatedOperation, type OrderAggregate, type Refund } from '../domain/order.js';
import { isRefundable } from '../domain/order-state.js';
import type { Queryable } from '../store/db.js';
import { insertJournalEntry, insertRefund, lockOrder, setOrderState, updateOperation } from '../store/orders-repository.js';
import { cancelStatusSync, scheduleStatusSync } from './background.js';
import type { CoreContext } from './context.js';
import { callOperation, operationUpdate } from './gateway-call.js';
import { getOrder } from './read-order.js';
import { recordRequestKey, type RequestKey } from './request-key.js';

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
}

/** Smallest refund, in minor units (₹1): both dialects document it. */
export const MIN_REFUND_AMOUNT = 100;

/**
 * Refunds captured money. Pending refunds count against the refundable amount, so concurrent
 * refunds can never together exceed what was captured.
 */
export async function refundOrder(
  ctx: CoreContext,
  input: RefundOrderInput,
): Promise<{ aggregate: OrderAggregate; refundId: string; replayed: boolean }> {
  const now = ctx.clock.now();
  const started = await ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, input.merchantId, input.orderId);
    if (!order) throw notFound('order');
    const aggregate = await getOrder(tx, order.merchantId, order.id);
    const existing = aggregate.refunds.find((r) => r.merchantRefundReference === input.merchantRefundReference);
    if (existing) {
      if (existing.requestFingerprint !== input.requestFingerprint) {
        throw new HoldfastError('idempotency_conflict', 'Duplicate refund reference received', { field: 'merchant_refund_reference' });
      }
      return { replayOf: existing.id as string };
    }
    if (!isRefundable(order.state)) throw invalidState('refund', order.state);
    const refundable = ledgerTotals(aggregate.journal).captured - committedRefundAmount(aggregate);
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
    const payment = currentPayment(aggregate);
    if (!payment || !payment.connectorReference) throw invalidState('refund', order.state);
    const refund: Refund = {
      // A refund is addressable as an order (Pine Labs reads it as an order of type REFUND).
      ...initiatedOperation({ id: newOrderId(now), orderId: order.id, paymentId: payment.id, amount, currency: order.currency }, now),
      merchantRefundReference: input.merchantRefundReference,
      requestFingerprint: input.requestFingerprint,
      details: input.details ?? {},
    };
    await insertRefund(tx, refund);
    await scheduleStatusSync(
      tx,
      'refund',
      { merchantId: order.merchantId, orderId: order.id, operationId: refund.id },
      ctx.syncPolicy,
      now,
    );
    await recordRequestKey(tx, input.merchantId, input.requestKey, order.id, now);
    return { refund, connectorReference: payment.connectorReference as string, connector: payment.connector };
  });
  if ('replayOf' in started && started.replayOf !== undefined) {
    return { aggregate: await getOrder(ctx.db, input.merchantId, input.orderId), refundId: started.replayOf, replayed: true };
  }

  const { refund } = started;
  const outcome = await callOperation(ctx.connector(started.connector), 'refund', refund, started.connectorReference);
  await ctx.db.transaction((tx) => recordRefundOutcome(ctx, tx, input.merchantId, refund, outcome));
  return { aggregate: await getOrder(ctx.db, input.merchantId, input.orderId), refundId: refund.id, replayed: false };
}

/** Records a refund answer; idempotent once the refund has a final status. */
export async function recordRefundOutcome(
  ctx: CoreContext,
  tx: Queryable,
  merchantId: string,
  refund: Refund,
  outcome: OperationOutcome,
): Promise<void> {
  const order = await lockOrder(tx, merchantId, refund.orderId);
  if (!order) return;
  const rows = await tx.query<{ status: string }>('select status from refunds where id = $1', [refund.id]);
  const status = rows[0]?.status;
  if (status === 'SUCCEEDED' || status === 'FAILED') return;
  const now = ctx.clock.now();
  await updateOperation(tx, 'refunds', refund.id, operationUpdate(outcome), now);
  if (outcome.kind === 'succeeded' || outcome.kind === 'failed') await cancelStatusSync(tx, refund.id);
  if (outcome.kind === 'failed') {
    await ctx.events.record(tx, { type: 'refund.failed', merchantId, orderId: order.id, refundId: refund.id }, now);
    return;
  }
  if (outcome.kind !== 'succeeded') return; // pending or unknown: the inquiry scheduled with the intent settles it
  await insertJournalEntry(tx, merchantId, order.id, journalEntry('REFUND', refund.id, refund.amount, refund.currency), now);
  const aggregate = await getOrder(tx, merchantId, order.id);
  const totals = ledgerTotals(aggregate.journal);
  await setOrderState(tx, order.id, totals.refunded >= totals.captured ? 'FULLY_REFUNDED' : 'PARTIALLY_REFUNDED', now);
  await ctx.events.record(tx, { type: 'refund.succeeded', merchantId, orderId: order.id, refundId: refund.id }, now);
}
