import { Type, type Static } from '@sinclair/typebox';
import { Amount, CreateOrderBody, MerchantMetadata, Reference } from './schemas.js';

/**
 * Request schemas of Pine Labs payment links (docs/payment-links.md; field limits as for orders' customer).
 * `pre_auth`, `part_payment` and `is_mcc_transaction` are documented as the strings "true" / "false";
 * booleans are accepted too, and both are checked by the route (payment-link-fields.ts).
 */
const Address = Type.Record(Type.String(), Type.Unknown(), { maxProperties: 20 });

export const LinkCustomer = Type.Object({
  email_id: Type.Optional(Type.String({ maxLength: 50 })),
  first_name: Type.Optional(Type.String({ maxLength: 50 })),
  last_name: Type.Optional(Type.String({ maxLength: 50 })),
  customer_id: Type.Optional(Type.String({ maxLength: 19 })),
  mobile_number: Type.Optional(Type.String({ minLength: 10, maxLength: 20 })),
  country_code: Type.Optional(Type.String({ maxLength: 5 })),
  billing_address: Type.Optional(Address),
  shipping_address: Type.Optional(Address),
});

export const CreatePaymentLinkBody = Type.Object({
  amount: Amount,
  description: Type.Optional(Type.String({ maxLength: 500 })),
  expire_by: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  merchant_payment_link_reference: Reference,
  customer: Type.Optional(LinkCustomer),
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
