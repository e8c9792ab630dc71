import { challengeUrl, framedPaymentPageUrl, paymentLinkPageUrl, paymentPageUrl, returnPageUrl } from '../../domain/hosted-links.js';
import type { OrderAggregate } from '../../domain/order.js';

/** One hosted page or return redirect issued for an order (docs/admin-api.md `links`). */
export interface OrderLink {
  kind: 'checkout' | 'payment_link' | 'session' | 'redirect';
  url: string;
  created_at: string;
}

/**
 * The links Holdfast handed out for an order, rebuilt from what is stored (the same functions
 * made them: domain/hosted-links.ts). They are paths from the server's public URL, which the core does
 * not know: the dashboard is served from that same origin.
 */
export function orderLinks(aggregate: OrderAggregate, paymentLink: { id: string; createdAt: Date } | undefined): OrderLink[] {
  const { order } = aggregate;
  const links: OrderLink[] = [];
  const at = order.createdAt.toISOString();
  if (paymentLink)
    links.push({ kind: 'payment_link', url: paymentLinkPageUrl('', paymentLink.id), created_at: paymentLink.createdAt.toISOString() });
  const token = order.details.checkout_token;
  if (typeof token === 'string' && token.length > 0) {
    const page = order.details.integration_mode === 'IFRAME' ? framedPaymentPageUrl('', order.id) : paymentPageUrl('', order.id);
    links.push({ kind: 'checkout', url: `${page}?token=${encodeURIComponent(token)}`, created_at: at });
  }
  // Every Juspay order's answer carries its payment page (payment_links.web), whether made by /orders or /session.
  if (order.dialect === 'juspay') links.push({ kind: 'session', url: paymentPageUrl('', order.id), created_at: at });
  for (const p of aggregate.payments) {
    const created = p.createdAt.toISOString();
    if (p.challengeId) links.push({ kind: 'redirect', url: challengeUrl('', p.challengeId), created_at: created });
    if (order.dialect === 'juspay' || typeof token === 'string' || paymentLink)
      links.push({ kind: 'redirect', url: returnPageUrl('', p.txnUuid), created_at: created });
  }
  return links.sort((a, b) => a.created_at.localeCompare(b.created_at));
}
