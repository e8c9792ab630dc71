import type { AdminActor } from '../../domain/operator-roles.js';
import type { OrderAggregate } from '../../domain/order.js';
import { loadAggregate } from '../../store/orders-repository.js';
import { clearReviewReason, listReviewOrders, type ReviewRow } from '../../store/reviews-repository.js';
import type { CoreContext } from '../context.js';
import { orderForActor } from './admin-order.js';
import { recordAudit } from './audit.js';
import {
  answerPendingOperation,
  pendingOperations,
  type FinalAnswer,
  type PendingOperation,
  type PendingOperationKind,
} from './pending-operations.js';
import { AdminRefusal } from './refusal.js';

/** An order in the manual review queue, with the operations whose outcome is still unknown. */
export interface ReviewItem extends ReviewRow {
  operations: PendingOperation[];
}

/** A page of the review queue the actor may see, newest first. */
export async function listReviews(
  ctx: CoreContext,
  query: { merchantIds: readonly string[] | null; limit: number; after?: { updatedAt: Date; orderId: string } },
): Promise<ReviewItem[]> {
  const rows = await listReviewOrders(ctx.db, query);
  return Promise.all(
    rows.map(async (row) => {
      const read = await loadAggregate(ctx.db, row.merchantId, row.orderId);
      return { ...row, operations: read ? pendingOperations(read) : [] };
    }),
  );
}

/** What the operator confirmed at the gateway (docs/admin-api.md "Manual review"). */
export interface ReviewResolution {
  operationId: string;
  outcome: 'succeeded' | 'failed';
  /** Why, as the operator states it: kept in the audit entry. */
  reason: string;
  gatewayReference?: string | undefined;
}

/** The gateway's decline code for a failed operation of each kind. */
const FAILURE_CODES: Readonly<Record<PendingOperationKind, string>> = {
  authorization: 'PAYMENT_DECLINED',
  capture: 'CAPTURE_DECLINED',
  void: 'VOID_DECLINED',
  remainder_release: 'VOID_DECLINED',
  refund: 'REFUND_DECLINED',
};

/**
 * Resolves an operation of an order in manual review with the outcome the operator confirmed at
 * the gateway, applied as the gateway's own answer is (pending-operations.ts): the same state
 * change, ledger postings, jobs and webhook, exactly once. The audit entry, with the reason, and
 * the order leaving the queue (once nothing of it is pending) are written in the answer's
 * transaction. A second resolution, or one that loses a race, is a conflict.
 */
export async function resolveReview(
  ctx: CoreContext,
  actor: AdminActor,
  orderId: string,
  resolution: ReviewResolution,
  requestId: string | null,
): Promise<{ aggregate: OrderAggregate; operation: PendingOperation }> {
  const read = await orderForActor(ctx, actor, orderId);
  if (read.order.reviewReason === null) throw new AdminRefusal('conflict', `Order ${orderId} is not in manual review`);
  const operation = pendingOperation(read, resolution.operationId);
  const answer: FinalAnswer =
    resolution.outcome === 'succeeded'
      ? // Without a reference from the operator, the operation's own id: the gateway's idempotency key for it.
        { kind: 'succeeded', gatewayReference: resolution.gatewayReference ?? operation.gatewayReference ?? operation.id }
      : { kind: 'failed', code: FAILURE_CODES[operation.kind], message: 'Confirmed failed at the gateway by an operator (manual review)' };
  const now = ctx.clock.now();
  const aggregate = await answerPendingOperation(ctx, read, operation, answer, async (tx, after) => {
    const remaining = pendingOperations(after);
    if (remaining.length === 0) await clearReviewReason(tx, orderId);
    await recordAudit(
      tx,
      actor,
      {
        action: 'review.resolve',
        targetType: 'order',
        targetId: orderId,
        merchantId: read.order.merchantId,
        before: { state: read.order.state, review_reason: read.order.reviewReason, operation: operationSummary(operation) },
        after: {
          state: after.order.state,
          in_review: remaining.length > 0,
          operation: {
            id: operation.id,
            kind: operation.kind,
            outcome: resolution.outcome,
            gateway_reference: resolution.gatewayReference ?? null,
          },
        },
        reason: resolution.reason,
        requestId,
      },
      now,
    );
  });
  if (!aggregate) throw new AdminRefusal('conflict', `Operation ${operation.id} has been resolved already`);
  return { aggregate, operation };
}

/** The operation of the order still waiting for its outcome; a conflict when it has one, not found when the order has none of that id. */
export function pendingOperation(read: OrderAggregate, operationId: string): PendingOperation {
  const operation = pendingOperations(read).find((o) => o.id === operationId);
  if (operation) return operation;
  const known = [...read.payments, ...read.captures, ...read.reversals, ...read.refunds].some((o) => o.id === operationId);
  if (known) throw new AdminRefusal('conflict', `Operation ${operationId} already has a final outcome`);
  throw new AdminRefusal('not_found', `Order ${read.order.id} has no operation ${operationId}`);
}

const operationSummary = (o: PendingOperation) => ({ id: o.id, kind: o.kind, amount: o.amount, currency: o.currency, status: o.status });
