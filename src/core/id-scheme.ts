/**
 * The shapes of the ids Holdfast hands out. The core only asks for new ones; app.ts chooses the
 * scheme (today the one Pine Labs clients expect, api/pinelabs/ids.ts, since Pine Labs reads
 * payment ids and refund ids as order-shaped strings).
 */
export interface IdScheme {
  order(now: Date): string;
  payment(orderId: string): string;
  /** A refund is addressable as an order of its own (Pine Labs reads it as an order of type REFUND). */
  refund(now: Date): string;
}
