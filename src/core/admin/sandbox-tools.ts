import { settledSandboxOperation } from '../../connectors/sandbox.js';
import type { AdminActor } from '../../domain/operator-roles.js';
import type { OrderAggregate } from '../../domain/order.js';
import { findMerchant } from '../../store/merchants-repository.js';
import { clearReviewReason } from '../../store/reviews-repository.js';
import type { CoreContext } from '../context.js';
import { writeOrder } from '../operations/order-write.js';
import { readOrder } from '../operations/pipeline.js';
import { autoVoidOrder } from '../operations/void.js';
import { autoVoidJob } from '../scheduled-jobs.js';
import { orderForActor } from './admin-order.js';
import { recordAudit } from './audit.js';
import { answerPendingOperation, pendingOperations, type PendingOperation } from './pending-operations.js';
import { AdminRefusal } from './refusal.js';
import { pendingOperation } from './review-resolution.js';

const SANDBOX = 'sandbox';

/** The connector call that answers each kind of operation the sandbox tools settle. */
const SANDBOX_CALLS = { capture: 'capture', void: 'reverse', refund: 'refund' } as const;

/** An order of a merchant on the sandbox connector; any other is a conflict (docs/admin-api.md "Sandbox tools"). */
async function sandboxOrder(ctx: CoreContext, actor: AdminActor, orderId: string): Promise<OrderAggregate> {
  const read = await orderForActor(ctx, actor, orderId);
  const merchant = await findMerchant(ctx.db, read.order.merchantId);
  if (merchant?.connector !== SANDBOX) {
    throw new AdminRefusal(
      'conflict',
      `The sandbox tools are only for merchants on the sandbox connector; this one uses ${merchant?.connector}`,
    );
  }
  return read;
}

/**
 * Answers a capture, void or refund the sandbox left pending, as the gateway would when it
 * completes: through the status sync's answer path (pending-operations.ts), with the sandbox's
 * own reference or decline. Audited in the answer's transaction.
 */
export async function settleSandboxOperation(
  ctx: CoreContext,
  actor: AdminActor,
  orderId: string,
  input: { operationId: string; outcome: 'succeeded' | 'failed' },
  requestId: string | null,
): Promise<{ aggregate: OrderAggregate; operation: PendingOperation }> {
  const read = await sandboxOrder(ctx, actor, orderId);
  const operation = pendingOperation(read, input.operationId);
  if (operation.kind !== 'capture' && operation.kind !== 'void' && operation.kind !== 'refund') {
    throw new AdminRefusal('conflict', `Only a pending capture, void or refund can be settled; ${operation.id} is a ${operation.kind}`);
  }
  if (operation.connector !== SANDBOX) {
    throw new AdminRefusal('conflict', `Operation ${operation.id} went to the ${operation.connector} connector, not the sandbox`);
  }
  const answer = settledSandboxOperation(SANDBOX_CALLS[operation.kind], operation.id, input.outcome);
  const now = ctx.clock.now();
  const aggregate = await answerPendingOperation(ctx, read, operation, answer, async (tx, after) => {
    if (read.order.reviewReason !== null && pendingOperations(after).length === 0) await clearReviewReason(tx, orderId);
    await recordAudit(
      tx,
      actor,
      {
        action: 'sandbox.settle',
        targetType: 'order',
        targetId: orderId,
        merchantId: read.order.merchantId,
        before: { state: read.order.state, operation: { id: operation.id, kind: operation.kind, status: operation.status } },
        after: { state: after.order.state, operation: { id: operation.id, kind: operation.kind, outcome: input.outcome } },
        requestId,
      },
      now,
    );
  });
  if (!aggregate) throw new AdminRefusal('conflict', `Operation ${operation.id} has been settled already`);
  return { aggregate, operation };
}

/**
 * Closes an authorized order's capture window now, then releases the authorization with the code
 * of the clock's auto-void job (operations/void.ts `autoVoidOrder`): the same void, ledger release
 * and webhook. The new deadline, the auto-void job rescheduled to it (it tries again if the void
 * does not go through at once) and the audit entry are written together.
 */
export async function expireCaptureWindow(
  ctx: CoreContext,
  actor: AdminActor,
  orderId: string,
  requestId: string | null,
): Promise<{ aggregate: OrderAggregate; captureDeadline: Date }> {
  const read = await sandboxOrder(ctx, actor, orderId);
  const { order } = read;
  if (!order.preAuth || order.state !== 'AUTHORIZED') {
    throw new AdminRefusal('conflict', `Only an authorized pre-auth order has a capture window to close; this one is ${order.state}`);
  }
  const now = ctx.clock.now();
  const target = { merchantId: order.merchantId, orderId };
  const closed = await writeOrder(
    ctx,
    target,
    {
      change: { version: order.version, captureDeadline: now },
      jobs: { enqueue: [autoVoidJob(order.merchantId, orderId, now)] },
      alongside: (tx) =>
        recordAudit(
          tx,
          actor,
          {
            action: 'sandbox.expire_capture_window',
            targetType: 'order',
            targetId: orderId,
            merchantId: order.merchantId,
            before: { state: order.state, capture_deadline: order.captureDeadline?.toISOString() ?? null },
            after: { capture_deadline: now.toISOString() },
            requestId,
          },
          now,
        ).then(() => undefined),
    },
    now,
  );
  if (!closed) throw new AdminRefusal('conflict', `Order ${orderId} changed meanwhile; try again`);
  try {
    await autoVoidOrder(ctx, order.merchantId, orderId);
  } catch {
    // The window is closed and the auto-void job is due now: it releases the authorization on its next run.
  }
  return { aggregate: await readOrder(ctx, target), captureDeadline: now };
}
