import type { CoreContext } from '../../core/context.js';
import { createOrder } from '../../core/create-order.js';
import { customerFrom, type Customer, type OrderAggregate } from '../../domain/order.js';
import { invalidInput } from '../../domain/errors.js';
import { returnUrlProblem } from '../hosted/return-url.js';
import { parseInstant } from '../iso-instant.js';
import { booleanField, requiredAmountField, requiredStringField, stringField, type FlatBody } from './fields.js';

/** Juspay's order_id: fewer than 21 characters (docs say alphanumeric; - and _ are seen in practice). */
export const ORDER_ID = { max: 20, pattern: /^[A-Za-z0-9_-]+$/, patternText: 'may contain only letters, digits, - and _' };

const ORDER_DETAIL_FIELDS = [
  'customer_id',
  'customer_email',
  'customer_phone',
  'description',
  'product_id',
  'return_url',
  'gateway_id',
  ...Array.from({ length: 10 }, (_, i) => `udf${i + 1}`),
];
const ADDRESS_FIELDS = [
  'first_name',
  'last_name',
  'line1',
  'line2',
  'line3',
  'city',
  'state',
  'country',
  'postal_code',
  'phone',
  'country_code_iso',
];

/**
 * Creates the order a Juspay request describes — `POST /orders` and `POST /session` alike: the
 * same fields, limits and return-URL rule, `metadata.txns.auto_capture=false` for pre-auth, and
 * `order_id` as the idempotency key (the same request again answers the same order; another
 * request under the same order_id is `duplicate.call`).
 *
 * `extraDetailFields` are further top-level strings the caller's call documents (the session's
 * `first_name` / `last_name`); `fingerprintOf` is what tells a replay from a conflicting reuse.
 */
export async function createJuspayOrder(
  ctx: CoreContext,
  merchantId: string,
  body: FlatBody,
  options: { extraDetailFields?: readonly string[]; fingerprint: string },
): Promise<{ aggregate: OrderAggregate; replayed: boolean }> {
  const orderId = requiredStringField(body, 'order_id', ORDER_ID);
  const currency = stringField(body, 'currency', { max: 3 }) ?? 'INR';
  const amount = requiredAmountField(body, 'amount', currency);
  const autoCapture = booleanField(body, 'metadata.txns.auto_capture');
  const details: Record<string, unknown> = {};
  for (const name of [...ORDER_DETAIL_FIELDS, ...(options.extraDetailFields ?? [])]) details[name] = stringField(body, name, { max: 255 });
  for (const kind of ['billing_address', 'shipping_address']) {
    for (const name of ADDRESS_FIELDS) details[`${kind}_${name}`] = stringField(body, `${kind}_${name}`, { max: 255 });
  }
  const returnUrl = details.return_url as string | undefined;
  const returnUrlRefusal = returnUrl === undefined ? undefined : returnUrlProblem(returnUrl);
  if (returnUrlRefusal) throw invalidInput('return_url', `return_url ${returnUrlRefusal}`);
  const expiry = orderExpiryField(body);
  return createOrder(ctx, {
    merchantId,
    dialect: 'juspay',
    merchantOrderReference: orderId,
    amount,
    currency,
    preAuth: autoCapture === false,
    returnUrl: returnUrl ?? null,
    customer: customerOf(details),
    details,
    ...(expiry ? { requestedExpiry: { at: expiry, field: 'order_expiry' } } : {}),
    requestFingerprint: options.fingerprint,
  });
}

/**
 * `order_expiry`: until when the order takes a transaction, an ISO 8601 date-time with a zone (the
 * format of order_expiry in Juspay's OpenAPI document, test/juspay/fixtures/juspay-openapi.json). Whether it is in the future and within
 * 180 days is the core's check, which lets a replay of a past request answer its order.
 */
function orderExpiryField(body: FlatBody): Date | undefined {
  const raw = body.order_expiry;
  if (raw === undefined || raw === null || raw === '') return undefined;
  const instant = typeof raw === 'string' && raw.length <= 40 ? parseInstant(raw) : undefined;
  if (!instant)
    throw invalidInput('order_expiry', 'order_expiry must be an ISO 8601 date-time with a time zone, such as 2025-03-21T08:29:00Z');
  return instant;
}

/** Juspay's customer fields in the core's words (what an upstream gateway may ask for). */
function customerOf(details: Record<string, unknown>): Customer | null {
  const { customer_id, customer_email, customer_phone } = details;
  const billing = [details.billing_address_first_name, details.billing_address_last_name];
  // A session names its customer with first_name / last_name; an order with the billing address.
  const parts = billing.some(present) ? billing : [details.first_name, details.last_name];
  const name = parts.filter(present).join(' ');
  return customerFrom({ id: customer_id, email: customer_email, phone: customer_phone, name });
}

const present = (part: unknown): part is string => typeof part === 'string' && part !== '';
