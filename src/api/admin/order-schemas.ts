import { Type } from '@sinclair/typebox';

/** TypeBox schemas of the admin API's orders (docs/admin-api.md "Orders"): the querystring and every answer. */

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Str = Type.String();
const NStr = Nullable(Type.String());
const Instant = Type.String({ format: 'date-time' });
const NInstant = Nullable(Type.String({ format: 'date-time' }));
const Minor = Type.Integer({ description: 'minor units' });
/** Milliseconds a gateway call took, or null: no call gave the answer (an operator resolution, an expired challenge), none yet, or stored before latencies were. */
const GatewayLatency = (description: string) => Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description });

/** Querystring values arrive as text (inputs are validated as sent); the route checks their meaning. */
const Param = (description: string, maxLength = 200) => Type.Optional(Type.String({ minLength: 1, maxLength, description }));

export const OrderSearchQuerystring = Type.Object(
  {
    merchant_id: Param('only this merchant'),
    order_id: Param('exactly this order id'),
    merchant_order_reference: Param("the merchant's own reference"),
    txn_uuid: Param('the order of this payment attempt'),
    status: Type.Optional(
      Type.Union([Type.String({ maxLength: 40 }), Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })], {
        description: 'core state, e.g. AUTHORIZED; repeatable',
      }),
    ),
    created_from: Param('ISO 8601 instant, inclusive', 40),
    created_to: Param('ISO 8601 instant, inclusive', 40),
    amount_min: Param('minor units, inclusive', 20),
    amount_max: Param('minor units, inclusive', 20),
    in_review: Param('true: only orders flagged for manual review', 5),
    limit: Param('1–100, default 25', 3),
    cursor: Param('next_cursor of the previous page', 400),
  },
  { additionalProperties: false },
);

const summaryFields = {
  id: Str,
  merchant_id: Str,
  dialect: Str,
  merchant_order_reference: Str,
  amount: Minor,
  currency: Str,
  state: Str,
  pre_auth: Type.Boolean(),
  created_at: Instant,
  updated_at: Instant,
  review_reason: NStr,
};

export const OrderSummarySchema = Type.Object(summaryFields, { $id: 'AdminOrderSummary' });

export const OrderPageSchema = Type.Object({ data: Type.Array(Type.Object(summaryFields)), next_cursor: NStr });

const Operation = Type.Object({
  id: Str,
  kind: Type.Optional(Type.String({ description: 'reversals only: VOID, AUTO_VOID or REMAINDER' })),
  amount: Minor,
  currency: Str,
  status: Str,
  reference: NStr,
  gateway_reference: NStr,
  error_code: NStr,
  error_message: NStr,
  gateway_latency_ms: GatewayLatency(
    "ms the gateway call whose answer the row holds took (a status inquiry that settled it replaces the first call's); null: no call gave it",
  ),
  created_at: Instant,
  updated_at: Instant,
});

const Payment = Type.Object({
  id: Str,
  txn_uuid: Str,
  merchant_payment_reference: Str,
  amount: Minor,
  currency: Str,
  method: Str,
  status: Str,
  card: Type.Union([Type.Object({ network: Str, bin: Str, last4: Str, expiry_month: Str, expiry_year: Str }), Type.Null()]),
  connector: Str,
  connector_reference: NStr,
  approval_code: NStr,
  rrn: NStr,
  error_code: NStr,
  error_message: NStr,
  gateway_latency_ms: GatewayLatency(
    'ms the authorization call whose answer the row holds took (authorize, 3-D Secure completion or status inquiry); null: no call gave it',
  ),
  created_at: Instant,
  updated_at: Instant,
});

const Ledger = Type.Object({
  entries: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: Str,
      reference_id: Str,
      created_at: Instant,
      postings: Type.Array(Type.Object({ account: Str, amount: Minor, balance_after: Minor })),
    }),
  ),
  balances: Type.Record(Type.String(), Minor),
  invariants: Type.Array(Type.Object({ name: Str, ok: Type.Boolean(), detail: Str })),
});

const TimelineEvent = Type.Object({
  at: Instant,
  kind: Type.Union([
    Type.Literal('api_call'),
    Type.Literal('gateway'),
    Type.Literal('state'),
    Type.Literal('job'),
    Type.Literal('webhook'),
    Type.Literal('operator'),
  ]),
  title: Str,
  detail: NStr,
  request_id: NStr,
  latency_ms: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description:
      "milliseconds: a webhook attempt's, a job run's, an API call's, or a gateway answer's (its row's gateway_latency_ms; for a payment, its authorization's); " +
      'null for other events, and for an answer no gateway call gave or answered before latencies were stored',
  }),
  call: Type.Union([
    Type.Object(
      {
        method: Str,
        route: Type.String({ description: 'the route pattern, never the URL as sent' }),
        status: Type.Integer(),
        server_request_id: Str,
        dialect: Str,
      },
      { description: 'an entry of the API call log (HOLDFAST_API_CALL_RETENTION): the merchant API call as recorded' },
    ),
    Type.Null(),
  ]),
});

const Webhook = Type.Object({
  id: Str,
  event_type: Str,
  dialect: Str,
  created_at: Instant,
  delivered_at: NInstant,
  gave_up_at: NInstant,
  attempts: Type.Array(
    Type.Object({
      id: Type.Integer(),
      attempted_at: Instant,
      url: Str,
      status_code: Type.Union([Type.Integer(), Type.Null()]),
      latency_ms: Type.Integer(),
      response_excerpt: NStr,
    }),
  ),
  attempts_pruned: Type.Integer({ description: 'attempts deleted by HOLDFAST_WEBHOOK_ATTEMPT_RETENTION after the event was delivered' }),
});

const Link = Type.Object({
  kind: Type.Union([Type.Literal('checkout'), Type.Literal('payment_link'), Type.Literal('session'), Type.Literal('redirect')]),
  url: Type.String({ description: "a path from the server's public URL" }),
  created_at: Instant,
});

export const OrderDetailSchema = Type.Object({
  order: Type.Object({ ...summaryFields, expires_at: NInstant, capture_deadline: NInstant, payment_closed_reason: NStr }),
  payments: Type.Array(Payment),
  captures: Type.Array(Operation),
  reversals: Type.Array(Operation),
  refunds: Type.Array(Operation),
  ledger: Ledger,
  timeline: Type.Array(TimelineEvent),
  webhooks: Type.Array(Webhook),
  links: Type.Array(Link),
});

export const AdminErrorSchema = Type.Object({ error: Str, message: Str });
