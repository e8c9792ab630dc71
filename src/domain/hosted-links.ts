/**
 * The hosted pages' paths, and the links to them the dialects hand out (Pine Labs' challenge_url,
 * Juspay's payment_links and payment.authentication.url). Links start at the public base URL.
 */
export const CHALLENGE_PATH = '/web/auth/landing/';
export const PAYMENT_PAGE_PATH = '/merchant/pay';
export const FRAMED_PAYMENT_PAGE_PATH = '/merchant/ipay';
export const RETURN_PATH = '/merchant/return';

/**
 * The 3-D Secure challenge page of a pending payment; `framed` when it opens inside the merchant's
 * iframe (after the framed payment page), so that the same origin may frame it.
 */
export function challengeUrl(publicUrl: string, challengeId: string, options: { framed?: boolean } = {}): string {
  return `${publicUrl}${CHALLENGE_PATH}?token=${encodeURIComponent(challengeId)}${options.framed ? '&frame=1' : ''}`;
}

/** The payment page of an order. */
export function paymentPageUrl(publicUrl: string, orderId: string): string {
  return `${publicUrl}${PAYMENT_PAGE_PATH}/${encodeURIComponent(orderId)}`;
}

/** The payment page of an order, for an iframe. */
export function framedPaymentPageUrl(publicUrl: string, orderId: string): string {
  return `${publicUrl}${FRAMED_PAYMENT_PAGE_PATH}/${encodeURIComponent(orderId)}`;
}

/** Where a payment attempt without a challenge sends the browser: straight back to the merchant. */
export function returnPageUrl(publicUrl: string, txnUuid: string): string {
  return `${publicUrl}${RETURN_PATH}/${txnUuid}`;
}

/** A Pine Labs payment link's own page: it shows the link's state, or leads to its order's payment page. */
export const PAYMENT_LINK_PAGE_PATH = '/pay/link';

export function paymentLinkPageUrl(publicUrl: string, paymentLinkId: string): string {
  return `${publicUrl}${PAYMENT_LINK_PAGE_PATH}/${encodeURIComponent(paymentLinkId)}`;
}
