import { findMerchant } from '../store/merchants-repository.js';
import type { CoreContext } from './context.js';

/** How long one process trusts what it last read of a merchant: a merchant removed elsewhere is refused within this. */
export const MERCHANT_PRESENCE_TTL_MS = 1000;

/**
 * Whether a merchant a token names still exists, read from the database at most once a second
 * per merchant and process: a signed token for a merchant that does not exist must be a 401,
 * never a 5xx from a foreign key further on. Monotonic time, not the
 * business clock: this is a cache lifetime, not a rule of the payment.
 */
export function merchantPresence(ctx: Pick<CoreContext, 'db'>): (merchantId: string) => Promise<boolean> {
  const seen = new Map<string, { exists: boolean; readAt: number }>();
  return async (merchantId) => {
    const now = performance.now();
    const known = seen.get(merchantId);
    if (known && now - known.readAt < MERCHANT_PRESENCE_TTL_MS) return known.exists;
    const exists = (await findMerchant(ctx.db, merchantId)) !== undefined;
    if (seen.size > 10_000) seen.clear();
    seen.set(merchantId, { exists, readAt: now });
    return exists;
  };
}
