import { HoldfastError } from '../domain/errors.js';
import { canApply } from '../domain/order-state.js';
import type { CoreContext } from './context.js';
import { getOrder } from './read-order.js';
import type { StepResult } from './release-remainder.js';
import { voidOrder } from './void-order.js';

/**
 * The end of the capture window: an authorization still held is voided (AUTO_VOID), with its
 * ledger reversal and webhook. Re-checks everything; an operation still in flight is waited for.
 */
export async function autoVoidOrder(ctx: CoreContext, merchantId: string, orderId: string): Promise<StepResult> {
  const { order } = await getOrder(ctx.db, merchantId, orderId);
  if (order.state === 'CAPTURE_PENDING' || order.state === 'VOID_PENDING') return 'retry';
  if (!canApply(order.state, 'void_requested')) return 'done';
  if (!order.captureDeadline || order.captureDeadline.getTime() > ctx.clock.now().getTime()) return 'done';
  try {
    const after = await voidOrder(ctx, { merchantId, orderId, kind: 'AUTO_VOID' });
    return after.order.state === 'VOID_FAILED' ? 'retry' : 'done';
  } catch (error) {
    if (error instanceof HoldfastError && error.code === 'invalid_state') return 'done';
    throw error;
  }
}
