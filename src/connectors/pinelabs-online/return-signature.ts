/**
 * The browser's return from Pine Labs Online's 3-D Secure page to Holdfast (docs/hosted-redirects.md):
 * `order_id`, `status`, on failure `error_code` and `error_message`, and `signature` — HMAC-SHA256
 * over every other field sorted by key and joined as `key=value` with `&` (values as sent), keyed
 * with the account's redirect key hex-decoded, as uppercase hex. Only the order it names is taken
 * from it; what became of the payment is read from the upstream (inquireAuthorization).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_SHA256 = /^[0-9A-Fa-f]{64}$/;

/** The upstream order a return names when its signature verifies with `hexKey`; null otherwise. */
export function verifyPineLabsReturn(
  params: Readonly<Record<string, string>>,
  hexKey: string | undefined,
): { connectorReference: string } | null {
  const { signature, order_id: orderId } = params;
  if (!hexKey || !/^(?:[0-9A-Fa-f]{2})+$/.test(hexKey)) return null;
  if (!signature || !HEX_SHA256.test(signature) || !orderId) return null;
  const message = Object.keys(params)
    .filter((key) => key !== 'signature')
    .sort()
    .map((key) => `${key}=${params[key] ?? ''}`)
    .join('&');
  const expected = createHmac('sha256', Buffer.from(hexKey, 'hex')).update(message, 'utf8').digest();
  // Compared as the digest's bytes, in constant time: hex case carries nothing secret.
  return timingSafeEqual(expected, Buffer.from(signature, 'hex')) ? { connectorReference: orderId } : null;
}
