/**
 * A merchant's Pine Labs Online account as a gateway Holdfast sits in front of: the client of the
 * API Holdfast itself serves in src/api/pinelabs/. This file makes the calls and says what each
 * failure means; requests.ts builds the authorization's bodies, mapping.ts reads the answers,
 * session.ts holds the token.
 *
 * One of our payment attempts is one upstream order (its merchant_order_reference is our payment
 * id) with one card payment on it (its merchant_payment_reference too); the upstream order id is the
 * connector reference. Captures and refunds carry our operation ids as their references, which the
 * upstream keeps as idempotency keys, so sending one again returns the first.
 */
import {
  RequestNotSent,
  type AuthorizeOutcome,
  type AuthorizeRequest,
  type GatewayConnector,
  type OperationOutcome,
  type OperationRequest,
} from '../gateway.js';
import { upstreamReturnPath, type GatewayAccountConfig, type UpstreamConnectorFactory, type UpstreamDeps } from '../upstream.js';
import { orderBody, paymentBody } from './requests.js';
import {
  authorizationOf,
  captureOf,
  declined,
  NO_SUCH_AUTHORIZATION,
  NOT_FOUND,
  refundOf,
  refusedAuthorization,
  refusedOperation,
  remainderReleaseOf,
  unknownAuthorization,
  unknownOperation,
  voidOf,
} from './mapping.js';
import { verifyPineLabsReturn } from './return-signature.js';
import { AccountNotUsable, isRefusal, PineLabsSession, TokenUnavailable, type Answer, type Method } from './session.js';
import { verifyPineLabsWebhook } from './webhook-verify.js';
import { errorOf, orderOf, PINELABS_PATHS, type Order } from './wire.js';

/** Why a call has no usable answer: the words of an unknown outcome. */
function failureOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A call whose request never left, or was refused before it was acted on: nothing was done at the upstream. */
const neverActedOn = (error: unknown) => error instanceof RequestNotSent || error instanceof TokenUnavailable;

export const createPineLabsOnlineConnector: UpstreamConnectorFactory = (account, deps) => new PineLabsOnlineConnector(account, deps);

class PineLabsOnlineConnector implements GatewayConnector {
  readonly name: string;
  private readonly session: PineLabsSession;
  /** How `details` name the gateway when the upstream names no acquirer of its own. */
  private readonly gateway: string;

  constructor(
    private readonly account: GatewayAccountConfig,
    private readonly deps: UpstreamDeps,
  ) {
    this.name = account.id;
    this.session = new PineLabsSession(account, deps);
    this.gateway = `pinelabs-online:${account.name}`;
  }

  /**
   * Two calls: create the order, then the card payment on it. Only the payment can authorize
   * anything, so whenever it was provably never sent the outcome is `notSent` — safe to try
   * elsewhere (docs/failover.md):
   *  - the create-order call failed in any way short of an answer we can read (never sent, no
   *    answer, a 5xx): even if the upstream made the order, it holds no payment;
   *  - the payment call never left (`RequestNotSent`), or its token could not be had after the
   *    upstream refused the old one with a 401 (a 401 is answered before anything is done): the
   *    order exists, so its id is kept as the connector reference, but nothing is authorized on it.
   * A payment call that may have arrived (no answer, a 5xx, an answer we cannot read) is `unknown`,
   * for the core to settle by inquiry.
   */
  async authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    let created: Answer;
    try {
      created = await this.session.send('POST', PINELABS_PATHS.orders, orderBody(request, this.callbackUrl(request.paymentId)));
    } catch (error) {
      if (error instanceof AccountNotUsable) return this.accountDecline(null, error);
      return { kind: 'unknown', connectorReference: null, reason: `create order: ${failureOf(error)}`, notSent: true };
    }
    if (isRefusal(created.status) || created.status === 429) return refusedAuthorization(null, created, this.gateway);
    const order = created.status === 200 ? orderOf(created.body) : undefined;
    if (!order) {
      const reason = `create order: the upstream answered HTTP ${created.status} without an order`;
      return { kind: 'unknown', connectorReference: null, reason, notSent: true };
    }

    const orderId = order.order_id;
    let paid: Answer;
    try {
      paid = await this.session.send('POST', PINELABS_PATHS.payments(orderId), paymentBody(request));
    } catch (error) {
      if (error instanceof AccountNotUsable) return this.accountDecline(orderId, error);
      const reason = `card payment: ${failureOf(error)}`;
      return neverActedOn(error)
        ? { kind: 'unknown', connectorReference: orderId, reason, notSent: true }
        : unknownAuthorization(orderId, reason);
    }
    if (isRefusal(paid.status) || paid.status === 429) return refusedAuthorization(orderId, paid, this.gateway);
    const withPayment = paid.status === 200 ? orderOf(paid.body) : undefined;
    if (!withPayment) return unknownAuthorization(orderId, `card payment: the upstream answered HTTP ${paid.status} without an order`);
    return (
      authorizationOf(withPayment, request.paymentId, this.gateway) ??
      unknownAuthorization(orderId, "card payment: the upstream's answer shows no payment of ours")
    );
  }

  /** The challenge happens at the upstream's own page, not Holdfast's: what the upstream now shows is the answer. */
  completeAuthentication(request: Parameters<GatewayConnector['completeAuthentication']>[0]): Promise<AuthorizeOutcome> {
    return this.inquireAuthorization({
      paymentId: request.paymentId,
      connectorReference: request.connectorReference,
      capture: request.capture,
    });
  }

  /**
   * The authorization as the upstream shows it, by its order id or — when the create-order call
   * never told us one — by our payment id, the order's merchant reference. No such order, or no
   * payment of ours on it, ends the attempt: the upstream authorized nothing for it. (A payment
   * request still in flight at the upstream shows as a PENDING payment, not none, so the status
   * sync's delay after a call past its time limit leaves nothing in between.)
   */
  async inquireAuthorization(request: Parameters<GatewayConnector['inquireAuthorization']>[0]): Promise<AuthorizeOutcome> {
    const known = request.connectorReference;
    const path = known ? PINELABS_PATHS.order(known) : PINELABS_PATHS.orderByReference(request.paymentId);
    const read = await this.readOrder(path);
    if (read.kind === 'not_found') return NO_SUCH_AUTHORIZATION(known);
    if (read.kind === 'unknown') return unknownAuthorization(known, `inquiry: ${read.reason}`);
    const order = read.order;
    if (order.merchant_order_reference !== request.paymentId) {
      return unknownAuthorization(known, `inquiry: the upstream order ${order.order_id} is not for this payment`);
    }
    return authorizationOf(order, request.paymentId, this.gateway) ?? NO_SUCH_AUTHORIZATION(order.order_id);
  }

  /** Always names the amount: a partial capture's remainder is released by the upstream itself. */
  async capture(request: OperationRequest): Promise<OperationOutcome> {
    const answer = await this.operate('PUT', PINELABS_PATHS.capture(request.connectorReference), {
      merchant_capture_reference: request.operationId,
      capture_amount: { value: request.amount, currency: request.currency },
    });
    if (answer.kind !== 'order') return answer.outcome;
    return (
      captureOf(answer.order, request.paymentId, request.operationId) ?? unknownOperation("capture: the upstream's answer does not show it")
    );
  }

  /**
   * A void is Pine Labs' cancel. The release of a partial capture's remainder is not a call at all:
   * the upstream released it with the partial capture, so asking again would release twice (or be
   * refused); the upstream order is read to confirm it.
   */
  async reverse(request: OperationRequest): Promise<OperationOutcome> {
    if (request.reason === 'remainder') return this.remainderRelease(request);
    const answer = await this.operate('PUT', PINELABS_PATHS.cancel(request.connectorReference));
    if (answer.kind === 'refused' && errorOf(answer.status, answer.body).code === 'ORDER_CANCELLED') {
      // Already cancelled (this void arriving twice, or the upstream's own release at the end of its
      // capture window): the authorization is released, which is all a void asks.
      return { kind: 'succeeded', gatewayReference: request.connectorReference };
    }
    if (answer.kind !== 'order') return answer.outcome;
    // Answered but not shown cancelled, with no status of the release to read: not settled yet.
    return voidOf(answer.order, request.paymentId) ?? { kind: 'pending', gatewayReference: request.connectorReference };
  }

  async refund(request: OperationRequest): Promise<OperationOutcome> {
    const answer = await this.operate('POST', PINELABS_PATHS.refunds(request.connectorReference), {
      merchant_order_reference: request.operationId,
      order_amount: { value: request.amount, currency: request.currency },
    });
    return answer.kind === 'order' ? refundOf(answer.order) : answer.outcome;
  }

  /**
   * An operation as the upstream order shows it, found by our reference. One it does not show was
   * never received: NOT_FOUND, and the core sends it again under the same reference.
   */
  async inquire(kind: 'capture' | 'reverse' | 'refund', request: OperationRequest): Promise<OperationOutcome> {
    if (kind === 'reverse' && request.reason === 'remainder') return this.remainderRelease(request);
    const read = await this.readOrder(PINELABS_PATHS.order(request.connectorReference));
    if (read.kind !== 'order') return unknownOperation(`inquiry: ${read.kind === 'unknown' ? read.reason : 'no such upstream order'}`);
    const order = read.order;
    if (kind === 'capture') return captureOf(order, request.paymentId, request.operationId) ?? NOT_FOUND;
    if (kind === 'reverse') return voidOf(order, request.paymentId) ?? NOT_FOUND;
    // A refund is an order of its own: the parent lists it by our reference, its own order tells how it went.
    const listed = (order.refunds ?? []).find((r) => r.merchant_order_reference === request.operationId);
    if (!listed) return NOT_FOUND;
    const refund = await this.readOrder(PINELABS_PATHS.order(listed.order_id));
    return refund.kind === 'order'
      ? refundOf(refund.order)
      : unknownOperation(`inquiry: the refund order ${listed.order_id} cannot be read`);
  }

  verifyReturn(params: Readonly<Record<string, string>>): { connectorReference: string } | null {
    return verifyPineLabsReturn(params, this.account.credentials.redirectKey);
  }

  verifyWebhook(request: { headers: Readonly<Record<string, string | undefined>>; rawBody: string }) {
    return verifyPineLabsWebhook(request, this.account.credentials.webhookSecret, this.deps.clock);
  }

  private async remainderRelease(request: OperationRequest): Promise<OperationOutcome> {
    const read = await this.readOrder(PINELABS_PATHS.order(request.connectorReference));
    if (read.kind !== 'order') return unknownOperation(`remainder: ${read.kind === 'unknown' ? read.reason : 'no such upstream order'}`);
    return remainderReleaseOf(read.order, request.paymentId, request.amount);
  }

  /**
   * One capture, cancel or refund call: the order it answers with, or the outcome when there is
   * none — a refusal (4xx) `failed` with the upstream's code, anything else `unknown` (a request
   * never sent too: the core's inquiry then finds it missing and sends it again).
   */
  private async operate(
    method: Method,
    path: string,
    body?: unknown,
  ): Promise<
    | { kind: 'order'; order: Order }
    | { kind: 'refused'; status: number; body: unknown; outcome: OperationOutcome }
    | { kind: 'none'; outcome: OperationOutcome }
  > {
    let answer: Answer;
    try {
      answer = await this.session.send(method, path, body);
    } catch (error) {
      if (error instanceof AccountNotUsable) return { kind: 'none', outcome: { kind: 'failed', code: error.code, message: error.message } };
      return { kind: 'none', outcome: unknownOperation(failureOf(error)) };
    }
    if (isRefusal(answer.status)) return { kind: 'refused', status: answer.status, body: answer.body, outcome: refusedOperation(answer) };
    const order = answer.status === 200 ? orderOf(answer.body) : undefined;
    if (!order) return { kind: 'none', outcome: unknownOperation(`the upstream answered HTTP ${answer.status} without an order`) };
    return { kind: 'order', order };
  }

  /** Reads an upstream order: a 404 ORDER_NOT_FOUND is "no such order"; any other failure leaves it unknown. */
  private async readOrder(
    path: string,
  ): Promise<{ kind: 'order'; order: Order } | { kind: 'not_found' } | { kind: 'unknown'; reason: string }> {
    let answer: Answer;
    try {
      answer = await this.session.send('GET', path);
    } catch (error) {
      return { kind: 'unknown', reason: failureOf(error) };
    }
    // Only the upstream's own "no such order": a 404 of a path it does not serve says nothing about the payment.
    if (answer.status === 404 && errorOf(answer.status, answer.body).code === 'ORDER_NOT_FOUND') return { kind: 'not_found' };
    const order = answer.status === 200 ? orderOf(answer.body) : undefined;
    return order ? { kind: 'order', order } : { kind: 'unknown', reason: `the upstream answered HTTP ${answer.status} without an order` };
  }

  private accountDecline(connectorReference: string | null, error: AccountNotUsable): AuthorizeOutcome {
    return declined(connectorReference, { code: error.code, message: error.message }, this.gateway);
  }

  /** Where the upstream sends the browser back after its 3-D Secure page: Holdfast's return path for this account and payment. */
  private callbackUrl(paymentId: string): string {
    return this.deps.publicBaseUrl.replace(/\/+$/, '') + upstreamReturnPath(this.account.id, paymentId);
  }
}
