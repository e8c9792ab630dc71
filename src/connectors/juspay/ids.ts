/**
 * The ids Holdfast gives Juspay, derived from its own: Juspay takes an `order_id` (and a refund's
 * `unique_request_id`) of at most 20 letters and digits and reads it without regard to case, while
 * our payment attempt and refund ids are longer (src/core/id-scheme.ts). Each is a pure function
 * of our id, so an inquiry by our id finds the upstream object again with nothing stored, and a
 * repeated create names the same object instead of making a second one.
 */
import { createHash } from 'node:crypto';

/** Juspay's limit for `order_id` and `unique_request_id`. */
export const JUSPAY_ID_LENGTH = 20;

/** Lowercase base32 (RFC 4648's alphabet, lowercased): case-insensitive ids must not rely on case. */
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Marks the ids as Holdfast's on the upstream's dashboard. */
const PREFIX = 'hf';

/**
 * `hf` + 18 base32 characters of SHA-256 over a labelled id: 90 bits, so two of our ids meet on
 * one upstream account with a chance far below one in a billion even after billions of payments.
 */
function compactId(label: string, id: string): string {
  const digest = createHash('sha256').update(`${label}:${id}`, 'utf8').digest();
  let out = PREFIX;
  let buffer = 0;
  let bits = 0;
  for (const byte of digest) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < JUSPAY_ID_LENGTH) {
      out += BASE32.charAt((buffer >>> (bits - 5)) & 31);
      bits -= 5;
    }
    if (out.length === JUSPAY_ID_LENGTH) break;
  }
  return out;
}

/** The upstream `order_id` of one payment attempt (our payment id): one Juspay order per attempt. */
export const juspayOrderId = (paymentId: string): string => compactId('order', paymentId);

/** The upstream `unique_request_id` of one refund (our refund id). */
export const juspayRefundRequestId = (refundId: string): string => compactId('refund', refundId);
