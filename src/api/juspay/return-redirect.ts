import type { OrderAggregate } from '../../domain/order.js';
import { JUSPAY_STATUS_IDS, juspayOrderStatus } from './status.js';

/**
 * Where the customer's browser goes after a hosted page (3-D Secure challenge, payment page,
 * frictionless return): the order's return_url with order_id, status and status_id, or undefined
 * when the merchant gave none.
 */
export function juspayReturnRedirect(aggregate: OrderAggregate): string | undefined {
  const { order } = aggregate;
  const returnUrl = order.details.return_url;
  if (typeof returnUrl !== 'string' || !returnUrl) return undefined;
  const status = juspayOrderStatus(aggregate);
  const url = new URL(returnUrl);
  url.searchParams.set('order_id', order.merchantOrderReference);
  url.searchParams.set('status', status);
  url.searchParams.set('status_id', String(JUSPAY_STATUS_IDS[status]));
  return url.toString();
}

/** The customer-facing status line shown when there is nowhere to redirect. */
export function juspayOutcomeText(aggregate: OrderAggregate): string {
  return `Order ${aggregate.order.merchantOrderReference}: ${juspayOrderStatus(aggregate)}`;
}
