import { isExpiryDue } from '../domain/order-expiry.js';
import type { CoreContext } from './context.js';
import { closeOrder } from './order-close.js';
import type { StepResult } from './operations/pipeline.js';
import type { OrderExpiryPayload } from './scheduled-jobs.js';

/**
 * The expiry job of an order (docs/order-expiry.md), and of a payment link's order alike: at
 * expires_at it closes the order for payment unless it was paid, failed for good or closed
 * already, and raises the webhook of the order's new status. A payment still in flight (waiting
 * for its gateway answer or its 3-D Secure OTP) started before the expiry and won the race: the
 * job waits for its outcome, and closes the order if that was a decline. The close is guarded by
 * the order's version, so a payment deciding on the order at the same moment either wrote its
 * intent first (the close reads it and waits) or is refused.
 */
export async function expireOrder(ctx: CoreContext, payload: OrderExpiryPayload): Promise<StepResult> {
  const { decision } = await closeOrder(
    ctx,
    { merchantId: payload.merchantId, orderId: payload.orderId },
    'expired',
    ({ order }) => {
      if (order.state === 'PENDING' && order.paymentClosedReason === null) return 'retry';
      const now = ctx.clock.now();
      if (isExpiryDue(order, now)) return 'close';
      // Not yet (a worker whose clock runs behind): look again later.
      const early = order.paymentClosedReason === null && order.expiresAt !== null && now.getTime() < order.expiresAt.getTime();
      return early && (order.state === 'CREATED' || order.state === 'ATTEMPTED') ? 'retry' : 'done';
    },
    { notify: 'order.expired' },
  );
  return decision === 'retry' ? 'retry' : 'done';
}
