import type { OrderAggregate } from '../../domain/order.js';
import { pineLabsOrderStatus } from './status.js';

/**
 * Where the customer's browser goes after a hosted page (3-D Secure challenge, payment page):
 * the order's callback_url (failure_callback_url for a failed payment, when given) with the
 * outcome, or undefined when the merchant gave none.
 */
export function pineLabsReturnRedirect(aggregate: OrderAggregate): string | undefined {
  const { order } = aggregate;
  const d = order.details;
  const payment = aggregate.payments.at(-1);
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
export function pineLabsOutcomeText(aggregate: OrderAggregate): string {
  return `Order ${aggregate.order.merchantOrderReference}: ${pineLabsOrderStatus(aggregate.order.state)}`;
}
