import { HoldfastError, notFound } from '../domain/errors.js';
import type { OrderAggregate } from '../domain/order.js';
import { isExpiryDue } from '../domain/order-expiry.js';
import { isPaid } from '../domain/payment-link.js';
import { findPaymentLink } from '../store/payment-links-repository.js';
import type { CoreContext } from './context.js';
import { closeOrder } from './order-close.js';
import { expireOrder } from './order-expiry.js';
import type { StepResult } from './operations/pipeline.js';
import { linkView, type PaymentLinkView } from './payment-link-read.js';
import type { RequestKey } from './request-key.js';
import { orderExpiryJobKey, paymentLinkExpiryJobKey, type PaymentLinkExpiryPayload } from './scheduled-jobs.js';

/**
 * The end of a payment link — cancelled by the merchant, or expired by its job — closes its order
 * for payment (core/order-close.ts): a payment racing it either wins or is refused with nothing
 * sent to the gateway (docs/payment-links.md).
 */

/**
 * The merchant cancels a link that has not been paid. Cancelling a cancelled link answers it as it
 * is; a paid or expired link (expire_by passed, even before its job ran), or one with a payment in
 * flight, is refused.
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
    new HoldfastError('invalid_state', `cannot cancel a payment link in status ${linkView(stored, read, ctx.clock.now()).status}`, {
      operation: 'cancel_link',
      linkStatus: linkView(stored, read, ctx.clock.now()).status,
    });
  const { aggregate } = await closeOrder(
    ctx,
    { merchantId, orderId: stored.link.orderId },
    'cancelled',
    (read) => {
      const { order } = read;
      if (order.paymentClosedReason === 'cancelled') return 'done';
      if (order.paymentClosedReason || isPaid(order.state) || order.state === 'PENDING') throw refuse(read);
      if (isExpiryDue(order, ctx.clock.now())) throw refuse(read);
      return 'close';
    },
    {
      jobs: { cancel: [paymentLinkExpiryJobKey(id), orderExpiryJobKey(stored.link.orderId)] },
      requestKey,
      missing: () => notFound('payment link', 'payment_link'),
    },
  );
  if (!aggregate) throw notFound('payment link', 'payment_link');
  return linkView(stored, aggregate, ctx.clock.now());
}

/**
 * The link's expiry job, at its expire_by: its order's expiry (the order expires with its link),
 * which closes it unless it was paid or closed already, and waits for a payment in flight.
 */
export async function expirePaymentLink(ctx: CoreContext, payload: PaymentLinkExpiryPayload): Promise<StepResult> {
  const stored = await findPaymentLink(ctx.db, payload.merchantId, payload.paymentLinkId);
  if (!stored) return 'done';
  if (ctx.clock.now().getTime() < stored.link.expireBy.getTime()) return 'retry';
  return expireOrder(ctx, { merchantId: payload.merchantId, orderId: payload.orderId });
}
