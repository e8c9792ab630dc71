import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Credentials are random 256-bit values, so a single SHA-256 is a sound verifier (no password
 * stretching needed); comparisons are constant-time.
 */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function secretMatches(secret: string, expectedHash: Buffer): boolean {
  const actual = hashSecret(secret);
  return actual.length === expectedHash.length && timingSafeEqual(actual, expectedHash);
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Canonical JSON (sorted keys) so that the same request always fingerprints the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object')
    return typeof value === 'undefined' || typeof value === 'function' || typeof value === 'symbol' ? 'null' : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
