/**
 * The one interface between the core and any gateway (the in-process sandbox, an HTTP acquirer,
 * upstream Pine Labs or Juspay). Connectors translate and decide nothing: a decline is a result,
 * only transport failures throw, and a timeout is an `unknown` outcome that the core must resolve
 * later by asking again, never by guessing.
 */
import type { CardNetwork } from '../domain/card.js';
import type { Customer, GatewayDetails } from '../domain/order.js';

export type { GatewayDetails };

/** Card data held in memory for one authorization call; never persisted. */
export interface CardForAuthorization {
  number: string;
  cvv: string | null;
  expiryMonth: string;
  expiryYear: string;
  holderName: string | null;
  network: CardNetwork;
}

/** The order a payment belongs to, as an upstream gateway may need it (an order to create, a page to return to). */
export interface OrderContext {
  orderId: string;
  merchantOrderReference: string;
  returnUrl: string | null;
  customer: Customer | null;
}

export interface AuthorizeRequest {
  paymentId: string;
  /** Always given by the core; optional so a connector's own tests may leave it out. */
  order?: OrderContext;
  amount: number;
  currency: string;
  card: CardForAuthorization;
  /** true: authorize and capture in one step (sale); false: pre-authorization only. */
  capture: boolean;
}

/**
 * How long the call that gave an outcome took, in whole milliseconds (the same measure as the
 * gateway metrics). Set by the gateway client (gateway-client.ts) on every outcome it returns,
 * never by a connector; absent on an outcome no gateway call gave (an expired challenge, an
 * operator's resolution, a card-testing refusal).
 */
export interface CallLatency {
  latencyMs?: number;
}

export type AuthorizeOutcome = CallLatency &
  (
    | {
        kind: 'approved';
        connectorReference: string;
        approvalCode: string;
        rrn: string;
        acquirerReference: string;
        details?: GatewayDetails;
      }
    /**
     * 3-D Secure: the cardholder must authenticate. With `redirectUrl` (an upstream gateway's own
     * challenge page) the customer is sent there and comes back through the connector's return;
     * without it, Holdfast's own challenge page takes the OTP (`completeAuthentication`).
     */
    | { kind: 'challenge'; connectorReference: string; redirectUrl?: string }
    | {
        kind: 'declined';
        connectorReference: string | null;
        code: DeclineCode | typeof CARD_TESTING_DECLINE;
        message: string;
        /**
         * The connector's own table says another gateway may be tried: the gateway's downtime or its
         * configuration, never the card (docs/failover.md). Absent: a hard decline.
         */
        retryable?: boolean;
        details?: GatewayDetails;
      }
    /**
     * The outcome cannot be known now. `notSent`: the request provably never reached the gateway
     * (connection refused, DNS or TLS failure, reset before it was fully written), so nothing can have
     * been authorized: the only unknown a new authorization may fail over from.
     */
    | { kind: 'unknown'; connectorReference: string | null; reason: string; notSent?: boolean }
  );

/**
 * Thrown by a connector when its request provably never reached the gateway: the connection was
 * refused, the name did not resolve, TLS failed, or the socket closed before the request was fully
 * written. Anything else that goes wrong is an unknown outcome.
 */
export class RequestNotSent extends Error {
  override readonly name = 'RequestNotSent';
}

/** Decline codes shared by every connector; dialects render them. */
export const DECLINE_CODES = [
  'PAYMENT_DECLINED',
  'INSUFFICIENT_FUNDS',
  'CARD_EXPIRED',
  'USER_AUTHENTICATION_FAILED',
  'INVALID_CARD',
] as const;
export type DeclineCode = (typeof DECLINE_CODES)[number];

/**
 * Holdfast's own decline, never a connector's: card-testing protection refused the authorization
 * before any connector was asked (src/core/card-testing.ts). Pine Labs' code for "Failure due to
 * request velocity or limit checks". migrations/026_card_declines.sql names it too, to leave these
 * refusals out of the declines it keeps: keep the two the same.
 */
export const CARD_TESTING_DECLINE = 'PAYMENT_RATE_LIMIT';

export interface OperationRequest {
  /** Our id for this operation (capture, reversal or refund id): the connector's idempotency key. */
  operationId: string;
  /** Always given by the core; optional so a connector's own tests may leave it out. */
  orderId?: string;
  /** For `reverse`: a void of the whole authorization, or the release of a partial capture's remainder. */
  reason?: 'void' | 'remainder';
  paymentId: string;
  connectorReference: string;
  amount: number;
  currency: string;
}

export type OperationOutcome = CallLatency &
  (
    | { kind: 'succeeded'; gatewayReference: string }
    | { kind: 'pending'; gatewayReference: string }
    | { kind: 'failed'; code: string; message: string }
    | { kind: 'unknown'; reason: string }
  );

export interface GatewayConnector {
  readonly name: string;
  authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome>;
  /** Finishes a challenged authorization with what the cardholder entered. */
  completeAuthentication(request: {
    paymentId: string;
    connectorReference: string;
    otp: string;
    capture: boolean;
    amount: number;
    currency: string;
  }): Promise<AuthorizeOutcome>;
  capture(request: OperationRequest): Promise<OperationOutcome>;
  /** Releases held funds: a void of the whole authorization or a reversal of the uncaptured remainder. */
  reverse(request: OperationRequest): Promise<OperationOutcome>;
  refund(request: OperationRequest): Promise<OperationOutcome>;
  /**
   * Status inquiry for an operation whose answer was pending or never came: the gateway's current
   * view, found by our operation id. `unknown` again when the gateway cannot tell yet; `failed`
   * with code NOT_FOUND when it never received the operation.
   */
  inquire(kind: 'capture' | 'reverse' | 'refund', request: OperationRequest): Promise<OperationOutcome>;
  /** Status inquiry for an authorization whose answer never came, by our payment id. */
  inquireAuthorization(request: { paymentId: string; connectorReference: string | null; capture: boolean }): Promise<AuthorizeOutcome>;
  /**
   * Upstream gateways only: checks the browser's return from the upstream's 3-D Secure page (the
   * upstream's redirect signature). The upstream order it names, or null when it does not verify;
   * the core then reads the authorization with `inquireAuthorization`, never trusting the return.
   */
  verifyReturn?(params: Readonly<Record<string, string>>): { connectorReference: string } | null;
  /**
   * Upstream gateways only: checks an incoming webhook (signature or Basic credentials). What it
   * is about, or null when it does not verify. A verified event is only a hint: the core re-reads.
   */
  verifyWebhook?(request: { headers: Readonly<Record<string, string | undefined>>; rawBody: string }): UpstreamEvent | null;
}

/** A verified webhook from an upstream gateway: its id (for deduplication) and the order it concerns. */
export interface UpstreamEvent {
  eventId: string;
  /** The upstream's order id, when the event carries it. */
  connectorReference: string | null;
  /** Our payment attempt's id as the upstream holds it (its merchant reference), when carried. */
  paymentId: string | null;
}
