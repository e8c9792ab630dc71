import type { OperationOutcome } from '../connectors/gateway.js';
import { HoldfastError, invalidInput, invalidState, notFound } from '../domain/errors.js';
import {
  answeredOperation,
  withCapture,
  withJournalEntry,
  withOrderState,
  withPaymentStatus,
  withReversal,
} from '../domain/aggregate-changes.js';
import { newId, remainderReversalId } from '../domain/ids.js';
import { journalEntry } from '../domain/ledger.js';
import { currentPayment, initiatedOperation, type Capture, type OrderAggregate, type Payment, type Reversal } from '../domain/order.js';
import type { OrderState } from '../domain/order-state.js';
import { nextState } from '../domain/order-state.js';
import { violatedUniqueConstraint } from '../store/db.js';
import { GuardedWrite } from '../store/guarded-write.js';
import {
  guardOrderState,
  guardOrderTransition,
  insertCaptureIn,
  insertJournalEntriesIn,
  insertReversalIn,
  setPaymentStatusIn,
  updateOperationIn,
} from '../store/order-writes.js';
import { loadAggregate } from '../store/orders-repository.js';
import { claimRequestKeyIn, findRequestKey, REQUEST_KEY_CONSTRAINT } from '../store/request-keys-repository.js';
import { cancelAutoVoidIn, cancelStatusSyncIn, scheduleRemainderReversalIn, scheduleStatusSyncIn } from './background.js';
import type { CoreContext } from './context.js';
import type { OrderEvent } from './events.js';
import { callOperation, operationUpdate } from './gateway-call.js';
import { applyGuardedChange } from './guarded-change.js';
import { getOrder } from './read-order.js';
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
  /** The order as the caller has just read it (without a lock, like the capture's own read): saves that read. */
  read?: OrderAggregate;
}

/** Reads before a write that found the order changed under it; each retry means another request won a race. */
const MAX_INTENT_ATTEMPTS = 8;

/**
 * Captures an authorized pre-auth order, fully or partially (once). Persists the capture intent,
 * asks the gateway, then records the answer: success → CAPTURED, or PARTIALLY_CAPTURED with the
 * uncaptured remainder released; failure → CAPTURE_FAILED; pending or timeout → CAPTURE_PENDING.
 *
 * Three statements, no transaction: the order read; the intent, written only if the order is
 * still in the state the read saw (a GuardedWrite); the answer, written only if the capture is
 * still pending. A lost race shows as a guard matching nothing: the intent then reads again and
 * decides again, exactly as a lock used to make the second request wait and see. On a partial
 * capture the remainder is released at the gateway before the answer is written, so the answer
 * records both; its reversal id comes from the capture's, so a status sync after a crash names the
 * same release. When every guard matched, the reply is the order read plus the writes, all known
 * values; otherwise the order is read again.
 */
export async function captureOrder(ctx: CoreContext, input: CaptureOrderInput): Promise<{ aggregate: OrderAggregate; replayed: boolean }> {
  const now = ctx.clock.now();
  const started = await writeCaptureIntent(ctx, input, now);
  if (started.kind === 'replay') return { aggregate: started.aggregate, replayed: true };
  if (started.kind === 'window_closed') {
    // Too late to capture: release the authorization instead of leaving money held.
    await voidOrder(ctx, { merchantId: input.merchantId, orderId: input.orderId, kind: 'AUTO_VOID' });
    throw new HoldfastError('capture_window_expired', 'The capture window has closed; the authorization has been released', {
      operation: 'capture',
    });
  }

  const { capture, payment, aggregate } = started;
  const connector = ctx.connector(payment.connector);
  const outcome = await callOperation(connector, 'capture', capture, payment.connectorReference);
  const remainder = remainderOf(capture, aggregate.order.amount, outcome, ctx.clock.now());
  const release = remainder ? await callOperation(connector, 'reverse', remainder, payment.connectorReference, 'remainder') : undefined;
  const recorded = await recordCaptureOutcome(ctx, input.merchantId, capture, aggregate.order.amount, outcome, release);
  return { aggregate: recorded ? recorded.apply(aggregate) : await getOrder(ctx.db, input.merchantId, input.orderId), replayed: false };
}

type IntentResult =
  | { kind: 'replay'; aggregate: OrderAggregate }
  | { kind: 'window_closed' }
  | { kind: 'started'; capture: Capture; payment: Payment & { connectorReference: string }; aggregate: OrderAggregate };

async function writeCaptureIntent(ctx: CoreContext, input: CaptureOrderInput, now: Date): Promise<IntentResult> {
  for (let attempt = 1; ; attempt++) {
    const read = attempt === 1 && input.read ? input.read : await loadAggregate(ctx.db, input.merchantId, input.orderId);
    if (!read) throw notFound('order');
    const decision = decideCapture(read, input, now);
    if (decision.kind !== 'start') return decision;
    const { capture, payment, state } = decision;
    const write = new GuardedWrite();
    guardOrderTransition(write, { orderId: read.order.id, merchantId: input.merchantId, from: read.order.state, to: state, now });
    insertCaptureIn(write, capture);
    scheduleStatusSyncIn(
      write,
      'capture',
      { merchantId: input.merchantId, orderId: read.order.id, operationId: capture.id },
      ctx.syncPolicy,
      now,
    );
    if (input.requestKey) claimRequestKeyIn(write, input.merchantId, input.requestKey.id, input.requestKey.fingerprint, read.order.id, now);
    try {
      if (await write.run(ctx.db))
        return { kind: 'started', capture, payment, aggregate: withCapture(withOrderState(read, state, now), capture) };
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      if (constraint === undefined) throw error;
      if (constraint === REQUEST_KEY_CONSTRAINT && input.requestKey) {
        const stored = await findRequestKey(ctx.db, input.merchantId, input.requestKey.id);
        if (stored) throw new RequestKeyTaken(stored);
      }
      // Another request recorded this capture reference first: the next read answers it as a replay.
    }
    if (attempt >= MAX_INTENT_ATTEMPTS) throw invalidState('capture', read.order.state);
  }
}

type CaptureDecision =
  | Exclude<IntentResult, { kind: 'started' }>
  | { kind: 'start'; capture: Capture; payment: Payment & { connectorReference: string }; state: OrderState };

/** The capture rules, on the order as read. */
function decideCapture(read: OrderAggregate, input: CaptureOrderInput, now: Date): CaptureDecision {
  const { order } = read;
  const existing = read.captures.find((c) => c.merchantCaptureReference === input.merchantCaptureReference);
  if (existing) {
    if (existing.requestFingerprint !== input.requestFingerprint) {
      throw new HoldfastError('idempotency_conflict', 'Duplicate capture reference received', { field: 'merchant_capture_reference' });
    }
    return { kind: 'replay', aggregate: read };
  }
  if (!order.preAuth)
    throw new HoldfastError('invalid_state', 'only orders created with pre_auth can be captured', {
      operation: 'capture',
      state: order.state,
      requires: 'pre_auth',
    });
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
  const payment = currentPayment(read);
  if (!payment || payment.status !== 'AUTHORIZED' || !payment.connectorReference) throw invalidState('capture', order.state);
  const capture: Capture = {
    ...initiatedOperation({ id: newId('cap'), orderId: order.id, paymentId: payment.id, amount, currency: order.currency }, now),
    merchantCaptureReference: input.merchantCaptureReference,
    requestFingerprint: input.requestFingerprint,
  };
  return { kind: 'start', capture, payment: { ...payment, connectorReference: payment.connectorReference }, state };
}

/** The release of what a successful partial capture leaves held, not yet sent. */
export function remainderOf(capture: Capture, authorized: number, outcome: OperationOutcome, now: Date): Reversal | undefined {
  const amount = authorized - capture.amount;
  if (outcome.kind !== 'succeeded' || amount <= 0) return undefined;
  return {
    ...initiatedOperation(
      { id: remainderReversalId(capture.id), orderId: capture.orderId, paymentId: capture.paymentId, amount, currency: capture.currency },
      now,
    ),
    kind: 'REMAINDER',
  };
}

/** A recorded answer: the remainder reversal it wrote (if any), and the same writes applied to an aggregate read before them. */
export interface RecordedCapture {
  remainder: Reversal | undefined;
  apply(aggregate: OrderAggregate): OrderAggregate;
}

/**
 * Records a capture answer (from the request or a status sync) and, for a partial capture, the
 * remainder reversal: with the gateway's answer to its release when the caller already sent it,
 * else INITIATED. Unless that release succeeded, a job (delayed like a status sync) releases it.
 * Idempotent: an answer for a capture that already reached a final status changes nothing and
 * returns undefined. A pending or unknown answer is left to the status sync scheduled with the intent.
 */
export async function recordCaptureOutcome(
  ctx: CoreContext,
  merchantId: string,
  capture: Capture,
  authorized: number,
  outcome: OperationOutcome,
  release?: OperationOutcome,
): Promise<RecordedCapture | undefined> {
  const now = ctx.clock.now();
  const orderId = capture.orderId;
  const initiated = remainderOf(capture, authorized, outcome, now);
  const remainder = initiated && release ? answeredOperation(initiated, operationUpdate(release), now) : initiated;
  const state: OrderState | undefined =
    outcome.kind === 'failed'
      ? 'CAPTURE_FAILED'
      : outcome.kind === 'succeeded'
        ? remainder
          ? 'PARTIALLY_CAPTURED'
          : 'CAPTURED'
        : undefined;
  const captured = journalEntry('CAPTURE', capture.id, capture.amount, capture.currency);
  const released =
    remainder?.status === 'SUCCEEDED' ? journalEntry('REVERSE', remainder.id, remainder.amount, remainder.currency) : undefined;
  const build = () => {
    const write = new GuardedWrite();
    // Pending or unknown: the order stays CAPTURE_PENDING; the inquiry scheduled with the intent settles it.
    if (state) guardOrderTransition(write, { orderId, merchantId, from: 'CAPTURE_PENDING', to: state, now });
    else guardOrderState(write, { orderId, merchantId, state: 'CAPTURE_PENDING' });
    updateOperationIn(write, 'captures', capture.id, operationUpdate(outcome), now);
    if (outcome.kind === 'succeeded' || outcome.kind === 'failed') cancelStatusSyncIn(write, capture.id);
    if (outcome.kind !== 'succeeded') return write;
    insertJournalEntriesIn(write, merchantId, orderId, released ? [captured, released] : [captured], now);
    setPaymentStatusIn(write, capture.paymentId, 'CAPTURED', now);
    cancelAutoVoidIn(write, orderId);
    if (remainder) {
      // Only one capture per order: the uncaptured remainder goes back to the cardholder. The
      // ledger moves when the gateway confirms the release; until then the job keeps trying.
      insertReversalIn(write, remainder);
      if (!released) scheduleRemainderReversalIn(write, { merchantId, orderId, operationId: remainder.id }, ctx.syncPolicy, now);
    }
    return write;
  };
  const event: OrderEvent | undefined =
    outcome.kind === 'succeeded' || outcome.kind === 'failed'
      ? { type: outcome.kind === 'succeeded' ? 'capture.succeeded' : 'capture.failed', merchantId, orderId }
      : undefined;
  if (!(await applyGuardedChange(ctx, build, event, now))) return undefined;
  return {
    remainder,
    apply(aggregate) {
      let next = withCapture(aggregate, answeredOperation(capture, operationUpdate(outcome), now));
      if (state) next = withOrderState(next, state, now);
      if (outcome.kind !== 'succeeded') return next;
      next = withPaymentStatus(withJournalEntry(next, captured), capture.paymentId, 'CAPTURED', now);
      if (remainder) next = withReversal(next, remainder);
      return released ? withJournalEntry(next, released) : next;
    },
  };
}
