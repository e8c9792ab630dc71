import type { Queryable } from './db.js';

/**
 * Declined card payments started since a moment, for card-testing protection
 * (src/core/card-testing.ts). Both counts read the indexes of migrations/014_card_testing.sql, whose
 * columns never change after the insert, so payments and orders keep their in-place updates.
 * Payments refused with `excludeCode` (the protection's own refusals) are not counted.
 */

/** Declines of one card (by its fingerprint) since `since`, counted up to `cap`. */
export async function recentDeclinesOfCard(
  db: Queryable,
  fingerprint: string,
  since: Date,
  excludeCode: string,
  cap: number,
): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from (
       select 1 from payments
       where card_fingerprint = $1 and created_at >= $2 and status = 'FAILED' and error_code is distinct from $3
       limit $4) declined`,
    [fingerprint, since, excludeCode, cap],
  );
  return row?.n ?? 0;
}

/**
 * Declines of one merchant's payments since `since`, counted up to `cap`. Payments have no merchant
 * column: they are reached through the merchant's orders created since then, so an attempt on an
 * older order is not counted (an order takes at most three attempts).
 */
export async function recentDeclinesOfMerchant(
  db: Queryable,
  merchantId: string,
  since: Date,
  excludeCode: string,
  cap: number,
): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from (
       select 1 from orders o join payments p on p.order_id = o.id
       where o.merchant_id = $1 and o.created_at >= $2
         and p.created_at >= $2 and p.status = 'FAILED' and p.error_code is distinct from $3
       limit $4) declined`,
    [merchantId, since, excludeCode, cap],
  );
  return row?.n ?? 0;
}
