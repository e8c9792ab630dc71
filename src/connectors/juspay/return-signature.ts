/**
 * The signature Juspay puts on the browser's return to `return_url` (docs/hosted-redirects.md):
 * every query parameter but `signature` and `signature_algorithm`, key and value percent-encoded,
 * sorted by encoded key (ASCII), joined as `key=value` with `&`, the whole percent-encoded again,
 * HMAC-SHA256 keyed with the response key, in Base64. The percent-encoder is RFC 3986's
 * (everything but `A-Z a-z 0-9 - _ . ~`), the one Juspay's Node integration kit verifies with and
 * Holdfast's own Juspay dialect signs with, so a value holding a space or `!*'()` verifies too.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_ALGORITHM = 'HMAC-SHA256';

function strictPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function returnSignature(params: Readonly<Record<string, string>>, responseKey: string): string {
  const pairs = Object.entries(params)
    .filter(([key]) => key !== 'signature' && key !== 'signature_algorithm')
    .map(([key, value]) => [strictPercentEncode(key), strictPercentEncode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const message = strictPercentEncode(pairs.map(([key, value]) => `${key}=${value}`).join('&'));
  return createHmac('sha256', responseKey).update(message, 'utf8').digest('base64');
}

/**
 * The upstream order a return names, when its signature verifies with the response key (compared
 * in constant time); null otherwise. The parameters arrive percent-decoded once, as a query
 * string parser leaves them.
 */
export function verifyReturnSignature(
  params: Readonly<Record<string, string>>,
  responseKey: string | undefined,
): { orderId: string } | null {
  const orderId = params.order_id;
  const signature = params.signature;
  if (!responseKey || !orderId || !signature) return null;
  if (params.signature_algorithm !== undefined && params.signature_algorithm !== SIGNATURE_ALGORITHM) return null;
  const expected = Buffer.from(returnSignature(params, responseKey), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // Lengths may differ in the open: every genuine signature has the one length of a Base64 SHA-256.
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { orderId };
}
