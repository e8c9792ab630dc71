import type { OrderAggregate } from '../../domain/order.js';
import type { ReturnContext, ReturnRedirect } from '../dialect.js';
import { pineLabsRedirectSignature } from './redirect-signature.js';
import { isExpired } from '../../domain/order-expiry.js';
import { pineLabsOrderStatusOf } from './status.js';

/** Why a customer who left the page without paying is sent back: Holdfast's own code, as the reference names none. */
export const CUSTOMER_CANCELLED = { code: 'USER_CANCELLED', message: 'The customer cancelled the payment on the checkout page.' };

/** Why an expired order's customer is sent back: the code Pine Labs answers a payment on it with (errors.ts). */
export const ORDER_EXPIRED = { code: 'PAYMENT_EXPIRED', message: 'The order expired before it was paid.' };

/**
 * Where the customer's browser goes after a hosted page (checkout, payment link, 3-D Secure
 * challenge): a form POST to the order's callback_url — failure_callback_url, when given, for a
 * failed payment or a customer who gave up — of order_id, status, error_code and error_message
 * on failure, and the signature over them (docs/hosted-redirects.md). Undefined when the merchant
 * gave no URL.
 */
export function pineLabsReturnRedirect(aggregate: OrderAggregate, { keys, customerCancelled }: ReturnContext): ReturnRedirect | undefined {
  const { order } = aggregate;
  const d = order.details;
  const payment = aggregate.payments.at(-1);
  const status = pineLabsOrderStatusOf(order);
  const failed = customerCancelled || status === 'FAILED' || status === 'ATTEMPTED';
  const target = (failed && typeof d.failure_callback_url === 'string' && d.failure_callback_url) || d.callback_url;
  if (typeof target !== 'string' || !target) return undefined;
  const fields: Record<string, string> = { order_id: order.id, status };
  const error = customerCancelled
    ? CUSTOMER_CANCELLED
    : isExpired(order)
      ? ORDER_EXPIRED
      : payment?.errorCode
        ? { code: payment.errorCode, message: payment.errorMessage ?? '' }
        : undefined;
  if (failed && error) {
    fields.error_code = error.code;
    fields.error_message = error.message;
  }
  if (keys) fields.signature = pineLabsRedirectSignature(fields, keys.pineLabsSecret);
  // Parsed here so that a URL that cannot be posted to is caught by the caller before any page is sent.
  return { method: 'POST', url: new URL(target).toString(), fields };
}

/** The customer-facing status line shown when there is nowhere to redirect. */
export function pineLabsOutcomeText(aggregate: OrderAggregate): string {
  return `Order ${aggregate.order.merchantOrderReference}: ${pineLabsOrderStatusOf(aggregate.order)}`;
}
