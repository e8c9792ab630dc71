import { randomAlphanumeric } from '../../domain/ids.js';
import type { IdScheme } from '../../core/id-scheme.js';

function compactTimestamp(now: Date): string {
  const iso = now.toISOString(); // 2024-08-28T18:12:32.000Z
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19);
}

/** Order ids in Pine Labs' shape: v1-<yyMMddHHmmss>-aa-<6 alnum>. Refund orders share it. */
const orderShaped = (now: Date) => `v1-${compactTimestamp(now)}-aa-${randomAlphanumeric(6)}`;

/** Pine Labs' id shapes; payment ids are <order_id>-cc-<3 alnum> (Pine Labs uses one character; three keeps retries unique). */
export const pineLabsIds: Omit<IdScheme, 'txn'> = {
  order: orderShaped,
  payment: (orderId) => `${orderId}-cc-${randomAlphanumeric(3)}`,
  refund: orderShaped,
};

/** Whether an id has the shape of an order id (a refund id is one too). */
export const isOrderShaped = (id: string) => id.startsWith('v1-');

/** Payment link ids in Pine Labs' shape: pl-v1-<yyMMddHHmmss>-aa-<6 alnum>. */
export const paymentLinkId = (now: Date) => `pl-${orderShaped(now)}`;
