import { randomBytes } from 'node:crypto';
import type { KeyRing } from './keys/keyring.js';

/**
 * The keys that sign a customer's return to the merchant after a hosted page, one per dialect
 * (docs/hosted-redirects.md). Each is shown once, when issued, and stored only encrypted: the
 * redirect must be signed later, so a hash would not do.
 */
export interface RedirectKeys {
  /** Pine Labs: hex, hex-decoded to bytes as the HMAC key. */
  pineLabsSecret: string;
  /** Juspay: an opaque string, its UTF-8 bytes the HMAC key. */
  juspayResponseKey: string;
}

/** Fresh keys: 256 bits as Pine Labs' hex secret; 128 bits as 32 hex digits, the shape of a Juspay response key. */
export function newRedirectKeys(): RedirectKeys {
  return {
    pineLabsSecret: randomBytes(32).toString('hex').toUpperCase(),
    juspayResponseKey: randomBytes(16).toString('hex').toUpperCase(),
  };
}

export async function sealRedirectKeys(ring: KeyRing, keys: RedirectKeys): Promise<{ pineLabs: string; juspay: string }> {
  return { pineLabs: await ring.sealSecret(keys.pineLabsSecret), juspay: await ring.sealSecret(keys.juspayResponseKey) };
}
