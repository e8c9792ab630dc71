import { claimRequestKey, findRequestKey, type StoredRequestKey } from '../store/request-keys-repository.js';
import type { Queryable } from '../store/db.js';

/** A client-chosen request id (Pine Labs `Request-ID`) and the fingerprint of the request it names. */
export interface RequestKey {
  id: string;
  fingerprint: string;
}

/**
 * Thrown inside the effect's transaction when the request id was already used: the transaction
 * rolls back (no second effect) and the dialect answers from the stored record.
 */
export class RequestKeyTaken extends Error {
  constructor(readonly stored: StoredRequestKey) {
    super('request id already used');
    this.name = 'RequestKeyTaken';
  }
}

/** Records the request id in the same transaction as the effect it names. */
export async function recordRequestKey(
  tx: Queryable,
  merchantId: string,
  key: RequestKey | undefined,
  orderId: string,
  now: Date,
): Promise<void> {
  if (!key) return;
  if (await claimRequestKey(tx, merchantId, key.id, key.fingerprint, orderId, now)) return;
  const stored = await findRequestKey(tx, merchantId, key.id);
  if (stored) throw new RequestKeyTaken(stored);
}
