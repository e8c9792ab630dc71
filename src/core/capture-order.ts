import type { OperationOutcome } from '../connectors/gateway.js';
import { HoldfastError, invalidInput, invalidState, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { journalEntry } from '../domain/ledger.js';
import { currentPaymentOf, initiatedOperation, type Capture, type OrderAggregate, type Payment, type Reversal } from '../domain/order.js';
import type { OrderState } from '../domain/order-state.js';
import { nextState } from '../domain/order-state.js';
import { violatedUniqueConstraint } from '../store/db.js';
import { GuardedWrite } from '../store/guarded-write.js';
import {
  guardOrderState,
  guardOrderTransition,
  insertCaptureIn,
  insertJournalEntryIn,
  insertReversalIn,
  readCaptureContext,
  setPaymentStatusIn,
  updateOperationIn,
  type CaptureContext,
} from '../store/order-writes.js';
import { claimRequestKeyIn, findRequestKey, REQUEST_KEY_CONSTRAINT } from '../store/request-keys-repository.js';
import { cancelAutoVoidIn, cancelStatusSyncIn, scheduleRemainderReversalIn, scheduleStatusSyncIn } from './background.js';
import type { CoreContext } from './context.js';
import type { OrderEvent } from './events.js';
import { callOperation, operationUpdate } from './gateway-call.js';
import { applyGuardedChange } from './guarded-change.js';
import { getOrder } from './read-order.js';
import { releaseRemainder } from './release-remainder.js';
import { RequestKeyTaken, type RequestKey } from './request-key.js';
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

/** Reads before a write that found the order changed under it; each retry means another request won a race. */
const MAX_INTENT_ATTEMPTS = 8;

/**
 * Captures an authorized pre-auth order, fully or partially (once). Persists the capture intent,
 * asks the gateway, then records the answer: success → CAPTURED, or PARTIALLY_CAPTURED with the
 * uncaptured remainder reversed; failure → CAPTURE_FAILED; pending or timeout → CAPTURE_PENDING.
 *
 * Each step is one statement (a GuardedWrite) instead of a locked transaction: a read, the intent
 * written only if the order is still in the state the read saw, the answer written only if the
 * capture is still pending. A race is lost by the guard matching nothing, and then the read is
 * repeated and decides again, exactly as the lock used to make the second request wait and see.
 */
export async function captureOrder(ctx: CoreContext, input: CaptureOrderInput): Promise<{ aggregate: OrderAggregate; replayed: boolean }> {
  const now = ctx.clock.now();
  const started = await writeCaptureIntent(ctx, input, now);
  if (started.kind === 'replay') return { aggregate: await getOrder(ctx.db, input.merchantId, input.orderId), replayed: true };
  if (started.kind === 'window_closed') {
    // Too late to capture: release the authorization instead of leaving money held.
    await voidOrder(ctx, { merchantId: input.merchantId, orderId: input.orderId, kind: 'AUTO_VOID' });
    throw new HoldfastError('capture_window_expired', 'The capture window has closed; the authorization has been released', { operation: 'capture' });
  }

  const { capture, payment } = started;
  const outcome = await callOperation(ctx.connector(payment.connector), 'capture', capture, payment.connectorReference);
  const remainder = await recordCaptureOutcome(ctx, input.merchantId, capture, started.authorized, outcome);
  // The job scheduled with the capture guarantees the remainder is released; trying now means the
  // answer usually shows it released already.
  if (remainder) await releaseRemainder(ctx, { merchantId: input.merchantId, orderId: input.orderId, operationId: remainder.id }, { reversal: remainder, payment }).catch(() => undefined);
  return { aggregate: await getOrder(ctx.db, input.merchantId, input.orderId), replayed: false };
}

type IntentResult =
  | { kind: 'replay' }
  | { kind: 'window_closed' }
  | { kind: 'started'; capture: Capture; payment: Payment & { connectorReference: string }; authorized: number };

async function writeCaptureIntent(ctx: CoreContext, input: CaptureOrderInput, now: Date): Promise<IntentResult> {
  for (let attempt = 1; ; attempt++) {
    const context = await readCaptureContext(ctx.db, input.merchantId, input.orderId, input.merchantCaptureReference);
    if (!context) throw notFound('order');
    const decision = decideCapture(context, input, now);
    if (decision.kind !== 'start') return decision;
    const { capture, payment, state } = decision;
    const write = new GuardedWrite();
    guardOrderTransition(write, { orderId: context.order.id, merchantId: input.merchantId, from: context.order.state, to: state, now });
    insertCaptureIn(write, capture);
    scheduleStatusSyncIn(write, 'capture', { merchantId: input.merchantId, orderId: context.order.id, operationId: capture.id }, ctx.syncPolicy, now);
    if (input.requestKey) claimRequestKeyIn(write, input.merchantId, input.requestKey.id, input.requestKey.fingerprint, context.order.id, now);
    try {
      if (await write.run(ctx.db)) return { kind: 'started', capture, payment, authorized: context.order.amount };
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      if (constraint === undefined) throw error;
      if (constraint === REQUEST_KEY_CONSTRAINT && input.requestKey) {
        const stored = await findRequestKey(ctx.db, input.merchantId, input.requestKey.id);
        if (stored) throw new RequestKeyTaken(stored);
      }
      // Another request recorded this capture reference first: the next read answers it as a replay.
    }
    if (attempt >= MAX_INTENT_ATTEMPTS) throw invalidState('capture', context.order.state);
  }
}

type CaptureDecision = Exclude<IntentResult, { kind: 'started' }> | { kind: 'start'; capture: Capture; payment: Payment & { connectorReference: string }; state: OrderState };

/** The capture rules, on what the read saw. */
function decideCapture({ order, payments, existing }: CaptureContext, input: CaptureOrderInput, now: Date): CaptureDecision {
  if (existing) {
    if (existing.requestFingerprint !== input.requestFingerprint) {
      throw new HoldfastError('idempotency_conflict', 'Duplicate capture reference received', { field: 'merchant_capture_reference' });
    }
    return { kind: 'replay' };
  }
  if (!order.preAuth) throw new HoldfastError('invalid_state', 'only orders created with pre_auth can be captured', { operation: 'capture', state: order.state });
  const state = nextState(order.state, 'capture_requested');
  if (!state) throw invalidState('capture', order.state);
  if (order.captureDeadline && now.getTime() >= order.captureDeadline.getTime()) return { kind: 'window_closed' };
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
  const payment = currentPaymentOf(payments);
  if (!payment || payment.status !== 'AUTHORIZED' || !payment.connectorReference) throw invalidState('capture', order.state);
  const capture: Capture = {
    ...initiatedOperation({ id: newId('cap'), orderId: order.id, paymentId: payment.id, amount, currency: order.currency }, now),
    merchantCaptureReference: input.merchantCaptureReference,
    requestFingerprint: input.requestFingerprint,
  };
  return { kind: 'start', capture, payment: { ...payment, connectorReference: payment.connectorReference }, state };
}

/**
 * Records a capture answer (from the request or a status sync). Idempotent: an answer for a
 * capture that already reached a final status changes nothing. A pending or unknown answer
 * is left to the status sync scheduled with the intent; a partial capture schedules the release of
 * the remainder, whose reversal row is returned.
 */
export async function recordCaptureOutcome(
  ctx: CoreContext,
  merchantId: string,
  capture: Capture,
  authorized: number,
  outcome: OperationOutcome,
): Promise<Reversal | undefined> {
  const now = ctx.clock.now();
  const remainderAmount = authorized - capture.amount;
  const remainder: Reversal | undefined =
    outcome.kind === 'succeeded' && remainderAmount > 0
      ? {
          ...initiatedOperation({ id: newId('rev'), orderId: capture.orderId, paymentId: capture.paymentId, amount: remainderAmount, currency: capture.currency }, now),
          kind: 'REMAINDER',
        }
      : undefined;
  const event: OrderEvent | undefined =
    outcome.kind === 'succeeded' || outcome.kind === 'failed'
      ? { type: outcome.kind === 'succeeded' ? 'capture.succeeded' : 'capture.failed', merchantId, orderId: capture.orderId }
      : undefined;
  const build = () => captureOutcomeWrite(ctx, merchantId, capture, outcome, remainder, now);
  const recorded = await applyGuardedChange(ctx, build, event, now);
  return recorded ? remainder : undefined;
}

/** The answer's writes, guarded by the order still being CAPTURE_PENDING (a second answer changes nothing). */
function captureOutcomeWrite(ctx: CoreContext, merchantId: string, capture: Capture, outcome: OperationOutcome, remainder: Reversal | undefined, now: Date): GuardedWrite {
  const write = new GuardedWrite();
  const orderId = capture.orderId;
  const to: OrderState | undefined =
    outcome.kind === 'failed' ? 'CAPTURE_FAILED' : outcome.kind === 'succeeded' ? (remainder ? 'PARTIALLY_CAPTURED' : 'CAPTURED') : undefined;
  // Pending or unknown: the order stays CAPTURE_PENDING; the inquiry scheduled with the intent settles it.
  if (to) guardOrderTransition(write, { orderId, merchantId, from: 'CAPTURE_PENDING', to, now });
  else guardOrderState(write, { orderId, merchantId, state: 'CAPTURE_PENDING' });
  updateOperationIn(write, 'captures', capture.id, operationUpdate(outcome), now);
  if (outcome.kind === 'succeeded' || outcome.kind === 'failed') cancelStatusSyncIn(write, capture.id);
  if (outcome.kind !== 'succeeded') return write;
  insertJournalEntryIn(write, merchantId, orderId, journalEntry('CAPTURE', capture.id, capture.amount, capture.currency), now);
  setPaymentStatusIn(write, capture.paymentId, 'CAPTURED', now);
  cancelAutoVoidIn(write, orderId);
  if (remainder) {
    // Only one capture per order: the uncaptured remainder goes back to the cardholder. The job
    // makes that survive a crash; the ledger moves when the gateway confirms the release.
    insertReversalIn(write, remainder);
    scheduleRemainderReversalIn(write, { merchantId, orderId, operationId: remainder.id }, ctx.syncPolicy, now);
  }
  return write;
}
