import { HoldfastError } from '../../domain/errors.js';
import type { ErrorRenderers } from '../error-handler.js';
import { pineLabsOrderStatus } from './status.js';

/** Pine Labs error body (error codes: docs/statuses.md): `{code, message, additional_error_details?}`. */
export interface PineLabsError {
  status: number;
  body: { code: string; message: string; additional_error_details?: Record<string, unknown> };
}

const NOT_ALLOWED = 'The specified operation cannot be made because required precondition has failed';

/** The one place catalogue errors become Pine Labs status codes and bodies. */
export function pineLabsError(error: HoldfastError): PineLabsError {
  const { field, state, operation } = error.details;
  switch (error.code) {
    case 'invalid_input':
    case 'missing_field':
    case 'amount_exceeded':
      return {
        status: 400,
        body: { code: 'INVALID_REQUEST', message: error.message, ...(field ? { additional_error_details: { field } } : {}) },
      };
    case 'not_found':
      // The reference documents no code of its own for a missing payment link: the one "not found" code it has.
      if (error.details.resource === 'payment_link') {
        return {
          status: 404,
          body: { code: 'ORDER_NOT_FOUND', message: 'No payment link with specified payment-link-id exists in the system' },
        };
      }
      return { status: 404, body: { code: 'ORDER_NOT_FOUND', message: 'No order with specified order-id exists in the system' } };
    case 'payment_closed':
      return error.details.closedReason === 'cancelled'
        ? { status: 422, body: { code: 'ORDER_CANCELLED', message: 'The payment link was cancelled: the order takes no more payments' } }
        : { status: 422, body: { code: 'PAYMENT_EXPIRED', message: 'The order has expired: it takes no more payments' } };
    case 'unauthenticated':
      return { status: 401, body: { code: 'UNAUTHORIZED', message: error.message } };
    case 'rate_limited':
      return {
        status: 429,
        body: {
          code: 'API_RATE_LIMIT',
          message: 'The request was rejected because the client has sent too many requests in a given time window',
        },
      };
    case 'idempotency_conflict':
      return {
        status: 422,
        body: { code: 'DUPLICATE_REQUEST', message: error.message, ...(field ? { additional_error_details: { field } } : {}) },
      };
    case 'capture_window_expired':
      return { status: 422, body: { code: 'PAYMENT_EXPIRED', message: 'The payment has expired and cannot be modified further' } };
    case 'payment_method_not_supported':
      return { status: 422, body: { code: 'PAYMENT_METHOD_NOT_ENABLED', message: error.message } };
    case 'unavailable':
      // Pine Labs names no code for a 503: Holdfast's own, in the dialect's shape (docs/database-faults.md).
      return {
        status: 503,
        body: { code: 'SERVICE_UNAVAILABLE', message: 'The service is temporarily unavailable. Please try again later' },
      };
    case 'invalid_state': {
      if (error.details.linkStatus) {
        const verb = operation === 'notify_link' ? 'notify' : 'cancel';
        return {
          status: 422,
          body: {
            code: 'OPERATION_NOT_ALLOWED',
            message: `${NOT_ALLOWED}: cannot ${verb} a payment link in status ${error.details.linkStatus}`,
          },
        };
      }
      const status = state ? pineLabsOrderStatus(state) : undefined;
      if (status === 'CANCELLED') {
        return {
          status: 422,
          body: { code: 'ORDER_CANCELLED', message: 'The order has already been cancelled and cannot be modified further' },
        };
      }
      const verb = operation === 'void' ? 'cancel' : (operation ?? 'modify');
      return {
        status: 422,
        body: {
          code: 'OPERATION_NOT_ALLOWED',
          message: `${NOT_ALLOWED}: cannot ${verb} an order in status ${status ?? 'UNKNOWN'}${error.details.requires === 'pre_auth' ? ' (the order was not created with pre_auth)' : ''}`,
        },
      };
    }
  }
}

/** Core names a field neutrally (`amount`); the route says what the client called it (`order_amount.value`). */
function withWireField(error: HoldfastError, wireFields: Record<string, string> | undefined): HoldfastError {
  const field = error.details.field;
  const wire = field && wireFields?.[field];
  return wire ? new HoldfastError(error.code, error.message, { ...error.details, field: wire }) : error;
}

/** A client-side HTTP problem (malformed URL or body) in Pine Labs' shape. */
export const pineLabsClientError = (message: string) => ({ code: 'INVALID_REQUEST', message });

/** How the dialect's error handler words each failure: every one leaves in Pine Labs' shape, never with internals. */
export const pineLabsErrors: ErrorRenderers = {
  catalogue: (error, request) => pineLabsError(withWireField(error, request.routeOptions.config.wireFields)),
  client: pineLabsClientError,
  internal: () => ({ code: 'INTERNAL_ERROR', message: 'Internal Server Error' }),
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Core field name → the request's own field name, for error bodies. */
    wireFields?: Record<string, string>;
  }
}
