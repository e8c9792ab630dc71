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
  | 'payment_method_not_supported';

import type { OrderState } from './order-state.js';

export interface HoldfastErrorDetails {
  field?: string;
  state?: OrderState;
  operation?: 'payment' | 'capture' | 'void' | 'refund' | 'authentication';
  limit?: number;
  /** What the order lacks for the operation (e.g. it was not created with pre_auth). */
  requires?: 'pre_auth';
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

export function notFound(what: string): HoldfastError {
  return new HoldfastError('not_found', `${what} not found`);
}

export function invalidState(operation: NonNullable<HoldfastErrorDetails['operation']>, state: OrderState): HoldfastError {
  return new HoldfastError('invalid_state', `cannot ${operation} an order in state ${state}`, { operation, state });
}
