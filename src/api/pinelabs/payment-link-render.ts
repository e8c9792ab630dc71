import type { PaymentLinkView } from '../../core/payment-link-read.js';
import { paymentLinkPageUrl } from '../hosted/links.js';

/** The Pine Labs PaymentLink object (docs/payment-links.md), from a link and its order. */
export function renderPaymentLink(view: PaymentLinkView, publicUrl: string) {
  const { link, aggregate, status } = view;
  const { order } = aggregate;
  const d = link.details;
  const money = (value: number) => ({ value, currency: order.currency });
  const updatedAt = Math.max(link.updatedAt.getTime(), order.updatedAt.getTime());
  return {
    payment_link: paymentLinkPageUrl(publicUrl, link.id),
    payment_link_id: link.id,
    status,
    amount: money(order.amount),
    amount_due: money(status === 'PROCESSED' ? 0 : order.amount),
    order_id: order.id,
    merchant_payment_link_reference: link.merchantPaymentLinkReference,
    description: link.description ?? '',
    expire_by: link.expireBy.toISOString(),
    allowed_payment_methods: (d.allowed_payment_methods as string[] | undefined) ?? ['CARD'],
    pre_auth: order.preAuth,
    callback_url: (d.callback_url as string | undefined) ?? null,
    failure_callback_url: (d.failure_callback_url as string | undefined) ?? null,
    is_mcc_transaction: false,
    part_payment: false,
    customer: (d.customer as Record<string, unknown> | undefined) ?? {},
    product_details: (d.product_details as unknown[] | undefined) ?? [],
    merchant_metadata: (d.merchant_metadata as Record<string, string> | undefined) ?? {},
    // Holdfast extension: the e-mails and SMS it would have sent (it sends none).
    notifications: view.notifications.map((n) => ({
      channel: n.channel,
      recipient: n.recipient,
      message: n.message,
      created_at: n.createdAt.toISOString(),
    })),
    created_at: link.createdAt.toISOString(),
    updated_at: new Date(updatedAt).toISOString(),
  };
}
