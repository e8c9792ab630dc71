import type { OperationOutcome } from '../../connectors/gateway.js';
import { HoldfastError, invalidState } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { journalEntry, ledgerTotals } from '../../domain/ledger.js';
import { currentPayment, initiatedOperation, type OrderAggregate, type Release, type ReleaseKind } from '../../domain/order.js';
import { canApply, nextState } from '../../domain/order-state.js';
import type { CoreContext } from '../context.js';
import type { RequestKey } from '../request-key.js';
import { autoVoidJobKey, syncJobKey } from '../scheduled-jobs.js';
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
import { readOrder, runOperation, type OperationSpec, type SettleSpec, type StepResult } from './pipeline.js';

export interface VoidOrderInput {
  merchantId: string;
  orderId: string;
  requestKey?: RequestKey;
  /** VOID when the merchant asks; AUTO_VOID when the capture window closes. */
  kind?: Extract<ReleaseKind, 'VOID' | 'AUTO_VOID'>;
  /** The order as the caller has just read it: saves that read. */
  read?: OrderAggregate;
}

interface VoidPlan {
  release: Release;
  payment: KnownPayment;
}

/**
 * Releases an authorization: VOID_PENDING, then the gateway's answer: success → VOIDED with the
 * held amount released in the ledger; failure → VOID_FAILED (the authorization stands); pending or
 * timeout → stays VOID_PENDING for the status sync.
 */
export async function voidOrder(ctx: CoreContext, input: VoidOrderInput): Promise<OrderAggregate> {
  return (await runOperation(ctx, voidSpec, input, input, input.read)).aggregate;
}

export const voidSpec: OperationSpec<VoidOrderInput, VoidPlan, OperationOutcome> & SettleSpec<VoidPlan, OperationOutcome> = {
  decide(read, input, _ctx, now) {
    const { order } = read;
    if (!order.preAuth) {
      throw new HoldfastError('invalid_state', 'only orders created with pre_auth can be cancelled', {
        operation: 'void',
        state: order.state,
        requires: 'pre_auth',
      });
    }
    if (!nextState(order.state, 'void_requested')) throw invalidState('void', order.state);
    const payment = currentPayment(read);
    const held = ledgerTotals(read.journal).held;
    if (payment?.status !== 'AUTHORIZED' || !isKnownToGateway(payment) || held <= 0) throw invalidState('void', order.state);
    const release: Release = {
      ...initiatedOperation({ id: newId('rev'), orderId: order.id, paymentId: payment.id, amount: held, currency: order.currency }, now),
      kind: input.kind ?? 'VOID',
    };
    return { kind: 'start', plan: { release, payment } };
  },

  intent: (read, { release, payment }, input, ctx, now) =>
    operationIntent(
      ctx,
      read.order,
      {
        event: 'void_requested',
        row: { newRelease: release },
        sync: 'reversal',
        operationId: release.id,
        requestKey: input.requestKey,
        connector: payment.connector,
      },
      now,
    ),

  call: (ctx, plan) => ctx.gateway.operate(plan.payment.connector, 'reverse', operationRequest(plan.release, plan.payment, 'void')),

  planFor(_ctx, read, releaseId) {
    const release = read.reversals.find((r) => r.id === releaseId && r.kind !== 'REMAINDER');
    const payment = read.payments.find((p) => p.id === release?.paymentId);
    if (!release || isSettled(release) || !isKnownToGateway(payment)) return undefined;
    return { release, payment };
  },

  inquire: (ctx, plan) => ctx.gateway.settle(plan.payment.connector, 'reverse', operationRequest(plan.release, plan.payment, 'void')),

  isFinal: isFinalOutcome,

  answer(current, { release }, outcome) {
    const { order } = current;
    const row = current.reversals.find((r) => r.id === release.id);
    if (!row || isSettled(row) || order.state !== 'VOID_PENDING') return undefined;
    const answers = [{ table: 'reversals' as const, id: release.id, answer: operationAnswer(outcome) }];
    if (outcome.kind === 'pending' || outcome.kind === 'unknown') return { change: { version: order.version, answers } };
    const cancel = [syncJobKey(release.id)];
    if (outcome.kind === 'failed') {
      return {
        change: { version: order.version, state: transition(order.state, 'void_failed'), answers },
        jobs: { cancel },
        notify: { type: 'void.failed', merchantId: order.merchantId, orderId: order.id },
      };
    }
    return {
      change: {
        version: order.version,
        state: transition(order.state, 'voided'),
        answers,
        paymentUpdate: { id: release.paymentId, update: { status: 'VOIDED' } },
        journal: [journalEntry('REVERSE', release.id, release.amount, release.currency)],
      },
      jobs: { cancel: [...cancel, autoVoidJobKey(order.id)] },
      notify: { type: 'void.succeeded', merchantId: order.merchantId, orderId: order.id },
    };
  },
};

/**
 * The end of the capture window: an authorization still held is voided (AUTO_VOID), with its
 * ledger release and webhook. Re-checks everything; an operation still in flight is waited for.
 */
export async function autoVoidOrder(ctx: CoreContext, merchantId: string, orderId: string): Promise<StepResult> {
  const read = await readOrder(ctx, { merchantId, orderId });
  const { order } = read;
  if (order.state === 'CAPTURE_PENDING' || order.state === 'VOID_PENDING') return 'retry';
  if (!canApply(order.state, 'void_requested')) return 'done';
  if (!order.captureDeadline || order.captureDeadline.getTime() > ctx.clock.now().getTime()) return 'done';
  try {
    const after = await voidOrder(ctx, { merchantId, orderId, kind: 'AUTO_VOID', read });
    return after.order.state === 'VOID_FAILED' ? 'retry' : 'done';
  } catch (error) {
    if (error instanceof HoldfastError && error.code === 'invalid_state') return 'done';
    throw error;
  }
}
