import type { AuthorizeOutcome, OperationOutcome, OperationRequest } from '../connectors/gateway.js';
import type { OrderAggregate } from '../domain/order.js';
import { setReviewReason } from '../store/orders-repository.js';
import type { SyncKind, SyncPayload } from './background.js';
import { recordCaptureOutcome } from './capture-order.js';
import { recordAuthorizeOutcome } from './authorize-payment.js';
import type { CoreContext } from './context.js';
import { callGateway } from './gateway-call.js';
import { getOrder } from './read-order.js';
import { recordRefundOutcome } from './refund-order.js';
import { releaseRemainder, type StepResult } from './release-remainder.js';
import { recordVoidOutcome } from './void-order.js';

const FINAL = new Set(['SUCCEEDED', 'FAILED']);

/**
 * Status sync: asks the gateway what became of an operation whose answer was pending or never
 * came, and records the answer once it is final. An operation the gateway never received is sent
 * again under the same id (the gateway's idempotency key). Returns 'retry' while it cannot tell.
 */
export async function resolveOutcome(ctx: CoreContext, kind: SyncKind, payload: SyncPayload): Promise<StepResult> {
  const aggregate = await getOrder(ctx.db, payload.merchantId, payload.orderId);
  if (kind === 'authorization') return resolveAuthorization(ctx, aggregate, payload);
  const row = findOperation(aggregate, kind, payload.operationId);
  if (!row || FINAL.has(row.status)) return 'done';
  if (kind === 'reversal' && 'kind' in row && row.kind === 'REMAINDER') return releaseRemainder(ctx, payload);
  const payment = aggregate.payments.find((p) => p.id === row.paymentId);
  if (!payment?.connectorReference) return 'done';
  const connector = ctx.connector(payment.connector);
  const connectorKind = kind === 'reversal' ? 'reverse' : kind;
  const request: OperationRequest = {
    operationId: row.id,
    paymentId: payment.id,
    connectorReference: payment.connectorReference,
    amount: row.amount,
    currency: row.currency,
    ...(kind === 'reversal' ? { reason: 'void' as const } : {}),
  };
  let outcome = await callGateway<OperationOutcome>(
    () => connector.inquire(connectorKind, request),
    (reason) => ({ kind: 'unknown', reason }),
  );
  if (outcome.kind === 'failed' && outcome.code === 'NOT_FOUND') {
    outcome = await callGateway<OperationOutcome>(
      () => connector[connectorKind](request),
      (reason) => ({ kind: 'unknown', reason }),
    );
  }
  if (outcome.kind === 'pending' || outcome.kind === 'unknown') return 'retry';
  if (kind === 'capture') {
    const remainder = (await recordCaptureOutcome(ctx, payload.merchantId, row as never, aggregate.order.amount, outcome))?.remainder;
    // Release the remainder now (the request does it before recording); its job retries if this try does not settle it.
    if (remainder)
      await releaseRemainder(ctx, { ...payload, operationId: remainder.id }, { reversal: remainder, payment }).catch(() => undefined);
    return 'done';
  }
  await ctx.db.transaction(async (tx) => {
    if (kind === 'reversal') await recordVoidOutcome(ctx, tx, payload.merchantId, row as never, outcome);
    else await recordRefundOutcome(ctx, tx, payload.merchantId, row as never, outcome);
  });
  return 'done';
}

async function resolveAuthorization(ctx: CoreContext, aggregate: OrderAggregate, payload: SyncPayload): Promise<StepResult> {
  const payment = aggregate.payments.find((p) => p.id === payload.operationId);
  if (!payment || payment.status !== 'PENDING' || payment.challengeId) return 'done';
  const connector = ctx.connector(payment.connector);
  const outcome = await callGateway<AuthorizeOutcome>(
    () =>
      connector.inquireAuthorization({
        paymentId: payment.id,
        connectorReference: payment.connectorReference,
        capture: !aggregate.order.preAuth,
      }),
    (reason) => ({ kind: 'unknown', connectorReference: payment.connectorReference, reason }),
  );
  if (outcome.kind === 'unknown' || outcome.kind === 'challenge') return 'retry';
  await ctx.db.transaction((tx) => recordAuthorizeOutcome(ctx, tx, payload.merchantId, payload.orderId, payment.id, outcome));
  return 'done';
}

function findOperation(aggregate: OrderAggregate, kind: Exclude<SyncKind, 'authorization'>, id: string) {
  const rows = kind === 'capture' ? aggregate.captures : kind === 'reversal' ? aggregate.reversals : aggregate.refunds;
  return rows.find((r) => r.id === id);
}

/** The last inquiry came back without a final answer: a person decides, nothing is guessed. */
export async function flagForReview(ctx: CoreContext, payload: SyncPayload, kind: string, error: string): Promise<void> {
  await setReviewReason(
    ctx.db,
    payload.orderId,
    `${kind} ${payload.operationId}: outcome still unknown after the last status inquiry (${error})`,
    ctx.clock.now(),
  );
}
