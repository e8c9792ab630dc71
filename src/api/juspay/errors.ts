import type { HoldfastError } from '../../domain/errors.js';
import { RenderedError, type ErrorRenderers } from '../error-handler.js';
import { JUSPAY_STATUS_IDS, juspayStatusForState } from './status.js';

/** Which Juspay call failed: the same catalogue error reads differently on a refund than on a capture. */
export type JuspayOperation = 'order' | 'txn' | 'capture' | 'void' | 'refund' | 'status';

export interface JuspayErrorAnswer {
  status: number;
  body: Record<string, unknown>;
}

const USER_MESSAGE = 'Invalid request params. Please verify your input.';

function badRequest(message: string, code: string, field?: string, errorCode = 'Invalid'): JuspayErrorAnswer {
  return {
    status: 400,
    body: {
      status: 'Bad Request',
      error_code: errorCode,
      error_message: message,
      error_info: {
        code,
        category: 'USER_ERROR',
        user_message: USER_MESSAGE,
        developer_message: message,
        ...(field ? { fields: [{ field_name: field, reason: message }] } : {}),
      },
    },
  };
}

/** Juspay documents no body for HTTP 429: its 4xx shape, as for a bad request, with Retry-After's delay in words. */
function tooManyRequests(retryAfterSeconds = 1): Record<string, unknown> {
  const message = `Too many requests: try again in ${retryAfterSeconds} seconds`;
  return {
    status: 'Too Many Requests',
    error_code: 'too_many_requests',
    error_message: message,
    error_info: {
      code: 'TOO_MANY_REQUESTS',
      category: 'USER_ERROR',
      user_message: 'Too many requests. Please try again later.',
      developer_message: message,
    },
  };
}

const refundError = (message: string, code: string): JuspayErrorAnswer => ({
  status: 400,
  body: { status_id: -1, status: 'ERROR', error_message: message, error_code: code },
});

/** "Cannot Capture X Transaction", the refusal of a capture or void on a transaction in status X. */
export function refusalMessage(operation: 'capture' | 'void', status: string): string {
  // An operation in flight reads as its *_INITIATED status: Juspay's documented wording, which clients match on.
  if (operation === 'capture') return status === 'CHARGED' ? 'Cannot capture charged transaction' : `Cannot Capture ${status} Transaction`;
  return `Cannot Void ${status} Transaction`;
}

/** A refusal decided in the dialect (it knows the transaction's own status); rendered as is. */
export function refusal(operation: 'capture' | 'void', txnStatus: string): RenderedError {
  const message = refusalMessage(operation, txnStatus);
  return new RenderedError(badRequest(message, 'INVALID_INPUT'), message);
}

/** The one place catalogue errors become Juspay status codes and bodies (error codes: docs/statuses.md). */
export function juspayError(error: HoldfastError, operation: JuspayOperation, orderId?: string): JuspayErrorAnswer {
  const { field, state } = error.details;
  switch (error.code) {
    case 'unauthenticated':
      return { status: 401, body: { status: 'error', error_code: 'access_denied', error_message: 'Invalid Authentication' } };
    case 'rate_limited':
      return { status: 429, body: tooManyRequests(error.details.retryAfterSeconds) };
    case 'not_found':
      return {
        // Juspay answers an unknown order on the refund call with HTTP 400, not 404.
        status: operation === 'refund' ? 400 : 404,
        body: {
          status: 'NOT_FOUND',
          status_id: JUSPAY_STATUS_IDS.NOT_FOUND,
          ...(orderId ? { order_id: orderId } : {}),
          error_code: 'not_found',
          error_message: operation === 'capture' || operation === 'void' ? 'Transaction not found' : 'Order not found',
        },
      };
    case 'missing_field':
      return badRequest(error.message, 'MISSING_MANDATORY_PARAMETER', field, 'Mandatory fields are missing');
    case 'invalid_input':
      if (operation === 'refund' && field === 'amount') return refundError('Amount is invalid.', 'invalid amount');
      return badRequest(error.message, 'INVALID_INPUT', field);
    case 'amount_exceeded':
      if (operation === 'refund') return refundError('Refund amount exceeds the refundable amount.', 'invalid.amount.exceeded');
      return badRequest(error.message, 'INVALID_INPUT', field);
    case 'idempotency_conflict':
      if (operation === 'refund')
        return refundError('A refund call was already completed with this unique_request_id for the order.', 'duplicate.call');
      return badRequest(error.message, 'DUPLICATE_REQUEST', field, 'duplicate.call');
    case 'capture_window_expired':
      return badRequest('Cannot capture: the capture window has expired and the authorization was voided', 'EXPIRED');
    case 'payment_method_not_supported':
      return badRequest(error.message, 'INVALID_INPUT', field);
    case 'payment_closed':
      // EXPIRED: Juspay's error code for an identifier that has expired, an order id among them (docs/order-expiry.md).
      return error.details.closedReason === 'expired'
        ? badRequest('Order has expired: it takes no more transactions', 'EXPIRED')
        : badRequest(error.message, 'INVALID_INPUT');
    case 'unavailable':
      // The shape of Juspay's other 5xx answers, which its SDK raises as APIError (docs/database-faults.md).
      return {
        status: 503,
        body: {
          status: 'error',
          error_code: 'service_unavailable',
          error_message: 'Service temporarily unavailable. Please try again later',
        },
      };
    case 'invalid_state': {
      const status = state ? juspayStatusForState(state) : 'UNKNOWN';
      if (operation === 'refund') return refundError('Cannot process unsuccessful order.', 'invalid.order.not_successful');
      if (operation === 'capture' || operation === 'void') return badRequest(refusalMessage(operation, status), 'INVALID_INPUT');
      return badRequest(`Cannot start a transaction on an order in status ${status}`, 'INVALID_INPUT');
    }
  }
}

/** A client-side HTTP problem (malformed URL or body) in Juspay's shape. */
export const juspayClientError = (message: string) => ({ status: 'Bad Request', error_code: 'invalid_request', error_message: message });

/** How the dialect's error handler words each failure: every answer is JSON in Juspay's shape, never with internals. */
export const juspayErrors: ErrorRenderers = {
  catalogue: (error, request) =>
    juspayError(
      error,
      request.routeOptions.config.juspayOperation ?? 'order',
      (request.params as { order_id?: string } | undefined)?.order_id,
    ),
  client: juspayClientError,
  internal: () => ({ status: 'error', error_code: 'internal_error', error_message: 'Internal Server Error' }),
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which Juspay call a route is, for error wording. */
    juspayOperation?: JuspayOperation;
  }
}
