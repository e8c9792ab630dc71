import { findMerchant } from '../store/merchants-repository.js';
import { credentialUsable, listCredentials } from '../store/merchant-credentials-repository.js';
import type { CoreContext } from './context.js';

/**
 * How long one process trusts what it last read of a merchant: a merchant disabled or removed, or
 * a credential revoked, elsewhere is refused within this.
 */
export const MERCHANT_STATUS_TTL_MS = 1000;

/**
 * When this process last changed each merchant (a disable, a rotation, a revocation): what was read
 * before is not trusted, so the process that makes a change honours it at once.
 */
const changedHere = new Map<string, number>();

/** Records that this process just changed a merchant or its credentials. */
export function noteMerchantChanged(merchantId: string): void {
  if (changedHere.size > 10_000) changedHere.clear();
  changedHere.set(merchantId, performance.now());
}

interface MerchantStatus {
  active: boolean;
  /** The merchant's credentials by id: when each expires or was revoked. */
  credentials: Map<string, { expiresAt: Date | null; revokedAt: Date | null }>;
  readAt: number;
}

/**
 * Whether the merchant a token or API key names may act: it exists and is not disabled, and the
 * credential the request authenticated with (when named) is neither revoked nor expired by the
 * business clock. Read from the database at most once a second per merchant and process, so a
 * disable (`holdfast merchant disable`), a revocation or the end of a rotation's overlap reaches
 * every process within a second (docs/admin-api.md), while a credential the last read did not
 * know (just issued by a rotation in another process) is read at once rather than refused for that
 * second, and a well-signed token for a merchant that does not exist is a 401, never a 5xx from a
 * foreign key further on. The cache lifetime is monotonic time; the expiry itself is the business
 * clock's.
 */
export function merchantActivity(ctx: Pick<CoreContext, 'db' | 'clock'>): (merchantId: string, credentialId?: string) => Promise<boolean> {
  const seen = new Map<string, MerchantStatus>();
  return async (merchantId, credentialId) => {
    const now = performance.now();
    let status = seen.get(merchantId);
    if (
      !status ||
      now - status.readAt >= MERCHANT_STATUS_TTL_MS ||
      (changedHere.get(merchantId) ?? -Infinity) >= status.readAt ||
      // A credential newer than what was read, made since by a rotation in another process. Only ids
      // of credentials that authenticated get here (a key found by its hash, a token's signed `cid`),
      // and credentials are revoked, never deleted: this reads once per new credential, not per guess.
      (status.active && credentialId !== undefined && !status.credentials.has(credentialId))
    ) {
      const merchant = await findMerchant(ctx.db, merchantId);
      const credentials = merchant ? await listCredentials(ctx.db, merchantId) : [];
      status = {
        active: merchant !== undefined && merchant.disabledAt === null,
        credentials: new Map(credentials.map((c) => [c.id, { expiresAt: c.expiresAt, revokedAt: c.revokedAt }])),
        readAt: now,
      };
      if (seen.size > 10_000) seen.clear();
      seen.set(merchantId, status);
    }
    if (!status.active) return false;
    if (credentialId === undefined) return true;
    const credential = status.credentials.get(credentialId);
    return credential !== undefined && credentialUsable(credential, ctx.clock.now());
  };
}
