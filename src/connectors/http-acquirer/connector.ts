/**
 * A connector to an acquirer over HTTP (the protocol of `protocol.ts` beside it, served by
 * `holdfast acquirer`). It translates and decides nothing: this file builds the requests and
 * sends them; `mapping.ts` reads the answers. What cannot be known is said so: a timeout, a reset
 * connection, a 5xx (or 408/429) or an answer it cannot read leaves the outcome `unknown`, for the
 * core to resolve later with `inquire` / `inquireAuthorization` (the simulator's GET endpoints).
 * A 4xx is the acquirer refusing the request, so nothing was done: `failed` (operations) or
 * `declined` (authorizations), with the acquirer's code.
 */
import type { AuthorizeOutcome, AuthorizeRequest, GatewayConnector, OperationOutcome, OperationRequest } from '../gateway.js';
import { authorizationInquiryOutcome, authorizationOutcome, operationInquiryOutcome, operationOutcome, type Exchange } from './mapping.js';
import { ACQUIRER_PATHS, type AuthorizationBody, type OperationBody, type OperationKind } from './protocol.js';

export interface HttpAcquirerOptions {
  /** Where the acquirer listens, e.g. `http://127.0.0.1:8081` (a path prefix is kept). */
  baseUrl: string;
  /** Time limit of each request in ms, answer body included; past it the outcome is unknown. Default 5000. */
  timeoutMs?: number;
  /** The fetch to use. Default: Node's own (undici). */
  fetch?: typeof fetch;
}

const OPERATION_KIND: Record<'capture' | 'reverse' | 'refund', OperationKind> = {
  capture: 'capture',
  reverse: 'reversal',
  refund: 'refund',
};

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
    return authorizationOutcome(exchange, { connectorReference: null, refusedCode: 'PAYMENT_DECLINED' });
  }

  async completeAuthentication(request: Parameters<GatewayConnector['completeAuthentication']>[0]): Promise<AuthorizeOutcome> {
    const exchange = await this.send('POST', ACQUIRER_PATHS.authenticate(request.connectorReference), { otp: request.otp });
    return authorizationOutcome(exchange, { connectorReference: request.connectorReference, refusedCode: 'USER_AUTHENTICATION_FAILED' });
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
    return operationInquiryOutcome(await this.send('GET', ACQUIRER_PATHS.operation(request.operationId)));
  }

  async inquireAuthorization(request: Parameters<GatewayConnector['inquireAuthorization']>[0]): Promise<AuthorizeOutcome> {
    const exchange = await this.send('GET', ACQUIRER_PATHS.authorizationByPayment(request.paymentId));
    return authorizationInquiryOutcome(exchange, request.connectorReference);
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
    const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } } | null | undefined;
    if (e?.name === 'TimeoutError') return `acquirer: no answer within ${this.timeoutMs} ms`;
    const detail = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
    return `acquirer: connection failed (${detail})`;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
