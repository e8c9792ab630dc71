import { Type, type TProperties, type TSchema } from '@sinclair/typebox';

/**
 * Response schemas of the Pine Labs Online dialect, for its OpenAPI document only (they sit in the
 * routes' `config.openapi`, never in `schema.response`, so nothing is serialized with them). They
 * follow render.ts, payment-link-render.ts and errors.ts; objects stay open, as the wire may grow.
 */

const Instant = Type.String({ format: 'date-time' });
const Text = Type.String();

export const MoneyOut = Type.Object({ value: Type.Integer({ description: 'In paise' }), currency: Type.String() });

const OrderStatus = Type.String({
  enum: ['CREATED', 'PENDING', 'ATTEMPTED', 'AUTHORIZED', 'PROCESSED', 'CANCELLED', 'FAILED', 'PARTIALLY_REFUNDED', 'FULLY_REFUNDED'],
});
const PaymentStatus = Type.String({ enum: ['PENDING', 'AUTHORIZED', 'PROCESSED', 'CANCELLED', 'FAILED'] });
const RefundStatus = Type.String({ enum: ['PENDING', 'PROCESSED', 'FAILED'] });
const ErrorDetail = Type.Object({ code: Text, message: Text });

const AcquirerData = Type.Object({
  approval_code: Text,
  acquirer_reference: Text,
  rrn: Text,
  is_aggregator: Type.Boolean(),
  acquirer_name: Type.Optional(Text),
});

const CardData = Type.Object({
  card_type: Text,
  network_name: Text,
  issuer_name: Text,
  card_category: Text,
  country_code: Text,
  last4_digit: Text,
  save: Type.Boolean(),
  is_native_otp_eligible: Type.Boolean(),
});

const Payment = Type.Object({
  id: Text,
  merchant_payment_reference: Text,
  status: PaymentStatus,
  payment_amount: MoneyOut,
  payment_method: Text,
  payment_option: Type.Object({ card_data: Type.Optional(CardData) }),
  acquirer_data: AcquirerData,
  error_detail: Type.Optional(ErrorDetail),
  capture_data: Type.Optional(Type.Array(Type.Object({ merchant_capture_reference: Text, capture_amount: MoneyOut, created_at: Instant }))),
  reversal_data: Type.Optional(
    Type.Array(
      Type.Object(
        {
          type: Type.String({ enum: ['VOID', 'AUTO_VOID', 'AUTO_REVERSAL'] }),
          reversal_amount: MoneyOut,
          status: RefundStatus,
          created_at: Instant,
        },
        { description: 'Holdfast extension: releases of held money (void, auto-void, the uncaptured remainder)' },
      ),
    ),
  ),
  created_at: Instant,
  updated_at: Instant,
});

const ManualReview = Type.Object(
  { reason: Text },
  { description: 'Holdfast extension: an outcome the gateway never settled, left for a person to decide' },
);

/** The order object of every order call (render.ts renderOrder). */
export const Order = Type.Object({
  order_id: Text,
  merchant_order_reference: Text,
  type: Type.Literal('CHARGE'),
  status: OrderStatus,
  challenge_url: Type.Optional(Type.String({ description: 'Where the cardholder completes a pending 3-D Secure challenge' })),
  merchant_id: Text,
  order_amount: MoneyOut,
  pre_auth: Type.Boolean(),
  part_payment: Type.Boolean(),
  allowed_payment_methods: Type.Array(Text),
  notes: Text,
  callback_url: Text,
  failure_callback_url: Text,
  purchase_details: Type.Record(Type.String(), Type.Unknown()),
  payments: Type.Array(Payment),
  refunds: Type.Array(
    Type.Object({ order_id: Text, merchant_order_reference: Text, status: RefundStatus, order_amount: MoneyOut, created_at: Instant }),
  ),
  created_at: Instant,
  updated_at: Instant,
  integration_mode: Type.String({ enum: ['SEAMLESS', 'REDIRECT'] }),
  payment_retries_remaining: Type.Integer({ minimum: 0 }),
  manual_review: Type.Optional(ManualReview),
});

/** A refund read as an order of type REFUND (render.ts renderRefundOrder). */
export const RefundOrder = Type.Object({
  order_id: Text,
  parent_order_id: Text,
  merchant_order_reference: Text,
  type: Type.Literal('REFUND'),
  status: RefundStatus,
  merchant_id: Text,
  order_amount: MoneyOut,
  purchase_details: Type.Object({ merchant_metadata: Type.Record(Type.String(), Type.String()) }),
  payments: Type.Array(
    Type.Object({
      id: Text,
      status: RefundStatus,
      payment_amount: MoneyOut,
      payment_method: Text,
      acquirer_data: AcquirerData,
      error_detail: Type.Optional(ErrorDetail),
      created_at: Instant,
      updated_at: Instant,
    }),
  ),
  created_at: Instant,
  updated_at: Instant,
  integration_mode: Text,
  payment_retries_remaining: Type.Integer({ minimum: 0 }),
});

export const OrderAnswer = Type.Object({ data: Order }, { description: 'The order' });
export const RefundAnswer = Type.Object({ data: RefundOrder }, { description: 'The refund, as an order of type REFUND' });
export const OrderOrRefundAnswer = Type.Object(
  { data: Type.Union([Order, RefundOrder]) },
  { description: 'The order; a refund’s order id answers the refund as an order of type REFUND' },
);

export const TokenAnswer = Type.Object(
  { access_token: Text, expires_at: Instant },
  { description: 'A bearer token for the merchant’s other calls' },
);

export const CheckoutAnswer = Type.Object(
  { token: Text, order_id: Text, redirect_url: Text, response_code: Type.Integer(), response_message: Text },
  { description: 'The order made, and where to send the customer' },
);

/** The PaymentLink object (payment-link-render.ts). */
export const PaymentLink = Type.Object(
  {
    payment_link: Text,
    payment_link_id: Text,
    status: Type.String({ enum: ['CREATED', 'CLICKED', 'PAYMENT_INITIATED', 'PROCESSED', 'CANCELLED', 'EXPIRED'] }),
    amount: MoneyOut,
    amount_due: MoneyOut,
    order_id: Text,
    merchant_payment_link_reference: Text,
    description: Text,
    expire_by: Instant,
    allowed_payment_methods: Type.Array(Text),
    pre_auth: Type.Boolean(),
    callback_url: Type.Union([Text, Type.Null()]),
    failure_callback_url: Type.Union([Text, Type.Null()]),
    is_mcc_transaction: Type.Boolean(),
    part_payment: Type.Boolean(),
    customer: Type.Record(Type.String(), Type.Unknown()),
    product_details: Type.Array(Type.Unknown()),
    merchant_metadata: Type.Record(Type.String(), Type.String()),
    notifications: Type.Array(
      Type.Object(
        { channel: Text, recipient: Text, message: Text, created_at: Instant },
        { description: 'Holdfast extension: an e-mail or SMS it would have sent (it sends none)' },
      ),
    ),
    created_at: Instant,
    updated_at: Instant,
  },
  { description: 'The payment link' },
);

const NextSteps = Type.Array(Text);
const OtpMeta = Type.Object({ resend_after: Type.String({ description: 'Seconds before a resend' }) });
export const OtpGenerateAnswer = Type.Object({ next: NextSteps, meta_data: OtpMeta }, { description: 'The challenge waits for its OTP' });
export const OtpResendAnswer = Type.Object(
  { status: Type.Literal('SUCCESS'), next: NextSteps, meta_data: OtpMeta },
  { description: 'The challenge still waits for its OTP' },
);
export const OtpSubmitAnswer = Type.Object(
  { status: Type.String({ enum: ['SUCCESS', 'PENDING'] }) },
  { description: 'SUCCESS: the payment is authorized; PENDING: the gateway’s answer is not known yet (read the order)' },
);

export const CardDetailsAnswer = Type.Object(
  {
    card_payment_details: Type.Array(
      Type.Object({
        card_network: Text,
        card_issuer: Text,
        card_type: Text,
        card_category: Text,
        is_international_card: Type.Boolean(),
        is_native_otp_supported: Type.Boolean(),
        country_code: Text,
        currency: Text,
        is_currency_supported: Type.Boolean(),
      }),
    ),
  },
  { description: 'What each card is' },
);

/** Pine Labs' error body (errors.ts); the OTP calls add `next` and `meta_data`. */
const ErrorBody = {
  code: Type.String({ description: 'INVALID_REQUEST, UNAUTHORIZED, ORDER_NOT_FOUND, OPERATION_NOT_ALLOWED, …' }),
  message: Text,
  additional_error_details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
};

const ERRORS: Record<string, string> = {
  '400': 'INVALID_REQUEST: a field is missing or invalid (additional_error_details.field names it)',
  '401': 'UNAUTHORIZED: no token, or not a valid one',
  '404': 'ORDER_NOT_FOUND (or NOT_FOUND): no such order, payment or link for this merchant',
  '422': 'The state does not allow it: OPERATION_NOT_ALLOWED, ORDER_CANCELLED, PAYMENT_EXPIRED, DUPLICATE_REQUEST, …',
  '429': 'API_RATE_LIMIT: too many requests',
  '503': 'SERVICE_UNAVAILABLE: try again later',
};

/** The native OTP calls' errors also say what may come next: nothing, once the challenge is over. */
export const OTP_ERROR_FIELDS: TProperties = {
  next: Type.Optional(Type.Array(Text)),
  meta_data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
};

/** A route's responses: its answer, the errors it can give, and any other status in the same error shape. */
export function pineLabsResponses(
  ok: TSchema,
  errors: readonly string[] = ['400', '401', '404', '422'],
  errorFields: TProperties = {},
): Record<string, TSchema> {
  const error = (description: string) => Type.Object({ ...ErrorBody, ...errorFields }, { description });
  const responses: Record<string, TSchema> = { '200': ok };
  for (const status of [...errors, '429', '503']) responses[status] = error(ERRORS[status] ?? 'Error');
  responses.default = error('Any other error, in the same shape');
  return responses;
}
