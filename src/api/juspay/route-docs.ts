import { Type, type TProperties, type TSchema } from '@sinclair/typebox';
import type { RouteDocumentation, RouteDocumentationTable } from '../docs/route-documentation.js';
import { JUSPAY_STATUS_IDS } from './status.js';

/**
 * The Juspay dialect's OpenAPI operations. Its routes read their bodies themselves (JSON, or form
 * fields with dotted keys: fields.ts), so the request and response schemas here document only; field
 * names follow Juspay's own OpenAPI document (test/juspay/fixtures/juspay-openapi.json) and render.ts.
 */

const Text = Type.String();
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** Juspay's timestamps: ISO 8601 without milliseconds. */
const Instant = Type.String({ format: 'date-time' });
/** Amounts are rupees, sent as a number or a string. */
const AmountIn = Type.Union([Type.Number(), Type.String()], { description: 'In rupees, e.g. 100.00' });
const BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

const ORDER_FIELDS: TProperties = {
  order_id: Type.String({
    maxLength: 20,
    pattern: '^[A-Za-z0-9_-]+$',
    description: 'The merchant’s order id; repeating the same request answers the same order',
  }),
  amount: AmountIn,
  currency: Type.Optional(Type.String({ maxLength: 3, description: 'INR when not given' })),
  customer_id: Type.Optional(Text),
  customer_email: Type.Optional(Text),
  customer_phone: Type.Optional(Text),
  description: Type.Optional(Text),
  product_id: Type.Optional(Text),
  return_url: Type.Optional(Type.String({ description: 'Where the browser returns after the payment page' })),
  order_expiry: Type.Optional(Type.String({ description: 'Until when the order takes a transaction (ISO 8601 with a time zone)' })),
  'metadata.txns.auto_capture': Type.Optional(
    Type.Union([Type.Boolean(), Type.String()], { description: 'false: authorize only; capture later with /v2/txns/{txn_uuid}/capture' }),
  ),
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`udf${i + 1}`, Type.Optional(Text)])),
  ...Object.fromEntries(
    ['billing_address', 'shipping_address'].flatMap((kind) =>
      ['first_name', 'last_name', 'line1', 'line2', 'line3', 'city', 'state', 'country', 'postal_code', 'phone', 'country_code_iso'].map(
        (name) => [`${kind}_${name}`, Type.Optional(Text)],
      ),
    ),
  ),
};

const OrderRequest = Type.Object(ORDER_FIELDS);
const SessionRequest = Type.Object({
  ...ORDER_FIELDS,
  payment_page_client_id: Type.Optional(Text),
  action: Type.Optional(Type.Literal('paymentPage')),
  payment_page_environment: Type.Optional(Text),
  first_name: Type.Optional(Text),
  last_name: Type.Optional(Text),
  'options.get_client_auth_token': Type.Optional(Type.Union([Type.Boolean(), Type.String()])),
});
const TxnRequest = Type.Object({
  order_id: Text,
  payment_method_type: Type.Literal('CARD'),
  payment_method: Type.Optional(Type.String({ description: 'The card network (VISA, MASTERCARD, …)' })),
  card_number: Text,
  card_exp_month: Type.String({ description: 'MM' }),
  card_exp_year: Type.String({ description: 'YY or YYYY' }),
  card_security_code: Type.Optional(Text),
  name_on_card: Type.Optional(Text),
  format: Type.Optional(Type.Literal('json', { description: 'json: answer the next step as JSON instead of a 302 redirect' })),
});
const CaptureRequest = Type.Object({
  amount: Type.Optional(AmountIn),
  idempotence_key: Type.Optional(Type.String({ maxLength: 64, description: 'Makes the capture safe to repeat' })),
  metadata: Type.Optional(Text),
});
const RefundRequest = Type.Object({
  unique_request_id: Type.String({ maxLength: 64, description: 'Each refund’s own id; a reuse answers duplicate.call' }),
  amount: Type.Optional(AmountIn),
});

const OrderStatus = Type.String({ enum: Object.keys(JUSPAY_STATUS_IDS).filter((status) => status !== 'NOT_FOUND') });

const Refund = Type.Object({
  id: Nullable(Text),
  ref: Nullable(Text),
  unique_request_id: Text,
  amount: Type.Number(),
  status: Type.String({ enum: ['PENDING', 'SUCCESS', 'FAILURE'] }),
  sent_to_gateway: Type.Boolean(),
  refund_type: Text,
  refund_source: Text,
  initiated_by: Text,
  error_code: Nullable(Text),
  error_message: Text,
  created: Instant,
  last_updated: Instant,
});

const Card = Type.Object({
  card_isin: Text,
  last_four_digits: Text,
  card_brand: Text,
  card_type: Text,
  card_issuer: Text,
  card_issuer_country: Text,
  expiry_month: Text,
  expiry_year: Text,
  name_on_card: Text,
  card_reference: Text,
  card_fingerprint: Text,
  using_saved_card: Type.Boolean(),
  saved_to_locker: Type.Boolean(),
  using_token: Type.Boolean(),
});

const TxnDetail = Type.Object({
  txn_id: Text,
  txn_uuid: Text,
  order_id: Text,
  status: Text,
  txn_amount: Type.Number(),
  net_amount: Type.Number(),
  surcharge_amount: Type.Number(),
  tax_amount: Type.Number(),
  offer_deduction_amount: Type.Number(),
  currency: Text,
  gateway: Text,
  gateway_id: Type.Integer(),
  express_checkout: Type.Boolean(),
  redirect: Type.Boolean(),
  error_code: Type.Optional(Nullable(Text)),
  error_message: Type.Optional(Nullable(Text)),
  created: Instant,
  txn_flow_type: Type.String({ enum: ['PREAUTH', 'DIRECT_DEBIT'] }),
});

/** The order object: order status, and the answer of create, capture, void and refund (render.ts). */
const Order = Type.Object(
  {
    id: Text,
    order_id: Text,
    merchant_id: Text,
    status: OrderStatus,
    status_id: Type.Integer(),
    amount: Type.Number(),
    effective_amount: Type.Number(),
    currency: Text,
    amount_refunded: Type.Number(),
    refunded: Type.Boolean(),
    customer_id: Nullable(Text),
    customer_email: Nullable(Text),
    customer_phone: Nullable(Text),
    description: Text,
    product_id: Text,
    return_url: Text,
    date_created: Instant,
    last_updated: Instant,
    order_expiry: Nullable(Instant),
    ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`udf${i + 1}`, Text])),
    payment_links: Type.Object({ web: Text, mobile: Text, iframe: Text }),
    metadata: Type.Object({ 'txns.auto_capture': Type.String({ enum: ['true', 'false'] }) }),
    manual_review: Type.Optional(
      Type.Object(
        { reason: Text },
        { description: 'Holdfast extension: an outcome the gateway never settled, left for a person to decide' },
      ),
    ),
    refunds: Type.Array(Refund),
    txn_id: Type.Optional(Text),
    txn_uuid: Type.Optional(Text),
    payment_method_type: Type.Optional(Text),
    payment_method: Type.Optional(Text),
    auth_type: Type.Optional(Text),
    gateway_id: Type.Optional(Type.Integer()),
    gateway_reference_id: Type.Optional(Text),
    bank_error_code: Type.Optional(Text),
    bank_error_message: Type.Optional(Text),
    card: Type.Optional(Card),
    txn_detail: Type.Optional(TxnDetail),
    payment_gateway_response: Type.Optional(
      Type.Object({ resp_code: Text, resp_message: Text, rrn: Text, epg_txn_id: Text, auth_id_code: Text, txn_id: Text, created: Instant }),
    ),
    resp_code: Type.Optional(Nullable(Text)),
    resp_message: Type.Optional(Nullable(Text)),
  },
  { description: 'The order; the transaction fields appear once a transaction was made' },
);

const SessionAnswer = Type.Object(
  {
    status: OrderStatus,
    id: Text,
    order_id: Text,
    payment_links: Type.Object({ web: Text, expiry: Nullable(Instant) }),
    sdk_payload: Type.Object({ requestId: Text, service: Text, payload: Type.Record(Type.String(), Type.String()) }),
    order_expiry: Nullable(Instant),
  },
  { description: 'The order made, its hosted payment page and the SDK payload' },
);

const TxnAnswer = Type.Object(
  {
    order_id: Text,
    txn_id: Text,
    txn_uuid: Text,
    status: Text,
    payment: Type.Object({ authentication: Type.Object({ method: Type.Literal('GET'), url: Text }) }),
  },
  { description: 'With format=json: the transaction, and where the customer goes next (3-D Secure or the return)' },
);

/** Juspay's error bodies (errors.ts): every one has status, error_code and error_message; the rest depends on the call. */
const juspayError = (description: string) =>
  Type.Object(
    {
      status: Text,
      error_code: Text,
      error_message: Text,
      status_id: Type.Optional(Type.Integer()),
      order_id: Type.Optional(Text),
      error_info: Type.Optional(
        Type.Object({
          code: Text,
          category: Text,
          user_message: Text,
          developer_message: Text,
          fields: Type.Optional(Type.Array(Type.Object({ field_name: Text, reason: Text }))),
        }),
      ),
    },
    { description },
  );

const ERRORS: Record<string, string> = {
  '400': 'A field is missing or invalid, or the state does not allow the call (error_info says which)',
  '401': 'access_denied: no API key, or not a valid one',
  '404': 'not_found: no such order or transaction for this merchant',
  '429': 'too_many_requests',
  '503': 'service_unavailable: try again later',
};

function responses(ok: TSchema, errors: readonly string[]): Record<string, TSchema> {
  const out: Record<string, TSchema> = { '200': ok };
  for (const status of [...errors, '429', '503']) out[status] = juspayError(ERRORS[status] ?? 'Error');
  out.default = juspayError('Any other error, in the same shape');
  return out;
}

const withBody = (body: TSchema, doc: Omit<RouteDocumentation, 'body' | 'consumes'>): RouteDocumentation => ({
  ...doc,
  body,
  consumes: BODY_TYPES,
});

/** The OpenAPI operation of each Juspay route (src/api/docs/route-documentation.ts), by method and path. */
export const juspayDocs: RouteDocumentationTable = {
  'POST /orders': withBody(OrderRequest, {
    summary: 'Create an order',
    description: 'The same order_id and fields again answer the same order; other fields under a used order_id are refused.',
    tags: ['Orders'],
    responses: responses(Order, ['400', '401']),
  }),
  'POST /session': withBody(SessionRequest, {
    summary: 'Create a payment page session',
    description: 'Creates the order as POST /orders does and answers the hosted payment page and an SDK payload.',
    tags: ['Orders'],
    responses: responses(SessionAnswer, ['400', '401']),
  }),
  'GET /orders/:order_id': {
    summary: 'Get an order’s status',
    tags: ['Orders'],
    responses: responses(Order, ['401', '404']),
  },
  'POST /txns': withBody(TxnRequest, {
    summary: 'Pay an order by card',
    description: 'Starts a card transaction. Answers 302 to 3-D Secure or to the return page, or JSON with format=json.',
    tags: ['Transactions'],
    responses: {
      ...responses(TxnAnswer, ['400', '401', '404']),
      '302': Type.Null({ description: 'Where the customer goes next', headers: { location: Type.String() } }),
    },
  }),
  'POST /v2/txns/:txn_uuid/capture': withBody(CaptureRequest, {
    summary: 'Capture a pre-authorized transaction',
    description: 'Captures all of the authorization, or amount of it; idempotence_key makes it safe to repeat.',
    tags: ['Transactions'],
    responses: responses(Order, ['400', '401', '404']),
  }),
  'POST /v2/txns/:txn_uuid/void': {
    summary: 'Void a pre-authorized transaction',
    tags: ['Transactions'],
    responses: responses(Order, ['400', '401', '404']),
  },
  'POST /orders/:order_id/refunds': withBody(RefundRequest, {
    summary: 'Refund an order',
    description: 'Refunds all of what was charged, or amount of it. An unknown order answers 400, as Juspay does.',
    tags: ['Refunds'],
    responses: responses(Order, ['400', '401']),
  }),
};
