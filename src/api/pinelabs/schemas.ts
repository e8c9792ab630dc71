import { Type, type Static } from '@sinclair/typebox';
import { REFERENCE_PATTERN } from '../validation-message.js';

/** Request schemas of the Pine Labs Online dialect (token, orders, payments, capture, cancel, refunds). Unknown fields are ignored. */

export const Reference = Type.String({ minLength: 1, maxLength: 50, pattern: REFERENCE_PATTERN });

export const Amount = Type.Object({
  value: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
  // INR is the only currency the gateway settles; the enum makes the message say so.
  currency: Type.String({ enum: ['INR'] }),
});

export const TokenBody = Type.Object({
  client_id: Type.String({ minLength: 1, maxLength: 100 }),
  client_secret: Type.String({ minLength: 1, maxLength: 200 }),
  grant_type: Type.String({ enum: ['client_credentials'] }),
});
export type TokenBody = Static<typeof TokenBody>;

/** `merchant_metadata`: at most 10 pairs of at most 256 characters each, names and values alike. */
export const MerchantMetadata = Type.Record(Type.String(), Type.String({ maxLength: 256 }), {
  maxProperties: 10,
  propertyNames: { maxLength: 256 },
});

/** An address: the reference names its fields (address1…3, pincode, city, state, country, full_name…) but no limits; each holds a short value. */
const Address = Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 256 }), Type.Number(), Type.Boolean(), Type.Null()]), {
  maxProperties: 20,
  propertyNames: { maxLength: 64 },
});

/**
 * The customer of an order or a payment link, with the reference's limits on its fields. Other
 * fields are accepted and kept, bounded by the size of what holds them (stored-size.ts).
 */
export const Customer = Type.Object(
  {
    email_id: Type.Optional(Type.String({ maxLength: 50 })),
    first_name: Type.Optional(Type.String({ maxLength: 50 })),
    last_name: Type.Optional(Type.String({ maxLength: 50 })),
    customer_id: Type.Optional(Type.String({ maxLength: 19 })),
    mobile_number: Type.Optional(Type.String({ minLength: 10, maxLength: 20 })),
    country_code: Type.Optional(Type.String({ maxLength: 5 })),
    billing_address: Type.Optional(Address),
    shipping_address: Type.Optional(Address),
    is_edit_customer_details_allowed: Type.Optional(Type.Boolean()),
  },
  { maxProperties: 20 },
);

export const CreateOrderBody = Type.Object({
  // One documented sample sends the reference as a number; it is echoed back as a string.
  merchant_order_reference: Type.Union([Reference, Type.Integer({ minimum: 0, maximum: 99_999_999_999_999 })]),
  order_amount: Amount,
  pre_auth: Type.Optional(Type.Boolean()),
  allowed_payment_methods: Type.Optional(
    Type.Array(
      Type.String({ enum: ['CARD', 'UPI', 'NETBANKING', 'POINTS', 'WALLET', 'CREDIT_EMI', 'DEBIT_EMI', 'BNPL', 'CARDLESS_EMI'] }),
      { maxItems: 9 },
    ),
  ),
  notes: Type.Optional(Type.String({ maxLength: 500 })),
  callback_url: Type.Optional(Type.String({ maxLength: 2048, pattern: '^https?://' })),
  failure_callback_url: Type.Optional(Type.String({ maxLength: 2048, pattern: '^https?://' })),
  purchase_details: Type.Optional(
    Type.Object({
      customer: Type.Optional(Customer),
      merchant_metadata: Type.Optional(MerchantMetadata),
      cart_details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      split_info: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  ),
});
export type CreateOrderBody = Static<typeof CreateOrderBody>;

export const OrderIdParams = Type.Object({ order_id: Type.String({ minLength: 1, maxLength: 100 }) });
export type OrderIdParams = Static<typeof OrderIdParams>;

export const ReferenceParams = Type.Object({ merchant_order_reference: Type.String({ minLength: 1, maxLength: 50 }) });
export type ReferenceParams = Static<typeof ReferenceParams>;

export const CardDetails = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  card_number: Type.String({ minLength: 12, maxLength: 23, pattern: '^[0-9 -]+$' }),
  cvv: Type.Optional(Type.String({ pattern: '^[0-9]{3,4}$' })),
  expiry_month: Type.String({ pattern: '^[0-9]{2}$' }),
  expiry_year: Type.String({ pattern: '^([0-9]{2}|[0-9]{4})$' }),
  registered_mobile_number: Type.Optional(Type.String({ minLength: 10, maxLength: 20 })),
});

export const CreatePaymentBody = Type.Object({
  payments: Type.Array(
    Type.Object({
      merchant_payment_reference: Reference,
      payment_method: Type.String({
        enum: ['CARD', 'UPI', 'NETBANKING', 'WALLET', 'CREDIT_EMI', 'DEBIT_EMI', 'CARDLESS_EMI', 'POINTS', 'BNPL'],
      }),
      payment_amount: Amount,
      payment_option: Type.Object({ card_details: Type.Optional(CardDetails) }),
    }),
    { minItems: 1, maxItems: 1 },
  ),
});
export type CreatePaymentBody = Static<typeof CreatePaymentBody>;

export const CaptureBody = Type.Object({
  merchant_capture_reference: Reference,
  capture_amount: Type.Optional(Amount),
});
export type CaptureBody = Static<typeof CaptureBody>;

export const RefundBody = Type.Object({
  merchant_order_reference: Reference,
  order_amount: Type.Optional(Amount),
  merchant_metadata: Type.Optional(MerchantMetadata),
});
export type RefundBody = Static<typeof RefundBody>;
