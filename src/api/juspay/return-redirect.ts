import type { OrderAggregate } from '../../domain/order.js';
import type { ReturnContext, ReturnRedirect } from '../dialect.js';
import { juspayRedirectSignature } from './redirect-signature.js';
import { JUSPAY_STATUS_IDS, juspayOrderStatus } from './status.js';

/**
 * Where the customer's browser goes after a hosted page (payment page, session, 3-D Secure
 * challenge, frictionless return): a GET of the order's return_url with order_id, status,
 * status_id, and the signature over every query parameter with signature_algorithm=HMAC-SHA256
 * (docs/hosted-redirects.md). Undefined when the merchant gave no URL. A customer who gave up
 * returns with the order's status as it is: nothing was paid, and Juspay's order status says so.
 */
export function juspayReturnRedirect(aggregate: OrderAggregate, { keys }: ReturnContext): ReturnRedirect | undefined {
  const { order } = aggregate;
  const returnUrl = order.details.return_url;
  if (typeof returnUrl !== 'string' || !returnUrl) return undefined;
  const status = juspayOrderStatus(aggregate);
  const url = new URL(returnUrl);
  url.searchParams.set('order_id', order.merchantOrderReference);
  url.searchParams.set('status', status);
  url.searchParams.set('status_id', String(JUSPAY_STATUS_IDS[status]));
  url.searchParams.delete('signature');
  url.searchParams.delete('signature_algorithm');
  if (keys) {
    url.searchParams.set('signature', juspayRedirectSignature(url.searchParams, keys.juspayResponseKey));
    url.searchParams.set('signature_algorithm', 'HMAC-SHA256');
  }
  return { method: 'GET', url: url.toString() };
}

/** The customer-facing status line shown when there is nowhere to redirect. */
export function juspayOutcomeText(aggregate: OrderAggregate): string {
  return `Order ${aggregate.order.merchantOrderReference}: ${juspayOrderStatus(aggregate)}`;
}
