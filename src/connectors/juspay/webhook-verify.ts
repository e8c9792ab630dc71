/**
 * Juspay's order webhooks carry no body signature: they come with the HTTP Basic user and
 * password set for the account (as Holdfast's own Juspay webhooks do, src/webhooks/signing.ts).
 * The body is `{id, event_name, date_created, content: {order}}`; its `id` (`evt_…`) names the
 * event for deduplication and `content.order.order_id` the upstream order.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { UpstreamEvent } from '../gateway.js';
import { juspayOrderId } from './ids.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Whether the request's Basic credentials are `expected` ("user:password"), compared in constant time. */
function basicCredentialsMatch(header: string | undefined, expected: string): boolean {
  const match = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1], 'base64').toString('utf8');
  // Digests have one length, so neither the comparison nor an early length check tells how long the secret is.
  return timingSafeEqual(digest(given), digest(expected));
}

function headerOf(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

const field = (value: unknown, name: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;

const nonEmpty = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The event a webhook is about, when its Basic credentials are the account's; null when they are
 * not, or the body is not a Juspay event. Our payment id is given only when the order carries it
 * (`udf1`, set when the order was created) and it derives that order id, so a body cannot name
 * another payment than its order's.
 */
export function verifyJuspayWebhook(
  request: { headers: Readonly<Record<string, string | undefined>>; rawBody: string },
  webhookBasicAuth: string | undefined,
): UpstreamEvent | null {
  if (!webhookBasicAuth || !basicCredentialsMatch(headerOf(request.headers, 'authorization'), webhookBasicAuth)) return null;
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody) as unknown;
  } catch {
    return null;
  }
  const eventId = nonEmpty(field(body, 'id'));
  if (!eventId) return null;
  const order = field(field(body, 'content'), 'order');
  const orderId = nonEmpty(field(order, 'order_id'));
  const udf1 = nonEmpty(field(order, 'udf1'));
  return {
    eventId,
    connectorReference: orderId ?? null,
    paymentId: orderId && udf1 && juspayOrderId(udf1) === orderId ? udf1 : null,
  };
}
