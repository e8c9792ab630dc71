import type { Queryable } from './db.js';

/**
 * Declined card payments started since a moment, for card-testing protection
 * (src/core/card-testing.ts). Both counts read `card_declines`, which triggers on payments keep to
 * exactly the FAILED payments not refused by the protection itself (migrations/026_card_declines.sql),
 * so a count reads declines only, however many payments succeeded in the window.
 */

/** Declines of one card (by its fingerprint) since `since`, counted up to `cap`. */
export async function recentDeclinesOfCard(db: Queryable, fingerprint: string, since: Date, cap: number): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from (
       select 1 from card_declines where card_fingerprint = $1 and created_at >= $2 limit $3) declined`,
    [fingerprint, since, cap],
  );
  return row?.n ?? 0;
}

/**
 * Declines of one merchant's payments since `since`, counted up to `cap`; an attempt on an order
 * created before then is not counted (an order takes at most three attempts).
 */
export async function recentDeclinesOfMerchant(db: Queryable, merchantId: string, since: Date, cap: number): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from (
       select 1 from card_declines where merchant_id = $1 and created_at >= $2 and order_created_at >= $2 limit $3) declined`,
    [merchantId, since, cap],
  );
  return row?.n ?? 0;
}
