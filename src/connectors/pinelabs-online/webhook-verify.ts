/**
 * Pine Labs Online's webhooks to Holdfast: Standard Webhooks signatures (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature` of space-separated `v1,<base64>` entries) made with the
 * account's `whsec_…` secret, over `{webhook-id}.{webhook-timestamp}.{raw body}`.
 *
 * The `standardwebhooks` library signs; its own `verify` is not used because it checks the
 * timestamp against the machine's wall clock, which cannot be injected. The same check — within
 * five minutes either way — is made here against the connector's clock, and the signatures are
 * compared in constant time as the library does.
 */
import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../../domain/clock.js';
import type { UpstreamEvent } from '../gateway.js';

/** How far a webhook's timestamp may be from now, either way: the Standard Webhooks default. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

type Headers = Readonly<Record<string, string | undefined>>;

/** What a webhook is about when it verifies with `secret`; null otherwise. */
export function verifyPineLabsWebhook(
  request: { headers: Headers; rawBody: string },
  secret: string | undefined,
  clock: Clock,
): UpstreamEvent | null {
  const header = (name: string) => Object.entries(request.headers).find(([key]) => key.toLowerCase() === name)?.[1];
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (!secret || !id || !timestamp || !signatures || !/^\d{1,12}$/.test(timestamp)) return null;
  const seconds = Number(timestamp);
  if (Math.abs(clock.now().getTime() / 1000 - seconds) > WEBHOOK_TOLERANCE_SECONDS) return null;
  let expected: string;
  try {
    expected = new Webhook(secret).sign(id, new Date(seconds * 1000), request.rawBody).slice('v1,'.length);
  } catch {
    return null; // a secret that is not base64, or empty: nothing can verify with it
  }
  const matches = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',', 2);
    return version === 'v1' && signature !== undefined && sameText(signature, expected);
  });
  return matches ? eventOf(id, request.rawBody) : null;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The event's id and the order it concerns: `{event_type, data: Order}`. A refund's event carries
 * the refund's own order, whose parent is the payment's and whose reference is the refund's, not
 * our payment's.
 */
function eventOf(eventId: string, rawBody: string): UpstreamEvent | null {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return null;
  }
  const data = (body as { data?: unknown } | null)?.data;
  const order = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const textOf = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  if (order.type === 'REFUND') return { eventId, connectorReference: textOf(order.parent_order_id), paymentId: null };
  return { eventId, connectorReference: textOf(order.order_id), paymentId: textOf(order.merchant_order_reference) };
}
