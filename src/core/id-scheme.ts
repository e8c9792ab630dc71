/**
 * The shapes of the ids Holdfast hands out. The core only asks for new ones; app.ts chooses the
 * scheme: today order, payment and refund ids in the shape Pine Labs clients expect
 * (api/pinelabs/ids.ts: Pine Labs reads refund ids as order ids) and payment attempts' public ids
 * in Juspay's (api/juspay/ids.ts).
 */
export interface IdScheme {
  order(now: Date): string;
  payment(orderId: string): string;
  /** A refund is addressable as an order of its own (Pine Labs reads it as an order of type REFUND). */
  refund(now: Date): string;
  /** The short, opaque, unguessable public id of a payment attempt (Juspay's txn_uuid). */
  txn(): string;
}
