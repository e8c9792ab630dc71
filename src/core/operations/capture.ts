import { sameRequest } from '../request-fingerprint.js';
import type { OperationOutcome } from '../../connectors/gateway.js';
import { HoldfastError, invalidInput, invalidState } from '../../domain/errors.js';
import { newId, remainderReleaseId } from '../../domain/ids.js';
import { journalEntry } from '../../domain/ledger.js';
import { answeredOperation } from '../../domain/order-change.js';
import { currentPayment, initiatedOperation, type Capture, type OrderAggregate, type Release } from '../../domain/order.js';
import { nextState } from '../../domain/order-state.js';
import type { CoreContext } from '../context.js';
import type { RequestKey } from '../request-key.js';
import { autoVoidJobKey, remainderReleaseJob, syncJobKey } from '../scheduled-jobs.js';
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
import { voidOrder } from './void.js';

export interface CaptureOrderInput {
  merchantId: string;
  orderId: string;
  /** The merchant's capture reference: the idempotency key of the capture. */
  merchantCaptureReference: string;
  /** Omitted: capture the whole authorized amount. */
  amount?: { value: number; currency: string } | undefined;
  requestFingerprint: string;
  requestKey?: RequestKey;
  /** The order as the caller has just read it: saves that read. */
  read?: OrderAggregate;
}

interface CapturePlan {
  capture: Capture;
  payment: KnownPayment;
  authorized: number;
}

/** The capture's answer, and on a successful partial capture the answer to the release of the remainder, sent before recording. */
export interface CaptureOutcome {
  capture: OperationOutcome;
  release?: OperationOutcome;
}

/**
 * Captures an authorized pre-auth order, fully or partially (once): success → CAPTURED, or
 * PARTIALLY_CAPTURED with the uncaptured remainder released; failure → CAPTURE_FAILED; pending or
 * timeout → stays CAPTURE_PENDING for the status sync. On a partial capture the remainder is
 * released at the gateway before the answer is written, so the answer records both; the release's
 * id comes from the capture's, so a status sync after a crash names the same release.
 */
export async function captureOrder(ctx: CoreContext, input: CaptureOrderInput): Promise<{ aggregate: OrderAggregate; replayed: boolean }> {
  const result = await runOperation(ctx, captureSpec, input, input, input.read);
  if (result.kind === 'stop') {
    // Too late to capture: release the authorization instead of leaving money held.
    await voidOrder(ctx, { merchantId: input.merchantId, orderId: input.orderId, kind: 'AUTO_VOID' });
    throw new HoldfastError('capture_window_expired', 'The capture window has closed; the authorization has been released', {
      operation: 'capture',
    });
  }
  return { aggregate: result.aggregate, replayed: result.kind === 'replay' };
}

export const captureSpec: OperationSpec<CaptureOrderInput, CapturePlan, CaptureOutcome, 'window_closed'> &
  SettleSpec<CapturePlan, CaptureOutcome> = {
  decide(read, input, _ctx, now) {
    const { order } = read;
    const existing = read.captures.find((c) => c.merchantCaptureReference === input.merchantCaptureReference);
    if (existing) {
      if (!sameRequest(existing.requestFingerprint, input.requestFingerprint)) {
        throw new HoldfastError('idempotency_conflict', 'Duplicate capture reference received', { field: 'merchant_capture_reference' });
      }
      return { kind: 'replay' };
    }
    if (!order.preAuth) {
      throw new HoldfastError('invalid_state', 'only orders created with pre_auth can be captured', {
        operation: 'capture',
        state: order.state,
        requires: 'pre_auth',
      });
    }
    if (!nextState(order.state, 'capture_requested')) throw invalidState('capture', order.state);
    if (order.captureDeadline && now.getTime() >= order.captureDeadline.getTime()) return { kind: 'stop', stop: 'window_closed' };
    const amount = input.amount?.value ?? order.amount;
    if (input.amount && input.amount.currency !== order.currency) {
      throw invalidInput('capture_amount.currency', `currency must be ${order.currency}, the order's currency`);
    }
    if (!Number.isSafeInteger(amount) || amount < 1)
      throw invalidInput('capture_amount.value', 'capture amount must be a positive integer');
    if (amount > order.amount) {
      throw new HoldfastError('amount_exceeded', `capture amount must be less than or equal to the authorized amount (${order.amount})`, {
        field: 'capture_amount.value',
        limit: order.amount,
      });
    }
    const payment = currentPayment(read);
    if (payment?.status !== 'AUTHORIZED' || !isKnownToGateway(payment)) throw invalidState('capture', order.state);
    const capture: Capture = {
      ...initiatedOperation({ id: newId('cap'), orderId: order.id, paymentId: payment.id, amount, currency: order.currency }, now),
      merchantCaptureReference: input.merchantCaptureReference,
      requestFingerprint: input.requestFingerprint,
    };
    return { kind: 'start', plan: { capture, payment, authorized: order.amount } };
  },

  intent: (read, { capture, payment }, input, ctx, now) =>
    operationIntent(
      ctx,
      read.order,
      {
        event: 'capture_requested',
        row: { newCapture: capture },
        sync: 'capture',
        operationId: capture.id,
        requestKey: input.requestKey,
        connector: payment.connector,
      },
      now,
    ),

  async call(ctx, plan) {
    const capture = await ctx.gateway.operate(plan.payment.connector, 'capture', operationRequest(plan.capture, plan.payment));
    return withRemainderReleased(ctx, plan, capture);
  },

  planFor(_ctx, read, captureId) {
    const capture = read.captures.find((c) => c.id === captureId);
    const payment = read.payments.find((p) => p.id === capture?.paymentId);
    if (!capture || isSettled(capture) || !isKnownToGateway(payment)) return undefined;
    return { capture, payment, authorized: read.order.amount };
  },

  async inquire(ctx, plan) {
    const capture = await ctx.gateway.settle(plan.payment.connector, 'capture', operationRequest(plan.capture, plan.payment));
    return withRemainderReleased(ctx, plan, capture);
  },

  isFinal: (outcome) => isFinalOutcome(outcome.capture),

  answer(current, plan, outcome, ctx, now) {
    const { order } = current;
    const capture = current.captures.find((c) => c.id === plan.capture.id);
    if (!capture || isSettled(capture) || order.state !== 'CAPTURE_PENDING') return undefined;
    const merchantId = order.merchantId;
    const answers = [{ table: 'captures' as const, id: capture.id, answer: operationAnswer(outcome.capture) }];
    if (outcome.capture.kind === 'pending' || outcome.capture.kind === 'unknown') {
      // The order stays CAPTURE_PENDING; the inquiry scheduled with the intent settles it.
      return { change: { version: order.version, answers } };
    }
    const cancel = [syncJobKey(capture.id)];
    if (outcome.capture.kind === 'failed') {
      return {
        change: { version: order.version, state: transition(order.state, 'capture_failed'), answers },
        jobs: { cancel },
        notify: { type: 'capture.failed', merchantId, orderId: order.id },
      };
    }
    const initiated = remainderOf(plan, outcome.capture, now);
    const remainder = initiated && outcome.release ? answeredOperation(initiated, operationAnswer(outcome.release), now) : initiated;
    const journal = [journalEntry('CAPTURE', capture.id, capture.amount, capture.currency)];
    if (remainder?.status === 'SUCCEEDED') journal.push(journalEntry('REVERSE', remainder.id, remainder.amount, remainder.currency));
    // Only one capture per order: the uncaptured remainder goes back to the cardholder. The ledger
    // moves it when the gateway confirms the release; until then its job keeps trying.
    const enqueue =
      remainder && remainder.status !== 'SUCCEEDED'
        ? [remainderReleaseJob({ merchantId, orderId: order.id, operationId: remainder.id }, ctx.syncPolicy, now)]
        : [];
    return {
      change: {
        version: order.version,
        state: transition(order.state, remainder ? 'captured_partial' : 'captured_full'),
        answers,
        paymentUpdate: { id: capture.paymentId, update: { status: 'CAPTURED' } },
        ...(remainder ? { newRelease: remainder } : {}),
        journal,
      },
      jobs: { cancel: [...cancel, autoVoidJobKey(order.id)], enqueue },
      notify: { type: 'capture.succeeded', merchantId, orderId: order.id },
    };
  },
};

/** The release of what a successful partial capture leaves held, not yet sent. */
function remainderOf(plan: CapturePlan, outcome: OperationOutcome, now: Date): Release | undefined {
  const { capture } = plan;
  const amount = plan.authorized - capture.amount;
  if (outcome.kind !== 'succeeded' || amount <= 0) return undefined;
  return {
    ...initiatedOperation(
      { id: remainderReleaseId(capture.id), orderId: capture.orderId, paymentId: capture.paymentId, amount, currency: capture.currency },
      now,
    ),
    kind: 'REMAINDER',
  };
}

/** Sends the remainder's release when the capture succeeded partially, so the answer can record both. */
async function withRemainderReleased(ctx: CoreContext, plan: CapturePlan, capture: OperationOutcome): Promise<CaptureOutcome> {
  const remainder = remainderOf(plan, capture, ctx.clock.now());
  if (!remainder) return { capture };
  return {
    capture,
    release: await ctx.gateway.operate(plan.payment.connector, 'reverse', operationRequest(remainder, plan.payment, 'remainder')),
  };
}
