import {
  RequestNotSent,
  type AuthorizeOutcome,
  type AuthorizeRequest,
  type GatewayConnector,
  type OperationOutcome,
  type OperationRequest,
  type UpstreamEvent,
} from './gateway.js';
import type { ConnectorResolver } from './registry.js';

export type OperationCall = 'capture' | 'reverse' | 'refund';

/** One connector call, as the metrics will count it. */
export interface GatewayCallRecord {
  connector: string;
  call: string;
  /** The outcome's kind: approved, declined, succeeded, unknown… */
  outcome: string;
  durationMs: number;
}

export interface GatewayClientOptions {
  /** The longest any connector call may take; past it the outcome is unknown. Connectors' own limits are shorter. */
  timeoutMs: number;
  /** Told about every call (metrics). */
  observe?: (record: GatewayCallRecord) => void;
}

/**
 * The only caller of connectors. Whatever goes wrong in a call — a throw, or no answer within the
 * limit — becomes an `unknown` outcome, for the status sync to settle by asking again, never a
 * guess. The connector is chosen by name here: the seam where routing between gateways will sit.
 */
export class GatewayClient {
  constructor(
    private readonly connectors: ConnectorResolver,
    private readonly options: GatewayClientOptions,
  ) {}

  /**
   * A new authorization. Only here does a request that never reached the gateway (`RequestNotSent`)
   * say so (`notSent`): nothing can have been authorized, so the core may try another gateway. An
   * inquiry or an OTP that never arrived says nothing about the authorization itself.
   */
  authorize(connector: string, request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    return this.call(
      connector,
      'authorize',
      (c) => c.authorize(request),
      unknownAuthorization(null),
      (reason) => ({
        kind: 'unknown',
        connectorReference: null,
        reason,
        notSent: true,
      }),
    );
  }

  completeAuthentication(connector: string, request: Parameters<GatewayConnector['completeAuthentication']>[0]): Promise<AuthorizeOutcome> {
    return this.call(connector, 'authenticate', (c) => c.completeAuthentication(request), unknownAuthorization(request.connectorReference));
  }

  inquireAuthorization(connector: string, request: Parameters<GatewayConnector['inquireAuthorization']>[0]): Promise<AuthorizeOutcome> {
    return this.call(
      connector,
      'inquire_authorization',
      (c) => c.inquireAuthorization(request),
      unknownAuthorization(request.connectorReference),
    );
  }

  operate(connector: string, kind: OperationCall, request: OperationRequest): Promise<OperationOutcome> {
    return this.call(connector, kind, (c) => c[kind](request), unknownOperation);
  }

  /**
   * What became of an operation whose answer was pending or never came: the gateway's view, by our
   * operation id. One the gateway never received is sent again under the same id (its idempotency key).
   */
  async settle(connector: string, kind: OperationCall, request: OperationRequest): Promise<OperationOutcome> {
    const outcome = await this.call(connector, `inquire_${kind}`, (c) => c.inquire(kind, request), unknownOperation);
    return outcome.kind === 'failed' && outcome.code === 'NOT_FOUND' ? this.operate(connector, kind, request) : outcome;
  }

  /** The upstream's signed return of the browser, checked by the connector; null when it does not verify. */
  verifyReturn(connector: string, params: Readonly<Record<string, string>>): Promise<{ connectorReference: string } | null> {
    return this.check(connector, (c) => c.verifyReturn?.(params) ?? null);
  }

  /** An incoming upstream webhook, checked by the connector; null when it does not verify. */
  verifyWebhook(connector: string, request: Parameters<NonNullable<GatewayConnector['verifyWebhook']>>[0]): Promise<UpstreamEvent | null> {
    return this.check(connector, (c) => c.verifyWebhook?.(request) ?? null);
  }

  /** A check that can only pass: an unknown connector, or one that throws, verifies nothing. */
  private async check<T>(name: string, verify: (connector: GatewayConnector) => T | null): Promise<T | null> {
    try {
      const connector = await this.connectors.resolve(name);
      return connector ? verify(connector) : null;
    } catch {
      return null;
    }
  }

  private async call<T extends { kind: string; latencyMs?: number }>(
    name: string,
    call: string,
    send: (connector: GatewayConnector) => Promise<T>,
    unknown: (reason: string) => T,
    notSent: (reason: string) => T = unknown,
  ): Promise<T> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<T>((resolve) => {
      timer = setTimeout(() => {
        resolve(unknown(`${name}: no answer within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
    });
    // Finding the connector may read its gateway account: within the same limit, and a name that
    // stands for nothing is an unknown outcome like any other failure of the call.
    const attempt = async (): Promise<T> => {
      const connector = await this.connectors.resolve(name);
      // Nothing was sent anywhere: for a new authorization, nothing can have been authorized.
      return connector ? send(connector) : notSent(`no connector named ${name}`);
    };
    let outcome: T;
    try {
      outcome = await Promise.race([attempt(), limit]);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      outcome = error instanceof RequestNotSent ? notSent(reason) : unknown(reason);
    } finally {
      clearTimeout(timer);
    }
    const durationMs = performance.now() - started;
    this.options.observe?.({ connector: name, call, outcome: outcome.kind, durationMs });
    // Recorded with the answer, in the same write (core/operations/pipeline.ts).
    return { ...outcome, latencyMs: Math.round(durationMs) };
  }
}

const unknownOperation = (reason: string): OperationOutcome => ({ kind: 'unknown', reason });
const unknownAuthorization =
  (connectorReference: string | null) =>
  (reason: string): AuthorizeOutcome => ({ kind: 'unknown', connectorReference, reason });
