/**
 * What the Pine Labs Online connector reads from the upstream's answers: only the fields it needs,
 * each checked before use, everything else ignored. An answer that does not fit is one the
 * connector cannot read, so its outcome is unknown (mapping.ts).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export const PINELABS_PATHS = {
  token: '/api/auth/v1/token',
  orders: '/api/pay/v1/orders',
  order: (orderId: string) => `/api/pay/v1/orders/${encodeURIComponent(orderId)}`,
  orderByReference: (reference: string) => `/api/pay/v1/orders/reference/${encodeURIComponent(reference)}`,
  payments: (orderId: string) => `/api/pay/v1/orders/${encodeURIComponent(orderId)}/payments`,
  capture: (orderId: string) => `/api/pay/v1/orders/${encodeURIComponent(orderId)}/capture`,
  cancel: (orderId: string) => `/api/pay/v1/orders/${encodeURIComponent(orderId)}/cancel`,
  refunds: (orderId: string) => `/api/pay/v1/refunds/${encodeURIComponent(orderId)}`,
} as const;

const Amount = Type.Object({ value: Type.Integer(), currency: Type.String() });
/** Optional text that some answers send as null. */
const Text = Type.Optional(Type.Union([Type.String(), Type.Null()]));

const PaymentItem = Type.Object({
  merchant_payment_reference: Text,
  status: Type.String(),
  payment_amount: Type.Optional(Amount),
  acquirer_data: Type.Optional(
    Type.Union([Type.Object({ approval_code: Text, acquirer_reference: Text, rrn: Text, acquirer_name: Text }), Type.Null()]),
  ),
  error_detail: Type.Optional(Type.Union([Type.Object({ code: Text, message: Text }), Type.Null()])),
  capture_data: Type.Optional(
    Type.Union([Type.Array(Type.Object({ merchant_capture_reference: Text, capture_amount: Type.Optional(Amount) })), Type.Null()]),
  ),
  /** Holdfast's extension (not in Pine Labs' reference): the releases of held money, and how each went. */
  reversal_data: Type.Optional(
    Type.Array(Type.Object({ type: Type.String(), reversal_amount: Type.Optional(Amount), status: Type.String() })),
  ),
});
export type PaymentItem = Static<typeof PaymentItem>;

const RefundListing = Type.Object({ order_id: Type.String(), merchant_order_reference: Text, status: Type.String() });

const Order = Type.Object({
  order_id: Type.String({ minLength: 1 }),
  merchant_order_reference: Text,
  parent_order_id: Text,
  type: Text,
  status: Type.String(),
  challenge_url: Text,
  payments: Type.Optional(Type.Union([Type.Array(PaymentItem), Type.Null()])),
  refunds: Type.Optional(Type.Union([Type.Array(RefundListing), Type.Null()])),
});
export type Order = Static<typeof Order>;

const OrderAnswer = Type.Object({ data: Order });

const ErrorBody = Type.Object({ code: Text, message: Text, additional_error_details: Type.Optional(Type.Unknown()) });

const TokenAnswer = Type.Object({
  access_token: Type.String({ minLength: 1 }),
  expires_at: Type.Optional(Type.String()),
  // An older form of the answer (the reference's conflict note): seconds from now.
  expires_in: Type.Optional(Type.Number()),
});
export type TokenAnswer = Static<typeof TokenAnswer>;

/** The order in an answer's `{data: …}`, or undefined when the answer is not one. */
export function orderOf(body: unknown): Order | undefined {
  return Value.Check(OrderAnswer, body) ? body.data : undefined;
}

export function tokenOf(body: unknown): TokenAnswer | undefined {
  return Value.Check(TokenAnswer, body) ? body : undefined;
}

/** An error answer's code and message, verbatim; `HTTP_<status>` when the body names no code. */
export function errorOf(status: number, body: unknown): { code: string; message: string; field: string | null } {
  const error = Value.Check(ErrorBody, body) ? body : undefined;
  const details = error?.additional_error_details as { field?: unknown } | undefined;
  return {
    code: error?.code || `HTTP_${status}`,
    message: error?.message || `The upstream answered HTTP ${status}`,
    field: typeof details?.field === 'string' ? details.field : null,
  };
}

/** The payment of ours on an upstream order: the one with our payment id as its merchant reference. */
export function paymentOf(order: Order, paymentId: string): PaymentItem | undefined {
  return (order.payments ?? []).find((p) => p.merchant_payment_reference === paymentId);
}
