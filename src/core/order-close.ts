import { HoldfastError } from '../domain/errors.js';
import { applyChange } from '../domain/order-change.js';
import type { OrderAggregate, PaymentClosedReason } from '../domain/order.js';
import { loadAggregate } from '../store/orders-repository.js';
import type { CoreContext } from './context.js';
import type { OrderNotification } from './notifications.js';
import { writeOrder, type OrderTarget, type OrderWrite } from './operations/order-write.js';

/**
 * Closing an unpaid order for payment — a payment link cancelled by the merchant, an order (or a
 * link) whose expiry came — is a change of the order guarded by its version like every other
 * (store/order-writes.ts), and the authorization intent refuses a closed order. A payment racing
 * it therefore either wrote its intent first (the close then reads the payment and decides again)
 * or decides on the closed order and is refused before anything reaches the gateway.
 */

/** What a close decides on the order as read: close it now, nothing to do, or wait for a payment in flight. */
export type CloseDecision = 'close' | 'done' | 'retry';

/** Same bound as the pipeline's: each miss means another write on the order won a round. */
const MAX_ATTEMPTS = 64;

export interface CloseOptions extends Pick<OrderWrite, 'jobs' | 'requestKey'> {
  /** The webhook the close raises, recorded with it. */
  notify?: OrderNotification['type'];
  /** What a missing order is reported as. */
  missing?: () => HoldfastError;
}

/** Reads the order, lets `decide` judge it, and closes it for `reason` when told to, reading again after a lost race. */
export async function closeOrder(
  ctx: CoreContext,
  target: OrderTarget,
  reason: PaymentClosedReason,
  decide: (read: OrderAggregate) => CloseDecision,
  options: CloseOptions = {},
): Promise<{ decision: CloseDecision; aggregate: OrderAggregate | undefined }> {
  const { notify, missing, ...extra } = options;
  for (let attempt = 1; ; attempt++) {
    const read = await loadAggregate(ctx.db, target.merchantId, target.orderId);
    if (!read) {
      if (missing) throw missing();
      return { decision: 'done', aggregate: undefined };
    }
    const decision = decide(read);
    if (decision !== 'close') return { decision, aggregate: read };
    const now = ctx.clock.now();
    const write: OrderWrite = {
      change: { version: read.order.version, paymentClosedReason: reason },
      ...extra,
      ...(notify ? { notify: { type: notify, merchantId: target.merchantId, orderId: target.orderId } } : {}),
    };
    if (await writeOrder(ctx, target, write, now)) return { decision, aggregate: applyChange(read, write.change, now) };
    if (attempt >= MAX_ATTEMPTS) {
      throw new HoldfastError('invalid_state', 'the order is changing too fast: try again', { state: read.order.state });
    }
  }
}
