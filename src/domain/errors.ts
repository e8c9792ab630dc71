/**
 * The one error catalogue. Core raises these; each dialect renders them in its own shape in one
 * place (api/<dialect>/errors.ts). Codes are stable; messages are for people.
 */
export type ErrorCode =
  /** Input failed validation; `field` names it. */
  | 'invalid_input'
  /** A field the request must carry is absent or empty; `field` names it. */
  | 'missing_field'
  /** The resource does not exist for this merchant (also: it belongs to another merchant). */
  | 'not_found'
  /** Missing, malformed, expired or forged credentials. */
  | 'unauthenticated'
  /** An idempotency key was reused with a different request. */
  | 'idempotency_conflict'
  /** The operation is not allowed in the order's current state; `state` names it. */
  | 'invalid_state'
  /** An amount exceeds what the order allows (capture above authorized, refund above refundable). */
  | 'amount_exceeded'
  /** The capture window has closed; the authorization has been released. */
  | 'capture_window_expired'
  /** The payment method is valid but not offered by this gateway. */
  | 'payment_method_not_supported'
  /** The order takes no more payments: it expired unpaid, or its payment link was cancelled; `closedReason` says which. */
  | 'payment_closed'
  /**
   * The request could not be completed now (the database is unreachable or did not answer in
   * time); sending the same request again later is safe. `retryAfterSeconds` says when.
   */
  | 'unavailable'
  /** Too many requests (or failed authentications) in the limit's window; `retryAfterSeconds` says when to try again. */
  | 'rate_limited';

import type { PaymentClosedReason } from './order.js';
import type { OrderState } from './order-state.js';

export interface HoldfastErrorDetails {
  field?: string;
  state?: OrderState;
  operation?: 'payment' | 'capture' | 'void' | 'refund' | 'authentication' | 'cancel_link' | 'notify_link';
  limit?: number;
  /** What the order lacks for the operation (e.g. it was not created with pre_auth). */
  requires?: 'pre_auth';
  /** Why the order takes no more payments (`payment_closed`). */
  closedReason?: PaymentClosedReason;
  /** A payment link's status, when a link operation is refused in it (`invalid_state`). */
  linkStatus?: string;
  /** What was not found, when it is not an order. */
  resource?: 'payment_link';
  /** When to try again, for the `Retry-After` header (`unavailable`, `rate_limited`). */
  retryAfterSeconds?: number;
}

export class HoldfastError extends Error {
  readonly code: ErrorCode;
  readonly details: HoldfastErrorDetails;

  constructor(code: ErrorCode, message: string, details: HoldfastErrorDetails = {}) {
    super(message);
    this.name = 'HoldfastError';
    this.code = code;
    this.details = details;
  }
}

export function invalidInput(field: string, message: string): HoldfastError {
  return new HoldfastError('invalid_input', message, { field });
}

export function missingField(field: string, message = `${field} is required`): HoldfastError {
  return new HoldfastError('missing_field', message, { field });
}

export function notFound(what: string, resource?: 'payment_link'): HoldfastError {
  return new HoldfastError('not_found', `${what} not found`, resource ? { resource } : {});
}

/** A payment on an order closed for payment (it expired unpaid, or its payment link was cancelled). */
export function paymentClosed(reason: PaymentClosedReason): HoldfastError {
  return new HoldfastError(
    'payment_closed',
    reason === 'expired'
      ? 'the order has expired: it takes no more payments'
      : 'the order takes no more payments: its payment link was cancelled',
    { operation: 'payment', closedReason: reason },
  );
}

export function invalidState(operation: NonNullable<HoldfastErrorDetails['operation']>, state: OrderState): HoldfastError {
  return new HoldfastError('invalid_state', `cannot ${operation} an order in state ${state}`, { operation, state });
}

/** A request over one of the request limits (docs/rate-limits.md). */
export function rateLimited(retryAfterSeconds: number): HoldfastError {
  return new HoldfastError('rate_limited', 'Too many requests: try again later', { retryAfterSeconds: Math.max(1, retryAfterSeconds) });
}

/** How long a client is told to wait before sending a request again after an `unavailable` answer. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/**
 * The database could not be reached or did not answer in time. Whether a write sent just before
 * took effect is unknown; the same request sent again is answered once (docs/database-faults.md).
 */
export function unavailable(cause?: unknown): HoldfastError {
  const error = new HoldfastError('unavailable', 'The service is temporarily unavailable: try again shortly', {
    retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
  });
  if (cause !== undefined) error.cause = cause;
  return error;
}

/** Whether `error` is the catalogue's `unavailable`: nothing was decided, the same request may be sent again. */
export function isUnavailable(error: unknown): error is HoldfastError {
  return error instanceof HoldfastError && error.code === 'unavailable';
}
