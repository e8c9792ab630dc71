import { findMerchant } from '../store/merchants-repository.js';
import type { CoreContext } from './context.js';

/** How long one process trusts what it last read of a merchant: a merchant disabled or removed elsewhere is refused within this. */
export const MERCHANT_STATUS_TTL_MS = 1000;

/**
 * Whether the merchant a token or API key names may act: it exists and is not disabled. Read from
 * the database at most once a second per merchant and process, so a disable (`holdfast merchant
 * disable`) reaches every process within a second, and a well-signed token for a merchant that
 * does not exist is a 401, never a 5xx from a foreign key further on. Monotonic time, not the
 * business clock: this is a cache lifetime, not a rule of the payment.
 */
export function merchantActivity(ctx: Pick<CoreContext, 'db'>): (merchantId: string) => Promise<boolean> {
  const seen = new Map<string, { active: boolean; readAt: number }>();
  return async (merchantId) => {
    const now = performance.now();
    const known = seen.get(merchantId);
    if (known && now - known.readAt < MERCHANT_STATUS_TTL_MS) return known.active;
    const merchant = await findMerchant(ctx.db, merchantId);
    const active = merchant !== undefined && merchant.disabledAt === null;
    if (seen.size > 10_000) seen.clear();
    seen.set(merchantId, { active, readAt: now });
    return active;
  };
}
