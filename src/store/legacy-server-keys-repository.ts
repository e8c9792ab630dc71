import type { Queryable } from './db.js';

/**
 * The plaintext `server_keys` table of databases made before data keys were sealed: read once
 * by the upgrade (core/keys/legacy-keys.ts), then dropped with everything derived from it.
 */
export async function readLegacyServerKeys(q: Queryable): Promise<Map<string, Buffer> | undefined> {
  const exists = await q.query<{ present: boolean }>(`select to_regclass('server_keys') is not null as present`);
  if (!exists[0]?.present) return undefined;
  const rows = await q.query<{ name: string; secret: Uint8Array }>('select name, secret from server_keys');
  return new Map(rows.map((r) => [r.name, Buffer.from(r.secret)]));
}

export async function dropLegacyServerKeys(q: Queryable): Promise<void> {
  await q.query('drop table if exists server_keys');
}

/** The value that replaces a request fingerprint made with the discarded key: no request can be compared with it. */
export const LEGACY_REQUEST_FINGERPRINT = 'legacy';

/**
 * Removes what the discarded fingerprint key computed: card fingerprints are cleared, and request
 * fingerprints (some of which covered a card number and CVV) are replaced by the legacy marker.
 */
export async function dropLegacyFingerprints(q: Queryable): Promise<void> {
  await q.query('update payments set card_fingerprint = null where card_fingerprint is not null');
  for (const table of ['orders', 'payments', 'captures', 'refunds', 'request_keys', 'payment_links']) {
    await q.query(`update ${table} set request_fingerprint = $1 where request_fingerprint <> $1`, [LEGACY_REQUEST_FINGERPRINT]);
  }
}
