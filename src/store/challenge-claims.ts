import type { Queryable } from './db.js';

/**
 * Claims a payment's 3-D Secure challenge for one answer: true for the one caller whose update
 * found the payment still waiting and unclaimed, false for everyone after it. The gateway is asked
 * only by the caller that claimed, so concurrent OTPs cannot reach it twice.
 */
export async function claimChallenge(q: Queryable, paymentId: string, at: Date): Promise<boolean> {
  const rows = await q.query(
    `update payments set challenge_claimed_at = $2
      where id = $1 and status = 'PENDING' and challenge_claimed_at is null
      returning id`,
    [paymentId, at],
  );
  return rows.length > 0;
}
