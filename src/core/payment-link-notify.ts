import { HoldfastError, invalidInput } from '../domain/errors.js';
import { isPayable } from '../domain/payment-link.js';
import { findMerchant } from '../store/merchants-repository.js';
import { insertNotifications } from '../store/payment-links-repository.js';
import type { CoreContext } from './context.js';
import { linkNotifications } from './payment-link-messages.js';
import { getPaymentLink, type PaymentLinkView } from './payment-link-read.js';

/**
 * Resends a link to its customer (Pine Labs' notify). Holdfast sends no e-mail or SMS: the message
 * it would have sent is recorded on the link. Only a link that can still be paid is resent.
 */
export async function notifyPaymentLink(ctx: CoreContext, merchantId: string, id: string, url: string): Promise<PaymentLinkView> {
  const view = await getPaymentLink(ctx, merchantId, id);
  if (!isPayable(view.aggregate)) {
    throw new HoldfastError('invalid_state', `cannot notify a payment link in status ${view.status}`, {
      operation: 'notify_link',
      linkStatus: view.status,
    });
  }
  const { order } = view.aggregate;
  const merchantName = (await findMerchant(ctx.db, merchantId))?.name ?? '';
  const sent = linkNotifications(
    { link: view.link, amount: order.amount, currency: order.currency, merchantName, url, customer: order.customer },
    ctx.clock.now(),
  );
  if (sent.length === 0) throw invalidInput('customer', 'the payment link has no customer email_id or mobile_number to notify');
  await insertNotifications(ctx.db, id, sent);
  return { ...view, notifications: [...view.notifications, ...sent] };
}
