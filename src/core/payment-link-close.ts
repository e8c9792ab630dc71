import { HoldfastError, notFound } from '../domain/errors.js';
import { applyChange } from '../domain/order-change.js';
import type { OrderAggregate, PaymentClosedReason } from '../domain/order.js';
import { isPaid } from '../domain/payment-link.js';
import { loadAggregate } from '../store/orders-repository.js';
import { findPaymentLink } from '../store/payment-links-repository.js';
import type { CoreContext } from './context.js';
import { writeOrder, type OrderWrite } from './operations/order-write.js';
import type { StepResult } from './operations/pipeline.js';
import { linkView, type PaymentLinkView } from './payment-link-read.js';
import type { RequestKey } from './request-key.js';
import { paymentLinkExpiryJobKey, type PaymentLinkExpiryPayload } from './scheduled-jobs.js';

/**
 * The end of a payment link — cancelled by the merchant, or expired by its job — is a change of its
 * order, guarded by the order's version like every other (store/order-writes.ts): it closes the
 * order for payment, and the authorization intent refuses a closed order. A payment racing it
 * therefore either wrote its intent first (the close then reads the payment and decides again) or
 * decides on the closed order and is refused before anything reaches the gateway.
 */

/** What a close decides on the order as read: close it now, nothing to do, or wait for a payment in flight. */
type CloseDecision = 'close' | 'done' | 'retry';

/** Same bound as the pipeline's: each miss means another write on the order won a round. */
const MAX_ATTEMPTS = 64;

async function closeOrder(
  ctx: CoreContext,
  target: { merchantId: string; orderId: string },
  reason: PaymentClosedReason,
  decide: (read: OrderAggregate) => CloseDecision,
  extra: Pick<OrderWrite, 'jobs' | 'requestKey'> = {},
): Promise<{ decision: CloseDecision; aggregate: OrderAggregate }> {
  for (let attempt = 1; ; attempt++) {
    const read = await loadAggregate(ctx.db, target.merchantId, target.orderId);
    if (!read) throw notFound('payment link', 'payment_link');
    const decision = decide(read);
    if (decision !== 'close') return { decision, aggregate: read };
    const now = ctx.clock.now();
    const write: OrderWrite = { change: { version: read.order.version, paymentClosedReason: reason }, ...extra };
    if (await writeOrder(ctx, target, write, now)) return { decision, aggregate: applyChange(read, write.change, now) };
    if (attempt >= MAX_ATTEMPTS) {
      throw new HoldfastError('invalid_state', 'the order is changing too fast: try again', { state: read.order.state });
    }
  }
}

/**
 * The merchant cancels a link that has not been paid. Cancelling a cancelled link answers it as it
 * is; a paid or expired link, or one with a payment in flight, is refused.
 */
export async function cancelPaymentLink(
  ctx: CoreContext,
  merchantId: string,
  id: string,
  requestKey?: RequestKey,
): Promise<PaymentLinkView> {
  const stored = await findPaymentLink(ctx.db, merchantId, id);
  if (!stored) throw notFound('payment link', 'payment_link');
  const refuse = (read: OrderAggregate) =>
    new HoldfastError('invalid_state', `cannot cancel a payment link in status ${linkView(stored, read).status}`, {
      operation: 'cancel_link',
      linkStatus: linkView(stored, read).status,
    });
  const { aggregate } = await closeOrder(
    ctx,
    { merchantId, orderId: stored.link.orderId },
    'cancelled',
    (read) => {
      if (read.order.paymentClosedReason === 'cancelled') return 'done';
      if (read.order.paymentClosedReason || isPaid(read.order.state) || read.order.state === 'PENDING') throw refuse(read);
      return 'close';
    },
    { jobs: { cancel: [paymentLinkExpiryJobKey(id)] }, requestKey },
  );
  return linkView(stored, aggregate);
}

/**
 * The expiry job, at the link's expire_by: closes the order unless it was paid or closed already.
 * A payment still in flight (waiting for its gateway answer or its 3-D Secure OTP) won the race:
 * the job waits for its outcome, and closes the order if that was a decline.
 */
export async function expirePaymentLink(ctx: CoreContext, payload: PaymentLinkExpiryPayload): Promise<StepResult> {
  const stored = await findPaymentLink(ctx.db, payload.merchantId, payload.paymentLinkId);
  if (!stored) return 'done';
  if (ctx.clock.now().getTime() < stored.link.expireBy.getTime()) return 'retry';
  const { decision } = await closeOrder(ctx, { merchantId: payload.merchantId, orderId: payload.orderId }, 'expired', (read) => {
    if (read.order.paymentClosedReason || isPaid(read.order.state)) return 'done';
    return read.order.state === 'PENDING' ? 'retry' : 'close';
  });
  return decision === 'retry' ? 'retry' : 'done';
}
