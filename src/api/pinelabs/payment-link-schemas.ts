import { Type, type Static } from '@sinclair/typebox';
import { Amount, CreateOrderBody, Customer, MerchantMetadata, Reference } from './schemas.js';

/**
 * Request schemas of Pine Labs payment links (docs/payment-links.md; the customer is an order's).
 * `pre_auth`, `part_payment` and `is_mcc_transaction` are documented as the strings "true" / "false";
 * booleans are accepted too, and both are checked by the route (payment-link-fields.ts).
 */
export const CreatePaymentLinkBody = Type.Object({
  amount: Amount,
  description: Type.Optional(Type.String({ maxLength: 500 })),
  expire_by: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  merchant_payment_link_reference: Reference,
  customer: Type.Optional(Customer),
  allowed_payment_methods: CreateOrderBody.properties.allowed_payment_methods,
  pre_auth: Type.Optional(Type.Unknown()),
  part_payment: Type.Optional(Type.Unknown()),
  is_mcc_transaction: Type.Optional(Type.Unknown()),
  callback_url: CreateOrderBody.properties.callback_url,
  failure_callback_url: CreateOrderBody.properties.failure_callback_url,
  product_details: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 50 })),
  merchant_metadata: Type.Optional(MerchantMetadata),
});
export type CreatePaymentLinkBody = Static<typeof CreatePaymentLinkBody>;

export const PaymentLinkIdParams = Type.Object({ payment_link_id: Type.String({ minLength: 1, maxLength: 100 }) });
export type PaymentLinkIdParams = Static<typeof PaymentLinkIdParams>;

export const PaymentLinkReferenceParams = Type.Object({ merchant_payment_link_reference: Type.String({ minLength: 1, maxLength: 50 }) });
export type PaymentLinkReferenceParams = Static<typeof PaymentLinkReferenceParams>;
