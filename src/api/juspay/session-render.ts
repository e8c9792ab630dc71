import type { OrderAggregate } from '../../domain/order.js';
import { toMajorUnitsNumber } from '../../domain/money.js';
import { paymentPageUrl } from '../hosted/links.js';
import { iso } from './render.js';
import { juspayOrderStatus } from './status.js';

/** What the session call itself chose (not part of the order): who opens the page, and how. */
export interface SessionChoices {
  /** `payment_page_client_id`, or the merchant id when none was sent. */
  clientId: string;
  /** `action`: only `paymentPage` is served. */
  action: string;
  /** A fresh id per session call, as the SDK payload's `requestId`. */
  requestId: string;
}

/** Juspay's SDK service name for the payment page (the `sdk_payload.service` of Juspay's session samples). */
export const PAYMENT_PAGE_SERVICE = 'in.juspay.hyperpay';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The `POST /session` answer, per the `SessionResponse` schema of Juspay's OpenAPI document
 * (test/juspay/fixtures/juspay-openapi.json): the order's status and ids, the hosted payment page as `payment_links.web`, and the SDK payload
 * a Juspay front-end SDK is started with. Everything about the order is read from the stored order,
 * so a replayed session describes the order exactly as it was created.
 *
 * The page lives as long as the order takes a payment: `order_expiry` and `payment_links.expiry`
 * are both the order's expiry (docs/order-expiry.md). No `clientAuthToken` is issued: Holdfast has no
 * client-side API such a token could open, and the page is reached through the link alone.
 */
export function renderSession(aggregate: OrderAggregate, publicUrl: string, choices: SessionChoices) {
  const { order } = aggregate;
  const d = order.details;
  const payload: Record<string, string> = {
    clientId: choices.clientId,
    merchantId: order.merchantId,
    orderId: order.merchantOrderReference,
    amount: toMajorUnitsNumber(order.amount, order.currency).toFixed(2),
    currency: order.currency,
    action: choices.action,
  };
  const optional: Record<string, unknown> = {
    customerId: d.customer_id,
    customerEmail: d.customer_email,
    customerPhone: d.customer_phone,
    firstName: d.first_name ?? d.billing_address_first_name,
    lastName: d.last_name ?? d.billing_address_last_name,
    description: d.description,
    returnUrl: order.returnUrl,
  };
  for (const [name, value] of Object.entries(optional)) {
    const present = text(value);
    if (present !== undefined) payload[name] = present;
  }
  const expiry = order.expiresAt ? iso(order.expiresAt) : null;
  return {
    status: juspayOrderStatus(aggregate),
    id: order.id,
    order_id: order.merchantOrderReference,
    payment_links: { web: paymentPageUrl(publicUrl, order.id), expiry },
    sdk_payload: { requestId: choices.requestId, service: PAYMENT_PAGE_SERVICE, payload },
    order_expiry: expiry,
  };
}
