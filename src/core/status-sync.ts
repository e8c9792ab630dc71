import { listOrdersForReview, setReviewReason } from '../store/orders-repository.js';
import type { CoreContext } from './context.js';
import { authorizeSpec } from './operations/authorize.js';
import { captureSpec } from './operations/capture.js';
import { lateVoidSpec } from './operations/late-authorization.js';
import { settleOperation, type StepResult } from './operations/pipeline.js';
import { refundSpec } from './operations/refund.js';
import { remainderReleaseSpec } from './operations/release-remainder.js';
import { voidSpec } from './operations/void.js';
import type { SyncKind, SyncPayload } from './scheduled-jobs.js';

/** The status inquiry of each kind of operation: the verb's own settle spec on the one pipeline. */
export function syncOperation(ctx: CoreContext, kind: SyncKind, payload: SyncPayload): Promise<StepResult> {
  switch (kind) {
    case 'authorization':
      return settleOperation(ctx, authorizeSpec, payload);
    case 'capture':
      return settleOperation(ctx, captureSpec, payload);
    case 'reversal':
      return settleOperation(ctx, voidSpec, payload);
    case 'refund':
      return settleOperation(ctx, refundSpec, payload);
  }
}

/** The release of a partial capture's remainder, until the gateway confirms it. */
export function releaseRemainder(ctx: CoreContext, payload: SyncPayload): Promise<StepResult> {
  return settleOperation(ctx, remainderReleaseSpec, payload);
}

/** The void of an authorization that arrived after its attempt had ended, until the gateway confirms it. */
export function settleLateVoid(ctx: CoreContext, payload: SyncPayload): Promise<StepResult> {
  return settleOperation(ctx, lateVoidSpec, payload);
}

/** The last inquiry came back without a final answer: a person decides, nothing is guessed. */
export async function flagForReview(ctx: CoreContext, payload: SyncPayload, kind: string, error: string): Promise<void> {
  const reason = `${kind} ${payload.operationId}: outcome still unknown after the last status inquiry (${error})`;
  await setReviewReason(ctx.db, payload.orderId, reason, ctx.clock.now());
}

/** Orders flagged for manual review, newest first. */
export function listReviewQueue(ctx: CoreContext, limit: number): ReturnType<typeof listOrdersForReview> {
  return listOrdersForReview(ctx.db, limit);
}
