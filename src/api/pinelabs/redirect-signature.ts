import { createHmac } from 'node:crypto';

/**
 * Pine Labs' signature on the browser's return to the merchant (docs/hosted-redirects.md): every
 * field but `signature`, sorted by key, joined as `key=value` with `&` (values as they are, not
 * URL-encoded), HMAC-SHA256 keyed with the merchant's secret hex-decoded to bytes, as uppercase hex.
 */
export function pineLabsRedirectSignature(fields: Readonly<Record<string, string>>, hexSecret: string): string {
  const message = Object.keys(fields)
    .filter((key) => key !== 'signature')
    .sort()
    .map((key) => `${key}=${fields[key] ?? ''}`)
    .join('&');
  return createHmac('sha256', Buffer.from(hexSecret, 'hex')).update(message, 'utf8').digest('hex').toUpperCase();
}
