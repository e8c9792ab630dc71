/**
 * How the http-acquirer connector reads what the acquirer answered (or did not): pure functions
 * from one HTTP exchange to an outcome. What cannot be known is said so: no answer (a timeout, a
 * reset connection), a 5xx (or 408/429) or a body it cannot read leaves the outcome `unknown`. A
 * 4xx is the acquirer refusing the request, so nothing was done: `failed` (operations) or
 * `declined` (authorizations), with the acquirer's code.
 */
import { Value } from '@sinclair/typebox/value';
import { DECLINE_CODES, type AuthorizeOutcome, type DeclineCode, type OperationOutcome } from '../gateway.js';
import { AuthorizationAnswer, ErrorAnswer, NOT_RECEIVED, OperationAnswer } from './protocol.js';

/** What came back from one request: an HTTP answer (its body parsed if it was JSON), or nothing usable. */
export type Exchange = { kind: 'answer'; status: number; body: unknown } | { kind: 'no_answer'; reason: string };

const KNOWN_DECLINE_CODES: ReadonlySet<string> = new Set<string>(DECLINE_CODES);

/**
 * The answer to an authorization, an authentication or an authorization inquiry.
 * `connectorReference`: what an unknown outcome carries (the reference we already had, if any);
 * `refusedCode`: the decline code of a 4xx whose code is not one of ours.
 */
export function authorizationOutcome(
  exchange: Exchange,
  context: { connectorReference: string | null; refusedCode: DeclineCode },
): AuthorizeOutcome {
  const unknown = (reason: string): AuthorizeOutcome => ({ kind: 'unknown', connectorReference: context.connectorReference, reason });
  if (exchange.kind === 'no_answer') return unknown(exchange.reason);
  if (isRefusal(exchange.status)) {
    const { code, message } = refusal(exchange);
    return { kind: 'declined', connectorReference: context.connectorReference, ...declineCode(code, message, context.refusedCode) };
  }
  if (exchange.status !== 200) return unknown(`acquirer answered HTTP ${exchange.status}`);
  if (!Value.Check(AuthorizationAnswer, exchange.body)) return unknown('acquirer answered HTTP 200 with a body it does not recognise');
  const answer = exchange.body;
  switch (answer.outcome) {
    case 'approved':
      return {
        kind: 'approved',
        connectorReference: answer.reference,
        approvalCode: answer.approval_code,
        rrn: answer.rrn,
        acquirerReference: answer.acquirer_reference,
      };
    case 'challenge':
      return { kind: 'challenge', connectorReference: answer.reference };
    case 'declined':
      return { kind: 'declined', connectorReference: answer.reference, ...declineCode(answer.code, answer.message, 'PAYMENT_DECLINED') };
  }
}

/**
 * The answer to an authorization inquiry: a 404 that says "never received" means no authorization
 * was made; any other refusal is of the inquiry, not of the authorization, so the outcome stays unknown.
 */
export function authorizationInquiryOutcome(exchange: Exchange, connectorReference: string | null): AuthorizeOutcome {
  if (exchange.kind === 'answer' && exchange.status === 404 && errorCode(exchange.body) === NOT_RECEIVED.authorization) {
    return { kind: 'declined', connectorReference: null, code: 'PAYMENT_DECLINED', message: 'No such authorization at the gateway' };
  }
  if (exchange.kind === 'answer' && exchange.status !== 200) {
    return { kind: 'unknown', connectorReference, reason: `acquirer answered the inquiry with HTTP ${exchange.status}` };
  }
  return authorizationOutcome(exchange, { connectorReference, refusedCode: 'PAYMENT_DECLINED' });
}

/** The answer to a capture, reversal or refund. */
export function operationOutcome(exchange: Exchange): OperationOutcome {
  if (exchange.kind === 'no_answer') return { kind: 'unknown', reason: exchange.reason };
  if (isRefusal(exchange.status)) return { kind: 'failed', ...refusal(exchange) };
  if (exchange.status !== 200) return { kind: 'unknown', reason: `acquirer answered HTTP ${exchange.status}` };
  if (!Value.Check(OperationAnswer, exchange.body))
    return { kind: 'unknown', reason: 'acquirer answered HTTP 200 with a body it does not recognise' };
  const answer = exchange.body;
  if (answer.outcome === 'failed') return { kind: 'failed', code: answer.code, message: answer.message };
  return { kind: answer.outcome, gatewayReference: answer.gateway_reference };
}

/**
 * The answer to an operation inquiry: a 404 that says "never received" is `failed` with code
 * NOT_FOUND; any other refusal is of the inquiry, not of the operation, so the outcome stays unknown.
 */
export function operationInquiryOutcome(exchange: Exchange): OperationOutcome {
  if (exchange.kind === 'answer' && exchange.status === 404 && errorCode(exchange.body) === NOT_RECEIVED.operation) {
    return { kind: 'failed', code: 'NOT_FOUND', message: 'The acquirer never received the operation' };
  }
  if (exchange.kind === 'answer' && exchange.status !== 200)
    return { kind: 'unknown', reason: `acquirer answered the inquiry with HTTP ${exchange.status}` };
  return operationOutcome(exchange);
}

/** A 4xx means the acquirer refused the request and did nothing; 408 and 429 only say "not now", so they are not final. */
function isRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

function refusal(exchange: { status: number; body: unknown }): { code: string; message: string } {
  return Value.Check(ErrorAnswer, exchange.body)
    ? { code: exchange.body.code, message: exchange.body.message }
    : { code: `HTTP_${exchange.status}`, message: `The acquirer refused the request with HTTP ${exchange.status}` };
}

/** Our decline codes pass through; any other code of the acquirer's becomes `fallback`, keeping the original in the message. */
function declineCode(code: string, message: string, fallback: DeclineCode): { code: DeclineCode; message: string } {
  return KNOWN_DECLINE_CODES.has(code) ? { code: code as DeclineCode, message } : { code: fallback, message: `${message} (${code})` };
}

function errorCode(body: unknown): string | undefined {
  return Value.Check(ErrorAnswer, body) ? body.code : undefined;
}
