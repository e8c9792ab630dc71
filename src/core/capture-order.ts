import type { OperationOutcome } from '../connectors/gateway.js';
import { HoldfastError, invalidInput, invalidState, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { journalEntry } from '../domain/ledger.js';
import { currentPayment, initiatedOperation, type Capture, type OrderAggregate } from '../domain/order.js';
import { nextState } from '../domain/order-state.js';
import type { Queryable } from '../store/db.js';
import {
  findCaptureByReference,
  insertCapture,
  insertJournalEntry,
  insertReversal,
  lockOrder,
  setOrderState,
  updateOperation,
  updatePayment,
} from '../store/orders-repository.js';
import { cancelAutoVoid, cancelStatusSync, scheduleRemainderReversal, scheduleStatusSync } from './background.js';
import type { CoreContext } from './context.js';
import { releaseRemainder } from './release-remainder.js';
import { callOperation, operationUpdate } from './gateway-call.js';
import { getOrder } from './read-order.js';
import { recordRequestKey, type RequestKey } from './request-key.js';
import { voidOrder } from './void-order.js';

export interface CaptureOrderInput {
  merchantId: string;
  orderId: string;
  /** The merchant's capture reference: the idempotency key of the capture. */
  merchantCaptureReference: string;
  /** Omitted: capture the whole authorized amount. */
  amount?: { value: number; currency: string } | undefined;
  requestFingerprint: string;
  requestKey?: RequestKey;
}

/**
 * Captures an authorized pre-auth order, fully or partially (once). Persists the capture intent,
 * asks the gateway, then records the answer: success → CAPTURED, or PARTIALLY_CAPTURED with the
 * uncaptured remainder reversed; failure → CAPTURE_FAILED; pending or timeout → CAPTURE_PENDING.
 */
export async function captureOrder(ctx: CoreContext, input: CaptureOrderInput): Promise<{ aggregate: OrderAggregate; replayed: boolean }> {
  const now = ctx.clock.now();
  const started = await ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, input.merchantId, input.orderId);
    if (!order) throw notFound('order');
    const existing = await findCaptureByReference(tx, order.id, input.merchantCaptureReference);
    if (existing) {
      if (existing.requestFingerprint !== input.requestFingerprint) {
        throw new HoldfastError('idempotency_conflict', 'Duplicate capture reference received', { field: 'merchant_capture_reference' });
      }
      return { kind: 'replay' } as const;
    }
    if (!order.preAuth) throw new HoldfastError('invalid_state', 'only orders created with pre_auth can be captured', { operation: 'capture', state: order.state });
    const state = nextState(order.state, 'capture_requested');
    if (!state) throw invalidState('capture', order.state);
    if (order.captureDeadline && now.getTime() >= order.captureDeadline.getTime()) return { kind: 'window_closed' } as const;
    const amount = input.amount?.value ?? order.amount;
    if (input.amount && input.amount.currency !== order.currency) {
      throw invalidInput('capture_amount.currency', `currency must be ${order.currency}, the order's currency`);
    }
    if (!Number.isSafeInteger(amount) || amount < 1) throw invalidInput('capture_amount.value', 'capture amount must be a positive integer');
    if (amount > order.amount) {
      throw new HoldfastError('amount_exceeded', `capture amount must be less than or equal to the authorized amount (${order.amount})`, {
        field: 'capture_amount.value',
        limit: order.amount,
      });
    }
    const aggregate = await getOrder(tx, order.merchantId, order.id);
    const payment = currentPayment(aggregate);
    if (!payment || payment.status !== 'AUTHORIZED' || !payment.connectorReference) throw invalidState('capture', order.state);
    const capture: Capture = {
      ...initiatedOperation({ id: newId('cap'), orderId: order.id, paymentId: payment.id, amount, currency: order.currency }, now),
      merchantCaptureReference: input.merchantCaptureReference,
      requestFingerprint: input.requestFingerprint,
    };
    await insertCapture(tx, capture);
    await setOrderState(tx, order.id, state, now);
    await scheduleStatusSync(tx, 'capture', { merchantId: order.merchantId, orderId: order.id, operationId: capture.id }, ctx.syncPolicy, now);
    await recordRequestKey(tx, input.merchantId, input.requestKey, order.id, now);
    return { kind: 'started', capture, connectorReference: payment.connectorReference, connector: payment.connector, authorized: order.amount } as const;
  });
  if (started.kind === 'replay') return { aggregate: await getOrder(ctx.db, input.merchantId, input.orderId), replayed: true };
  if (started.kind === 'window_closed') {
    // Too late to capture: release the authorization instead of leaving money held.
    await voidOrder(ctx, { merchantId: input.merchantId, orderId: input.orderId, kind: 'AUTO_VOID' });
    throw new HoldfastError('capture_window_expired', 'The capture window has closed; the authorization has been released', { operation: 'capture' });
  }

  const { capture } = started;
  const outcome = await callOperation(ctx.connector(started.connector), 'capture', capture, started.connectorReference);
  const remainderId = await ctx.db.transaction((tx) => recordCaptureOutcome(ctx, tx, input.merchantId, capture, started.authorized, outcome));
  // The job scheduled with the capture guarantees the remainder is released; trying now means the
  // answer usually shows it released already.
  if (remainderId) await releaseRemainder(ctx, { merchantId: input.merchantId, orderId: input.orderId, operationId: remainderId }).catch(() => undefined);
  return { aggregate: await getOrder(ctx.db, input.merchantId, input.orderId), replayed: false };
}

/**
 * Records a capture answer (from the request or a status sync). Idempotent: an answer for a
 * capture that already reached a final status changes nothing. A pending or unknown answer
 * schedules a status sync; a partial capture schedules the release of the remainder, whose
 * reversal id is returned.
 */
export async function recordCaptureOutcome(
  ctx: CoreContext,
  tx: Queryable,
  merchantId: string,
  capture: Capture,
  authorized: number,
  outcome: OperationOutcome,
): Promise<string | undefined> {
  const order = await lockOrder(tx, merchantId, capture.orderId);
  if (!order || order.state !== 'CAPTURE_PENDING') return undefined;
  const now = ctx.clock.now();
  await updateOperation(tx, 'captures', capture.id, operationUpdate(outcome), now);
  if (outcome.kind === 'succeeded' || outcome.kind === 'failed') await cancelStatusSync(tx, capture.id);
  if (outcome.kind === 'failed') {
    await setOrderState(tx, order.id, 'CAPTURE_FAILED', now);
    await ctx.events.record(tx, { type: 'capture.failed', merchantId, orderId: order.id }, now);
    return undefined;
  }
  if (outcome.kind !== 'succeeded') return undefined; // pending or unknown: the inquiry scheduled with the intent settles it
  await insertJournalEntry(tx, merchantId, order.id, journalEntry('CAPTURE', capture.id, capture.amount, capture.currency), now);
  await updatePayment(tx, capture.paymentId, { status: 'CAPTURED' }, now);
  await cancelAutoVoid(tx, order.id);
  const remainder = authorized - capture.amount;
  if (remainder === 0) {
    await setOrderState(tx, order.id, 'CAPTURED', now);
    await ctx.events.record(tx, { type: 'capture.succeeded', merchantId, orderId: order.id }, now);
    return undefined;
  }
  // Only one capture per order: the uncaptured remainder goes back to the cardholder. The job
  // makes that survive a crash; the ledger moves when the gateway confirms the release.
  const reversalId = newId('rev');
  await insertReversal(tx, {
    ...initiatedOperation({ id: reversalId, orderId: order.id, paymentId: capture.paymentId, amount: remainder, currency: capture.currency }, now),
    kind: 'REMAINDER',
  });
  await scheduleRemainderReversal(tx, merchantId, order.id, reversalId, now);
  await setOrderState(tx, order.id, 'PARTIALLY_CAPTURED', now);
  await ctx.events.record(tx, { type: 'capture.succeeded', merchantId, orderId: order.id }, now);
  return reversalId;
}
