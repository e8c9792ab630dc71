import type { OrderAggregate } from '../domain/order.js';
import { JUSPAY_STATUS_IDS, juspayOrderStatus } from './juspay/status.js';
import { pineLabsOrderStatus } from './pinelabs/status.js';

/**
 * Where the customer's browser goes after a hosted page (3-D Secure challenge, payment page):
 * the merchant's URL with the outcome in the dialect the order was created in, or undefined
 * when the merchant gave none.
 */
export function returnRedirect(aggregate: OrderAggregate): string | undefined {
  const { order } = aggregate;
  const d = order.details;
  const payment = aggregate.payments.at(-1);
  if (order.dialect === 'juspay') {
    if (typeof d.return_url !== 'string' || !d.return_url) return undefined;
    const status = juspayOrderStatus(aggregate);
    const url = new URL(d.return_url);
    url.searchParams.set('order_id', order.merchantOrderReference);
    url.searchParams.set('status', status);
    url.searchParams.set('status_id', String(JUSPAY_STATUS_IDS[status]));
    return url.toString();
  }
  const status = pineLabsOrderStatus(order.state);
  const failed = status === 'FAILED' || status === 'ATTEMPTED';
  const target = (failed && typeof d.failure_callback_url === 'string' && d.failure_callback_url) || d.callback_url;
  if (typeof target !== 'string' || !target) return undefined;
  const url = new URL(target);
  url.searchParams.set('order_id', order.id);
  url.searchParams.set('status', status);
  if (failed && payment?.errorCode) {
    url.searchParams.set('error_code', payment.errorCode);
    url.searchParams.set('error_message', payment.errorMessage ?? '');
  }
  return url.toString();
}

/** The customer-facing status line shown when there is nowhere to redirect. */
export function outcomeText(aggregate: OrderAggregate): string {
  const status = aggregate.order.dialect === 'juspay' ? juspayOrderStatus(aggregate) : pineLabsOrderStatus(aggregate.order.state);
  return `Order ${aggregate.order.merchantOrderReference}: ${status}`;
}
