/**
 * The core order state machine. Every dialect maps these states to its own status names in one
 * place (api/<dialect>/status.ts); the transitions themselves live only here.
 */
export const ORDER_STATES = [
  'CREATED',
  'PENDING',
  'AUTHORIZED',
  'CAPTURE_PENDING',
  'CAPTURED',
  'PARTIALLY_CAPTURED',
  'CAPTURE_FAILED',
  'VOID_PENDING',
  'VOIDED',
  'VOID_FAILED',
  'ATTEMPTED',
  'FAILED',
  'PARTIALLY_REFUNDED',
  'FULLY_REFUNDED',
] as const;

export type OrderState = (typeof ORDER_STATES)[number];

/** What moves an order; each edge of the table names one. */
export type OrderEvent =
  | 'payment_started'
  | 'authentication_required'
  | 'authorized'
  | 'sale_captured'
  | 'payment_declined'
  | 'payment_failed_final'
  | 'capture_requested'
  | 'captured_full'
  | 'captured_partial'
  | 'capture_failed'
  | 'void_requested'
  | 'voided'
  | 'void_failed'
  | 'refund_requested'
  | 'refunded_partial'
  | 'refunded_full';

const TRANSITIONS: Readonly<Record<OrderState, Partial<Record<OrderEvent, OrderState>>>> = {
  CREATED: { payment_started: 'PENDING' },
  ATTEMPTED: { payment_started: 'PENDING' },
  PENDING: {
    authentication_required: 'PENDING',
    authorized: 'AUTHORIZED',
    sale_captured: 'CAPTURED',
    payment_declined: 'ATTEMPTED',
    payment_failed_final: 'FAILED',
  },
  AUTHORIZED: { capture_requested: 'CAPTURE_PENDING', void_requested: 'VOID_PENDING' },
  // A failed void leaves the authorization in place: it may still be captured or voided again.
  VOID_FAILED: { capture_requested: 'CAPTURE_PENDING', void_requested: 'VOID_PENDING' },
  CAPTURE_PENDING: { captured_full: 'CAPTURED', captured_partial: 'PARTIALLY_CAPTURED', capture_failed: 'CAPTURE_FAILED' },
  VOID_PENDING: { voided: 'VOIDED', void_failed: 'VOID_FAILED' },
  // A refund in flight leaves the state as it is until its answer: refunds run side by side.
  CAPTURED: { refund_requested: 'CAPTURED', refunded_partial: 'PARTIALLY_REFUNDED', refunded_full: 'FULLY_REFUNDED' },
  PARTIALLY_CAPTURED: { refund_requested: 'PARTIALLY_CAPTURED', refunded_partial: 'PARTIALLY_REFUNDED', refunded_full: 'FULLY_REFUNDED' },
  PARTIALLY_REFUNDED: { refund_requested: 'PARTIALLY_REFUNDED', refunded_partial: 'PARTIALLY_REFUNDED', refunded_full: 'FULLY_REFUNDED' },
  // A failed capture leaves the authorization held: a void (the merchant's or the capture
  // window's) releases it.
  CAPTURE_FAILED: { void_requested: 'VOID_PENDING' },
  VOIDED: {},
  FAILED: {},
  FULLY_REFUNDED: {},
};

/** The state an event leads to, or undefined when the event is not allowed from `from`. */
export function nextState(from: OrderState, event: OrderEvent): OrderState | undefined {
  return TRANSITIONS[from][event];
}

export function canApply(from: OrderState, event: OrderEvent): boolean {
  return nextState(from, event) !== undefined;
}

/** States in which captured money exists and can be refunded. */
export function isRefundable(state: OrderState): boolean {
  return canApply(state, 'refund_requested');
}
