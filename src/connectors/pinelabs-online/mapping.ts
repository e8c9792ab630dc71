/**
 * How the Pine Labs Online connector reads the upstream's answers: pure functions from an answer
 * to an outcome, deciding nothing (docs/failover.md). The authorization is read from the upstream's
 * *payment* (ours: the one whose merchant_payment_reference is our payment id), not from the order
 * around it; captures, voids and refunds from what the order shows of them.
 */
import type { AuthorizeOutcome, DeclineCode, GatewayDetails, OperationOutcome } from '../gateway.js';
import { errorOf, paymentOf, type Order, type PaymentItem } from './wire.js';

/**
 * Upstream error codes that say the gateway cannot take this payment for reasons of its own — it
 * is down, overloaded or not set up for this account — and nothing about the card, so a declined
 * authorization may be tried at another gateway (`retryable`, docs/failover.md). Every other code
 * is a hard decline.
 */
export const GATEWAY_SIDE_ERROR_CODES: ReadonlySet<string> = new Set([
  // Our client credentials refused, the account at the upstream disabled, or missing from the account's configuration.
  'UNAUTHORIZED',
  'HTTP_401',
  'HTTP_403',
  'CREDENTIALS_MISSING',
  'BASE_URL_MISSING',
  // Cards are not enabled for the merchant at the upstream.
  'PAYMENT_METHOD_NOT_ENABLED',
  // The upstream throttles this account's API calls (not PAYMENT_RATE_LIMIT: that one counts the card's attempts).
  'API_RATE_LIMIT',
  // The upstream's processor failed the payment for its own unavailability ("Payment processor is unavailable").
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
  'TIMED_OUT',
]);

/** The upstream's decline codes that have a closer one of ours than PAYMENT_DECLINED. */
const DECLINE_CODES: Readonly<Record<string, DeclineCode>> = {
  PAYMENT_DECLINED: 'PAYMENT_DECLINED',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  CARD_EXPIRED: 'CARD_EXPIRED',
  USER_AUTHENTICATION_FAILED: 'USER_AUTHENTICATION_FAILED',
  USER_AUTHENTICATION_REQUIRED: 'USER_AUTHENTICATION_FAILED',
  CARD_NOT_ENROLLED: 'USER_AUTHENTICATION_FAILED',
  INVALID_INSTRUMENT: 'INVALID_CARD',
  INVALID_CARDHOLDER: 'INVALID_CARD',
  CARD_VERIFICATION_FAILED: 'INVALID_CARD',
  CARD_NOT_ALLOWED: 'INVALID_CARD',
  ISSUER_NOT_SUPPORTED: 'INVALID_CARD',
};

/** Ours for an upstream code; a request refused for a field of the card's is an invalid card. */
function declineCodeOf(code: string, field: string | null): DeclineCode {
  if (code === 'INVALID_REQUEST' && field?.includes('card_details')) return 'INVALID_CARD';
  return DECLINE_CODES[code] ?? 'PAYMENT_DECLINED';
}

/** The decline of an upstream code and message, with what the upstream said kept verbatim in `details`. */
export function declined(
  connectorReference: string | null,
  upstream: { code: string; message: string | null; field?: string | null },
  gateway: string,
): AuthorizeOutcome {
  return {
    kind: 'declined',
    connectorReference,
    code: declineCodeOf(upstream.code, upstream.field ?? null),
    message: upstream.message || upstream.code,
    ...(GATEWAY_SIDE_ERROR_CODES.has(upstream.code) ? { retryable: true } : {}),
    details: { gateway, responseCode: upstream.code, responseMessage: upstream.message },
  };
}

/** A 4xx answer to the create-order or payment call: the upstream refused it and authorized nothing. */
export function refusedAuthorization(connectorReference: string | null, answer: { status: number; body: unknown }, gateway: string) {
  return declined(connectorReference, errorOf(answer.status, answer.body), gateway);
}

/** What an authorization inquiry answers when the upstream has no such order, or no payment of ours on it. */
export const NO_SUCH_AUTHORIZATION = (connectorReference: string | null): AuthorizeOutcome => ({
  kind: 'declined',
  connectorReference,
  code: 'PAYMENT_DECLINED',
  message: 'No such authorization at the gateway',
});

export const unknownAuthorization = (connectorReference: string | null, reason: string): AuthorizeOutcome => ({
  kind: 'unknown',
  connectorReference,
  reason,
});

const text = (value: string | null | undefined) => value ?? '';

/**
 * The authorization of `paymentId` as the upstream's order shows it. `gateway`: our account's name
 * for `details`, used when the upstream names no acquirer of its own. Undefined when the order holds
 * no payment of ours (the caller says what that means where it is).
 */
export function authorizationOf(order: Order, paymentId: string, gateway: string): AuthorizeOutcome | undefined {
  const payment = paymentOf(order, paymentId);
  if (!payment) return undefined;
  const reference = order.order_id;
  switch (payment.status) {
    case 'AUTHORIZED':
    case 'PROCESSED': {
      const acquirer = payment.acquirer_data ?? null;
      return {
        kind: 'approved',
        connectorReference: reference,
        approvalCode: text(acquirer?.approval_code),
        rrn: text(acquirer?.rrn),
        acquirerReference: text(acquirer?.acquirer_reference),
        details: approvedDetails(payment, gateway),
      };
    }
    case 'PENDING':
      // The cardholder must authenticate at the upstream's own page; without one, the payment is simply not settled yet.
      return order.challenge_url
        ? { kind: 'challenge', connectorReference: reference, redirectUrl: order.challenge_url }
        : unknownAuthorization(reference, 'the upstream shows the payment PENDING with no challenge to complete');
    case 'FAILED': {
      const error = payment.error_detail ?? null;
      const code = error?.code || 'PAYMENT_DECLINED';
      return declined(reference, { code, message: error?.message ?? null }, gateway);
    }
    default:
      // CANCELLED: it was authorized and has since been released at the upstream; neither approved nor declined says that.
      return unknownAuthorization(reference, `the upstream shows the payment ${payment.status}`);
  }
}

function approvedDetails(payment: PaymentItem, gateway: string): GatewayDetails {
  const acquirerName = payment.acquirer_data?.acquirer_name;
  // A successful payment carries no response code at Pine Labs: its status is what the upstream answered.
  return { gateway: acquirerName || gateway, responseCode: payment.status, responseMessage: null };
}

/** A 4xx answer to a capture, cancel or refund: the upstream refused it and did nothing. */
export function refusedOperation(answer: { status: number; body: unknown }): OperationOutcome {
  const { code, message } = errorOf(answer.status, answer.body);
  return { kind: 'failed', code, message };
}

export const unknownOperation = (reason: string): OperationOutcome => ({ kind: 'unknown', reason });

export const NOT_FOUND: OperationOutcome = { kind: 'failed', code: 'NOT_FOUND', message: 'The upstream never received the operation' };

/** The capture `reference` as the order shows it; undefined when the order shows no such capture. */
export function captureOf(order: Order, paymentId: string, reference: string): OperationOutcome | undefined {
  const payment = paymentOf(order, paymentId);
  if (!payment?.capture_data?.some((c) => c.merchant_capture_reference === reference)) return undefined;
  switch (payment.status) {
    case 'PROCESSED':
      return { kind: 'succeeded', gatewayReference: order.order_id };
    case 'AUTHORIZED':
      // Taken but not yet settled at the upstream: the authorization still stands.
      return { kind: 'pending', gatewayReference: order.order_id };
    case 'FAILED':
      return {
        kind: 'failed',
        code: payment.error_detail?.code || 'CAPTURE_FAILED',
        message: payment.error_detail?.message || 'The upstream failed the capture',
      };
    default:
      return unknownOperation(`the upstream shows the captured payment ${payment.status}`);
  }
}

/**
 * The merchant's void (Pine Labs' cancel) as the order shows it; undefined when the order shows
 * none. Holdfast as the upstream also lists each release with its status (`reversal_data`), which
 * tells a void still pending or failed from one never received.
 */
export function voidOf(order: Order, paymentId: string): OperationOutcome | undefined {
  const payment = paymentOf(order, paymentId);
  if (!payment) return undefined;
  if (payment.status === 'CANCELLED' || order.status === 'CANCELLED') return { kind: 'succeeded', gatewayReference: order.order_id };
  const release = payment.reversal_data?.filter((r) => r.type === 'VOID').at(-1);
  return release ? releaseOutcome(release.status, order.order_id, 'VOID_FAILED') : undefined;
}

/**
 * The release of what a partial capture left held. Pine Labs releases it itself on the partial
 * capture ("any remaining amount will be auto-reversed"), so it is done when the order shows the
 * capture settled for exactly the authorized amount less `remainder`; Holdfast as the upstream also
 * lists that release with its own status, which is then read instead.
 */
export function remainderReleaseOf(order: Order, paymentId: string, remainder: number): OperationOutcome {
  const payment = paymentOf(order, paymentId);
  if (!payment) return unknownOperation('the upstream order shows no payment of ours');
  const release = payment.reversal_data?.find((r) => r.type === 'AUTO_REVERSAL' && r.reversal_amount?.value === remainder);
  if (release) return releaseOutcome(release.status, order.order_id, 'REVERSAL_FAILED');
  const captured = (payment.capture_data ?? []).reduce((sum, c) => sum + (c.capture_amount?.value ?? 0), 0);
  const authorized = payment.payment_amount?.value;
  if (authorized === undefined || captured === 0 || authorized - captured !== remainder) {
    return unknownOperation(`the upstream order shows no partial capture leaving ${remainder} to release`);
  }
  if (payment.status === 'PROCESSED') return { kind: 'succeeded', gatewayReference: order.order_id };
  if (payment.status === 'AUTHORIZED') return { kind: 'pending', gatewayReference: order.order_id };
  return unknownOperation(`the upstream shows the partially captured payment ${payment.status}`);
}

function releaseOutcome(status: string, gatewayReference: string, failedCode: string): OperationOutcome {
  if (status === 'PROCESSED') return { kind: 'succeeded', gatewayReference };
  if (status === 'PENDING') return { kind: 'pending', gatewayReference };
  if (status === 'FAILED') return { kind: 'failed', code: failedCode, message: 'The upstream failed to release the held amount' };
  return unknownOperation(`the upstream shows the release ${status}`);
}

/** A refund, as its own order of type REFUND shows it. */
export function refundOf(refund: Order): OperationOutcome {
  switch (refund.status) {
    case 'PROCESSED':
      return { kind: 'succeeded', gatewayReference: refund.order_id };
    case 'CREATED':
    case 'PENDING':
      return { kind: 'pending', gatewayReference: refund.order_id };
    case 'FAILED': {
      const error = refund.payments?.[0]?.error_detail ?? null;
      return { kind: 'failed', code: error?.code || 'REFUND_FAILED', message: error?.message || 'The upstream failed the refund' };
    }
    default:
      return unknownOperation(`the upstream shows the refund ${refund.status}`);
  }
}
