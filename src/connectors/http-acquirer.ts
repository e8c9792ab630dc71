/**
 * A connector to an acquirer over HTTP (the protocol of `acquirer/protocol.ts`, served by
 * `holdfast acquirer`). It translates and decides nothing. What cannot be known is said so:
 * a timeout, a reset connection, a 5xx (or 408/429) or an answer it cannot read leaves the outcome
 * `unknown`, for the core to resolve later with `inquire` / `inquireAuthorization` (the
 * simulator's GET endpoints). A 4xx is the acquirer refusing the request, so nothing was done:
 * `failed` (operations) or `declined` (authorizations), with the acquirer's code.
 */
import { Value } from '@sinclair/typebox/value';
import {
  ACQUIRER_PATHS,
  AuthorizationAnswer,
  ErrorAnswer,
  NOT_RECEIVED,
  OperationAnswer,
  type AuthorizationBody,
  type OperationBody,
  type OperationKind,
} from '../acquirer/protocol.js';
import type { AuthorizeOutcome, AuthorizeRequest, DeclineCode, GatewayConnector, OperationOutcome, OperationRequest } from './gateway.js';

export interface HttpAcquirerOptions {
  /** Where the acquirer listens, e.g. `http://127.0.0.1:8081` (a path prefix is kept). */
  baseUrl: string;
  /** Time limit of each request in ms, answer body included; past it the outcome is unknown. Default 5000. */
  timeoutMs?: number;
  /** The fetch to use. Default: Node's own (undici). */
  fetch?: typeof fetch;
}

/** What came back from one request: an HTTP answer (its body parsed if it was JSON), or nothing usable. */
type Exchange = { kind: 'answer'; status: number; body: unknown } | { kind: 'no_answer'; reason: string };

const OPERATION_KIND: Record<'capture' | 'reverse' | 'refund', OperationKind> = {
  capture: 'capture',
  reverse: 'reversal',
  refund: 'refund',
};

const DECLINE_CODES: ReadonlySet<string> = new Set<DeclineCode>([
  'PAYMENT_DECLINED',
  'INSUFFICIENT_FUNDS',
  'CARD_EXPIRED',
  'USER_AUTHENTICATION_FAILED',
  'INVALID_CARD',
]);

export class HttpAcquirerConnector implements GatewayConnector {
  readonly name = 'http-acquirer';
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: HttpAcquirerOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    const { card } = request;
    const body: AuthorizationBody = {
      payment_id: request.paymentId,
      amount: request.amount,
      currency: request.currency,
      card: {
        number: card.number,
        expiry_month: card.expiryMonth,
        expiry_year: card.expiryYear,
        ...(card.cvv ? { cvv: card.cvv } : {}),
        ...(card.holderName ? { holder_name: card.holderName } : {}),
      },
      capture: request.capture,
    };
    const exchange = await this.send('POST', ACQUIRER_PATHS.authorizations, body);
    return this.authorizationOutcome(exchange, { connectorReference: null, refusedCode: 'PAYMENT_DECLINED' });
  }

  async completeAuthentication(request: Parameters<GatewayConnector['completeAuthentication']>[0]): Promise<AuthorizeOutcome> {
    const exchange = await this.send('POST', ACQUIRER_PATHS.authenticate(request.connectorReference), { otp: request.otp });
    return this.authorizationOutcome(exchange, {
      connectorReference: request.connectorReference,
      refusedCode: 'USER_AUTHENTICATION_FAILED',
    });
  }

  capture(request: OperationRequest): Promise<OperationOutcome> {
    return this.operate('capture', request);
  }

  reverse(request: OperationRequest): Promise<OperationOutcome> {
    return this.operate('reverse', request);
  }

  refund(request: OperationRequest): Promise<OperationOutcome> {
    return this.operate('refund', request);
  }

  async inquire(_kind: 'capture' | 'reverse' | 'refund', request: OperationRequest): Promise<OperationOutcome> {
    const exchange = await this.send('GET', ACQUIRER_PATHS.operation(request.operationId));
    if (exchange.kind === 'answer' && exchange.status === 404 && errorCode(exchange.body) === NOT_RECEIVED.operation) {
      return { kind: 'failed', code: 'NOT_FOUND', message: 'The acquirer never received the operation' };
    }
    // Any other refusal is of the inquiry, not of the operation: the outcome stays unknown.
    if (exchange.kind === 'answer' && exchange.status !== 200)
      return { kind: 'unknown', reason: `acquirer answered the inquiry with HTTP ${exchange.status}` };
    return operationOutcome(exchange);
  }

  async inquireAuthorization(request: Parameters<GatewayConnector['inquireAuthorization']>[0]): Promise<AuthorizeOutcome> {
    const exchange = await this.send('GET', ACQUIRER_PATHS.authorizationByPayment(request.paymentId));
    if (exchange.kind === 'answer' && exchange.status === 404 && errorCode(exchange.body) === NOT_RECEIVED.authorization) {
      return { kind: 'declined', connectorReference: null, code: 'PAYMENT_DECLINED', message: 'No such authorization at the gateway' };
    }
    if (exchange.kind === 'answer' && exchange.status !== 200) {
      return {
        kind: 'unknown',
        connectorReference: request.connectorReference,
        reason: `acquirer answered the inquiry with HTTP ${exchange.status}`,
      };
    }
    return this.authorizationOutcome(exchange, { connectorReference: request.connectorReference, refusedCode: 'PAYMENT_DECLINED' });
  }

  private async operate(kind: 'capture' | 'reverse' | 'refund', request: OperationRequest): Promise<OperationOutcome> {
    const body: OperationBody = {
      operation_id: request.operationId,
      reference: request.connectorReference,
      amount: request.amount,
      currency: request.currency,
      ...(kind === 'reverse' && request.reason ? { reason: request.reason } : {}),
    };
    return operationOutcome(await this.send('POST', ACQUIRER_PATHS.operations[OPERATION_KIND[kind]], body));
  }

  /**
   * `connectorReference`: what an unknown outcome carries (the reference we already had, if any);
   * `refusedCode`: the decline code of a 4xx whose code is not one of ours.
   */
  private authorizationOutcome(
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

  private async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Exchange> {
    try {
      const response = await this.fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        // One limit for connecting, sending and reading the whole answer.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      return { kind: 'answer', status: response.status, body: parseJson(text) };
    } catch (error) {
      return { kind: 'no_answer', reason: this.describeFailure(error) };
    }
  }

  private describeFailure(error: unknown): string {
    const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (e?.name === 'TimeoutError') return `acquirer: no answer within ${this.timeoutMs} ms`;
    const detail = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
    return `acquirer: connection failed (${detail})`;
  }
}

function operationOutcome(exchange: Exchange): OperationOutcome {
  if (exchange.kind === 'no_answer') return { kind: 'unknown', reason: exchange.reason };
  if (isRefusal(exchange.status)) return { kind: 'failed', ...refusal(exchange) };
  if (exchange.status !== 200) return { kind: 'unknown', reason: `acquirer answered HTTP ${exchange.status}` };
  if (!Value.Check(OperationAnswer, exchange.body))
    return { kind: 'unknown', reason: 'acquirer answered HTTP 200 with a body it does not recognise' };
  const answer = exchange.body;
  if (answer.outcome === 'failed') return { kind: 'failed', code: answer.code, message: answer.message };
  return { kind: answer.outcome, gatewayReference: answer.gateway_reference };
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
  return DECLINE_CODES.has(code) ? { code: code as DeclineCode, message } : { code: fallback, message: `${message} (${code})` };
}

function errorCode(body: unknown): string | undefined {
  return Value.Check(ErrorAnswer, body) ? body.code : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
