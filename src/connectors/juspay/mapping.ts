/**
 * How the Juspay connector reads what the upstream answered: pure functions from an answer to an
 * outcome. Juspay's order status is authoritative over its transaction's and refunds' statuses
 * (docs/statuses.md lists every status Holdfast's own Juspay dialect answers). Nothing here
 * decides: a decline is a result, a status still moving or an answer that cannot be read is
 * `unknown`, and only the table below makes a decline worth trying elsewhere.
 */
import { Value } from '@sinclair/typebox/value';
import type { Static, TSchema } from '@sinclair/typebox';
import { DECLINE_CODES, type AuthorizeOutcome, type DeclineCode, type GatewayDetails, type OperationOutcome } from '../gateway.js';
import type { Exchange } from './transport.js';
import { DUPLICATE_CALL, JuspayError, type JuspayOrder } from './wire.js';

export interface MappingContext {
  /** The gateway account's name: the gateway named in details when the upstream names none. */
  accountName: string;
}

/**
 * Refusals that say nothing about the card: the upstream would not take the request from this
 * account at all, so another gateway may be tried (docs/failover.md). Card errors are never here,
 * and neither is a 5xx: that one may have been acted on, so it is unknown, not a decline.
 */
const RETRYABLE_REFUSALS: Readonly<Record<number, string>> = {
  401: "the upstream refused the account's API key: the account's configuration",
  403: 'the upstream does not allow the call for this account: its configuration',
  404: 'the upstream has no such endpoint or order for the account: its base URL or merchant id',
  429: 'the upstream is throttling the account: its capacity, not the card',
};

/** Statuses of an order whose authorization was approved, whatever happened to it since. */
const APPROVED_STATUSES: ReadonlySet<string> = new Set([
  'CHARGED',
  'SUCCESS',
  'AUTHORIZED',
  'PARTIAL_CHARGED',
  'CAPTURE_INITIATED',
  'CAPTURE_FAILED',
  'VOID_INITIATED',
  'VOIDED',
  'VOID_FAILED',
]);

/** Failure statuses and the decline each reads as when the upstream's own code is not one of ours. */
const DECLINE_BY_STATUS: Readonly<Record<string, DeclineCode>> = {
  AUTHENTICATION_FAILED: 'USER_AUTHENTICATION_FAILED',
  AUTHORIZATION_FAILED: 'PAYMENT_DECLINED',
  DECLINED: 'PAYMENT_DECLINED',
  // Juspay refused what was sent before any bank saw it: the card details, as far as it says.
  JUSPAY_DECLINED: 'INVALID_CARD',
  // Juspay returned a late success itself: nothing is held, as for a decline.
  AUTO_REFUNDED: 'PAYMENT_DECLINED',
};

const OUR_DECLINE_CODES: ReadonlySet<string> = new Set<string>(DECLINE_CODES);

export const NO_SUCH_AUTHORIZATION = 'No such authorization at the gateway';

/** A non-empty string, or undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The answer's body when it is a 2xx whose body has the schema's shape. */
export function bodyOf<T extends TSchema>(schema: T, exchange: Exchange): Static<T> | undefined {
  if (exchange.kind !== 'answer' || exchange.status < 200 || exchange.status > 299) return undefined;
  return Value.Check(schema, exchange.body) ? exchange.body : undefined;
}

/** Why an exchange gave no usable answer, for an `unknown` outcome. */
export function unusable(exchange: Exchange, what: string): string {
  if (exchange.kind === 'no_answer') return exchange.reason;
  if (exchange.status >= 200 && exchange.status <= 299) return `juspay answered ${what} with a body it does not recognise`;
  return `juspay answered ${what} with HTTP ${exchange.status}`;
}

/** A 4xx that refuses the request: nothing was done. 408 only says "not now". */
export function isRefusal(exchange: Exchange): exchange is Extract<Exchange, { kind: 'answer' }> {
  return exchange.kind === 'answer' && exchange.status >= 400 && exchange.status <= 499 && exchange.status !== 408;
}

/**
 * A 4xx refusing a capture, void or refund. A throttled one (429) is not refused, only put off:
 * unknown, asked about again later. (An authorization's 429 is a retryable decline instead: no card went through.)
 */
export function isOperationRefusal(exchange: Exchange): exchange is Extract<Exchange, { kind: 'answer' }> {
  return isRefusal(exchange) && exchange.status !== 429;
}

/** The upstream's error code and message from a refusal. */
export function refusalOf(exchange: { status: number; body: unknown }): { code: string; message: string; fields: string[] } {
  const body = Value.Check(JuspayError, exchange.body) ? exchange.body : undefined;
  return {
    code: text(body?.error_code) ?? text(body?.status) ?? `HTTP_${exchange.status}`,
    message: text(body?.error_message) ?? `Juspay refused the request with HTTP ${exchange.status}`,
    fields: body?.error_info?.fields?.map((f) => f.field_name) ?? [],
  };
}

/** Juspay's `duplicate.call`: a `unique_request_id` or `idempotence_key` it has already seen. */
export function isDuplicateCall(exchange: Extract<Exchange, { kind: 'answer' }>): boolean {
  const body = Value.Check(JuspayError, exchange.body) ? exchange.body : undefined;
  return body?.error_code === DUPLICATE_CALL || body?.error_info?.code === 'DUPLICATE_REQUEST';
}

/**
 * An answer in which Juspay says the order does not exist: its NOT_FOUND body (status 40; HTTP 404,
 * or 400 on refunds). A bare 404 (a proxy's page, a wrong path) says nothing about the order, and
 * reading it as "no order" could end an attempt that was authorized.
 */
export function isOrderNotFound(exchange: Exchange): boolean {
  if (exchange.kind !== 'answer' || exchange.status < 400 || exchange.status > 499) return false;
  if (exchange.body === null || typeof exchange.body !== 'object') return false;
  const body = exchange.body as { status?: unknown; status_id?: unknown; error_code?: unknown };
  return body.status === 'NOT_FOUND' || String(body.status_id) === '40' || body.error_code === 'not_found';
}

function details(order: JuspayOrder | undefined, context: MappingContext): GatewayDetails {
  const response = order?.payment_gateway_response ?? undefined;
  return {
    gateway: text(order?.txn_detail?.gateway) ?? text(order?.gateway_id) ?? `juspay:${context.accountName}`,
    responseCode: text(response?.resp_code) ?? text(order?.bank_error_code) ?? null,
    responseMessage: text(response?.resp_message) ?? text(order?.bank_error_message) ?? null,
  };
}

/**
 * What an upstream order says of its authorization (after `POST /txns`, on an inquiry, after the
 * customer's return from 3-D Secure). Statuses still moving — no transaction yet, 3-D Secure
 * under way, the bank not yet answered — are unknown: the order is read again later. An order
 * that ended without any transaction is "no such authorization".
 */
export function authorizationFromOrder(order: JuspayOrder, context: MappingContext): AuthorizeOutcome {
  const reference = order.order_id;
  const status = order.status;
  const response = order.payment_gateway_response ?? undefined;
  if (APPROVED_STATUSES.has(status)) {
    return {
      kind: 'approved',
      connectorReference: reference,
      approvalCode: text(response?.auth_id_code) ?? '',
      rrn: text(response?.rrn) ?? '',
      acquirerReference: text(response?.epg_txn_id) ?? text(order.txn_uuid) ?? '',
      details: details(order, context),
    };
  }
  const fallback = DECLINE_BY_STATUS[status];
  if (status === 'NOT_FOUND' || (fallback && !text(order.txn_uuid))) {
    return { kind: 'declined', connectorReference: null, code: 'PAYMENT_DECLINED', message: NO_SUCH_AUTHORIZATION };
  }
  if (fallback) {
    const upstreamCode = text(order.bank_error_code) ?? text(order.txn_detail?.error_code) ?? text(response?.resp_code);
    const code =
      status !== 'AUTHENTICATION_FAILED' && upstreamCode && OUR_DECLINE_CODES.has(upstreamCode) ? (upstreamCode as DeclineCode) : fallback;
    const message =
      text(order.bank_error_message) ?? text(order.txn_detail?.error_message) ?? text(response?.resp_message) ?? `Juspay order ${status}`;
    return { kind: 'declined', connectorReference: reference, code, message, details: details(order, context) };
  }
  return { kind: 'unknown', connectorReference: reference, reason: `juspay order ${reference} is ${status}` };
}

/** A refusal of an authorization's call (the order or the transaction): nothing was authorized. */
export function refusedAuthorization(
  exchange: { status: number; body: unknown },
  connectorReference: string | null,
  context: MappingContext,
): AuthorizeOutcome {
  const { code, message, fields } = refusalOf(exchange);
  const retryable = exchange.status in RETRYABLE_REFUSALS;
  return {
    kind: 'declined',
    connectorReference,
    // A refusal naming a card field is about the card; any other is the request's.
    code: fields.some((field) => field.startsWith('card_')) ? 'INVALID_CARD' : 'PAYMENT_DECLINED',
    message,
    ...(retryable ? { retryable: true } : {}),
    details: { gateway: `juspay:${context.accountName}`, responseCode: code, responseMessage: message },
  };
}

/** Whether an order still takes its first transaction (created, nothing sent yet). */
export const awaitsTransaction = (order: JuspayOrder): boolean => order.status === 'NEW' || order.status === 'CREATED';

/** The reference an operation on the order's transaction is known by at Juspay. */
const transactionReference = (order: JuspayOrder): string => text(order.txn_uuid) ?? order.order_id;

const notFound = (what: string): OperationOutcome => ({ kind: 'failed', code: 'NOT_FOUND', message: `Juspay has no ${what} of ours` });

/**
 * A capture as the order shows it. Juspay captures a transaction once, so the order's capture is
 * ours. `afterCall`: read right after our capture call, where an order still AUTHORIZED means the
 * upstream's own gateway has not answered (unknown); on an inquiry it means no capture arrived.
 */
export function captureFromOrder(order: JuspayOrder, afterCall: boolean): OperationOutcome {
  switch (order.status) {
    case 'CHARGED':
    case 'SUCCESS':
    case 'PARTIAL_CHARGED':
      return { kind: 'succeeded', gatewayReference: transactionReference(order) };
    case 'CAPTURE_INITIATED':
      return { kind: 'pending', gatewayReference: transactionReference(order) };
    case 'CAPTURE_FAILED':
      return {
        kind: 'failed',
        code: text(order.bank_error_code) ?? 'CAPTURE_FAILED',
        message: text(order.bank_error_message) ?? text(order.payment_gateway_response?.resp_message) ?? 'Capture failed',
      };
    default:
      return afterCall
        ? { kind: 'unknown', reason: `juspay order ${order.order_id} is ${order.status} after the capture` }
        : notFound('capture');
  }
}

/** A void as the order shows it (see captureFromOrder for `afterCall`). */
export function voidFromOrder(order: JuspayOrder, afterCall: boolean): OperationOutcome {
  switch (order.status) {
    case 'VOIDED':
      return { kind: 'succeeded', gatewayReference: transactionReference(order) };
    case 'VOID_INITIATED':
      return { kind: 'pending', gatewayReference: transactionReference(order) };
    case 'VOID_FAILED':
      return {
        kind: 'failed',
        code: text(order.bank_error_code) ?? 'VOID_FAILED',
        message: text(order.bank_error_message) ?? text(order.payment_gateway_response?.resp_message) ?? 'Void failed',
      };
    default:
      return afterCall ? { kind: 'unknown', reason: `juspay order ${order.order_id} is ${order.status} after the void` } : notFound('void');
  }
}

/**
 * The release of a partial capture's remainder, as the order shows it. Juspay's capture closes the
 * authorization: a partially captured order is PARTIAL_CHARGED with its transaction CHARGED
 * (docs/statuses.md), and a charged transaction takes no void, so the gateway itself released
 * what was not captured and there is nothing to send. An order not (yet) showing the capture
 * cannot say that the remainder went back: unknown until it does.
 */
export function remainderFromOrder(order: JuspayOrder): OperationOutcome {
  switch (order.status) {
    case 'PARTIAL_CHARGED':
    case 'CHARGED':
    case 'SUCCESS':
      return { kind: 'succeeded', gatewayReference: transactionReference(order) };
    case 'CAPTURE_INITIATED':
      return { kind: 'pending', gatewayReference: transactionReference(order) };
    default:
      return { kind: 'unknown', reason: `juspay order ${order.order_id} is ${order.status}: its capture has not closed the authorization` };
  }
}

/** One refund as the order's `refunds[]` shows it, found by its `unique_request_id` (see captureFromOrder for `afterCall`). */
export function refundFromOrder(order: JuspayOrder, uniqueRequestId: string, afterCall: boolean): OperationOutcome {
  const refund = order.refunds?.find((r) => r.unique_request_id === uniqueRequestId);
  if (!refund) {
    return afterCall
      ? { kind: 'unknown', reason: `juspay order ${order.order_id} does not list refund ${uniqueRequestId}` }
      : notFound('refund');
  }
  const reference = text(refund.ref) ?? text(refund.id) ?? uniqueRequestId;
  switch (refund.status) {
    case 'SUCCESS':
      return { kind: 'succeeded', gatewayReference: reference };
    case 'FAILURE':
      return {
        kind: 'failed',
        code: text(refund.error_code) ?? 'REFUND_FAILED',
        message: text(refund.error_message) ?? 'The refund failed at the upstream',
      };
    default:
      // PENDING, MANUAL_REVIEW and any sub-status: accepted, not yet final.
      return { kind: 'pending', gatewayReference: reference };
  }
}
