import { createHmac } from 'node:crypto';

/**
 * Percent-encoding as RFC 3986 has it: everything but `A-Z a-z 0-9 - _ . ~`. This is the encoder
 * of Juspay's current Node integration kit (`validateHMAC_SHA256`); it agrees with Java's
 * URLEncoder and Ruby's CGI.escape on every character a status, status id or order id can hold.
 */
export function strictPercentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Juspay's signature on the browser's return to `return_url` (docs/hosted-redirects.md): every
 * query parameter but `signature` and `signature_algorithm` — the merchant's own included —
 * key and value percent-encoded, sorted by encoded key (ASCII), joined as `key=value` with `&`,
 * the whole percent-encoded again, HMAC-SHA256 keyed with the response key, in Base64.
 */
export function juspayRedirectSignature(params: Iterable<readonly [string, string]>, responseKey: string): string {
  const pairs = [...params]
    .filter(([key]) => key !== 'signature' && key !== 'signature_algorithm')
    .map(([key, value]) => [strictPercentEncode(key), strictPercentEncode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const message = strictPercentEncode(pairs.map(([key, value]) => `${key}=${value}`).join('&'));
  return createHmac('sha256', responseKey).update(message, 'utf8').digest('base64');
}
