/**
 * The Juspay Express Checkout connector: Holdfast in front of a merchant's Juspay account (or of
 * another Holdfast speaking Juspay's dialect). One upstream order per payment attempt, its
 * `order_id` derived from our payment id (ids.ts), so every later call and inquiry finds it with
 * nothing stored; the connector reference is that order id. This file sends the calls;
 * `mapping.ts` reads the answers. It translates and decides nothing: a timeout, a 5xx or an
 * answer it cannot read is `unknown`, a refusal is `declined` / `failed`.
 */
import { toMajorUnitsText } from '../../domain/money.js';
import {
  RequestNotSent,
  type AuthorizeOutcome,
  type AuthorizeRequest,
  type GatewayConnector,
  type OperationOutcome,
  type OperationRequest,
} from '../gateway.js';
import { upstreamReturnPath, type GatewayAccountConfig, type UpstreamConnectorFactory, type UpstreamDeps } from '../upstream.js';
import { juspayOrderId, juspayRefundRequestId } from './ids.js';
import {
  authorizationFromOrder,
  awaitsTransaction,
  bodyOf,
  captureFromOrder,
  isDuplicateCall,
  isOperationRefusal,
  isOrderNotFound,
  isRefusal,
  NO_SUCH_AUTHORIZATION,
  refundFromOrder,
  refusalOf,
  refusedAuthorization,
  remainderFromOrder,
  unusable,
  voidFromOrder,
  type MappingContext,
} from './mapping.js';
import { verifyReturnSignature } from './return-signature.js';
import { juspayTransport, type Exchange, type JuspayTransport } from './transport.js';
import { verifyJuspayWebhook } from './webhook-verify.js';
import { JuspayOrder, JuspayTxnAnswer } from './wire.js';

/**
 * How long the upstream order takes its transaction. We send the transaction right after creating
 * the order; an order that never got one closes at the upstream (Juspay reads it
 * AUTHENTICATION_FAILED), so no transaction can reach it long after Holdfast ended the attempt.
 */
const ORDER_TAKES_TRANSACTION_MS = 15 * 60 * 1000;

const orderPath = (orderId: string) => `/orders/${encodeURIComponent(orderId)}`;
const txnPath = (txnUuid: string, action: 'capture' | 'void') => `/v2/txns/${encodeURIComponent(txnUuid)}/${action}`;

/** An order read: the order, or why there is none (it does not exist, or the answer was not usable). */
type OrderRead = { kind: 'order'; order: JuspayOrder } | { kind: 'not_found' } | { kind: 'unknown'; reason: string };

export const createJuspayConnector: UpstreamConnectorFactory = (account, deps) => new JuspayConnector(account, deps);

class JuspayConnector implements GatewayConnector {
  readonly name: string;
  private readonly http: JuspayTransport;
  private readonly mapping: MappingContext;

  constructor(
    private readonly account: GatewayAccountConfig,
    private readonly deps: UpstreamDeps,
  ) {
    this.name = account.id;
    this.http = juspayTransport(account, deps);
    this.mapping = { accountName: account.name };
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    const orderId = juspayOrderId(request.paymentId);
    // Until POST /txns is written, no card data has left Holdfast for this attempt (the core
    // authorizes each attempt once, and the order's id is the attempt's): whatever happened to the
    // order's creation (refused connection, lost answer, 5xx), nothing can have been authorized, so
    // the attempt may go to another gateway. The order the upstream may hold is empty and closes by itself.
    const notSent = (reason: string): AuthorizeOutcome => ({ kind: 'unknown', connectorReference: null, reason, notSent: true });
    let created: Exchange;
    try {
      created = await this.http.post('/orders', this.orderFields(orderId, request));
    } catch (error) {
      if (error instanceof RequestNotSent) return notSent(error.message);
      throw error;
    }
    let order = bodyOf(JuspayOrder, created);
    if (!order && isRefusal(created) && isDuplicateCall(created)) {
      // The order exists under our derived id with other fields: an earlier try of this attempt,
      // which may have sent a transaction. Only the order can say; while it cannot, the outcome is unknown.
      const read = await this.readOrderSafely(orderId);
      if (read.kind !== 'order') {
        const reason = read.kind === 'unknown' ? read.reason : `juspay order ${orderId} is a duplicate.call yet cannot be found`;
        return { kind: 'unknown', connectorReference: orderId, reason };
      }
      order = read.order;
    } else if (!order && isRefusal(created)) {
      return refusedAuthorization(created, null, this.mapping);
    }
    if (!order) return notSent(unusable(created, 'the order'));
    // A transaction already went to this order: never send a second one; its order answers.
    if (!awaitsTransaction(order)) return authorizationFromOrder(order, this.mapping);

    let sent: Exchange;
    try {
      sent = await this.http.post('/txns', this.txnFields(orderId, request));
    } catch (error) {
      // Connection refused or closed before the transaction was fully written: the upstream never
      // had the card, so no authorization exists (upstream-http.ts draws that line).
      if (error instanceof RequestNotSent) return notSent(error.message);
      throw error;
    }
    if (isRefusal(sent)) return refusedAuthorization(sent, orderId, this.mapping);
    const txn = bodyOf(JuspayTxnAnswer, sent);
    if (!txn) return { kind: 'unknown', connectorReference: orderId, reason: unusable(sent, 'the transaction') };
    const authentication = txn.payment?.authentication;
    if (txn.status === 'PENDING_VBV' && authentication) {
      if ((authentication.method ?? 'GET').toUpperCase() === 'GET') {
        return { kind: 'challenge', connectorReference: orderId, redirectUrl: authentication.url };
      }
      return { kind: 'unknown', connectorReference: orderId, reason: 'juspay asks for 3-D Secure by POST, which a redirect cannot carry' };
    }
    // The transaction's answer has no gateway details: the order has them, and it is authoritative.
    return this.inquireOrder(orderId);
  }

  /** The challenge took place on the upstream's own page: what it decided is on the order. */
  completeAuthentication(request: Parameters<GatewayConnector['completeAuthentication']>[0]): Promise<AuthorizeOutcome> {
    return this.inquireAuthorization(request);
  }

  /** By the id derived from our payment id, so it works when the authorization's answer (and its reference) never came. */
  inquireAuthorization(request: { paymentId: string; connectorReference: string | null }): Promise<AuthorizeOutcome> {
    return this.inquireOrder(juspayOrderId(request.paymentId), request.connectorReference);
  }

  async capture(request: OperationRequest): Promise<OperationOutcome> {
    const read = await this.readOrderSafely(request.connectorReference);
    if (read.kind !== 'order') return operationWithoutOrder(read, 'capture');
    const txnUuid = read.order.txn_uuid;
    if (!txnUuid) return { kind: 'failed', code: 'NOT_FOUND', message: 'The Juspay order has no transaction to capture' };
    const sent = await this.sendOperation(txnPath(txnUuid, 'capture'), {
      amount: toMajorUnitsText(request.amount, request.currency),
      idempotence_key: request.operationId,
    });
    return this.operationAnswer(sent, request.connectorReference, 'the capture', (order, afterCall) => captureFromOrder(order, afterCall));
  }

  reverse(request: OperationRequest): Promise<OperationOutcome> {
    return request.reason === 'remainder' ? this.remainder(request) : this.void(request);
  }

  async refund(request: OperationRequest): Promise<OperationOutcome> {
    const uniqueRequestId = juspayRefundRequestId(request.operationId);
    const sent = await this.sendOperation(`${orderPath(request.connectorReference)}/refunds`, {
      unique_request_id: uniqueRequestId,
      amount: toMajorUnitsText(request.amount, request.currency),
    });
    const order = bodyOf(JuspayOrder, sent);
    if (order) return refundFromOrder(order, uniqueRequestId, true);
    if (isOperationRefusal(sent)) {
      // duplicate.call: this unique_request_id was already used, so the refund exists: its row answers.
      if (isDuplicateCall(sent)) return this.fromOrder(request.connectorReference, (o) => refundFromOrder(o, uniqueRequestId, true));
      return { kind: 'failed', ...refusalOf(sent) };
    }
    return { kind: 'unknown', reason: unusable(sent, 'the refund') };
  }

  /** Finds the operation on the order by our id (a refund by its unique_request_id; a capture or void is the order's one). */
  inquire(kind: 'capture' | 'reverse' | 'refund', request: OperationRequest): Promise<OperationOutcome> {
    switch (kind) {
      case 'capture':
        return this.fromOrder(request.connectorReference, (order) => captureFromOrder(order, false));
      case 'reverse':
        return this.fromOrder(request.connectorReference, (order) =>
          request.reason === 'remainder' ? remainderFromOrder(order) : voidFromOrder(order, false),
        );
      case 'refund':
        return this.fromOrder(request.connectorReference, (order) =>
          refundFromOrder(order, juspayRefundRequestId(request.operationId), false),
        );
    }
  }

  verifyReturn(params: Readonly<Record<string, string>>): { connectorReference: string } | null {
    const verified = verifyReturnSignature(params, this.account.credentials.redirectKey);
    return verified ? { connectorReference: verified.orderId } : null;
  }

  verifyWebhook(request: { headers: Readonly<Record<string, string | undefined>>; rawBody: string }) {
    return verifyJuspayWebhook(request, this.account.credentials.webhookBasicAuth);
  }

  private async void(request: OperationRequest): Promise<OperationOutcome> {
    const read = await this.readOrderSafely(request.connectorReference);
    if (read.kind !== 'order') return operationWithoutOrder(read, 'void');
    const txnUuid = read.order.txn_uuid;
    if (!txnUuid) return { kind: 'failed', code: 'NOT_FOUND', message: 'The Juspay order has no transaction to void' };
    const sent = await this.sendOperation(txnPath(txnUuid, 'void'));
    return this.operationAnswer(sent, request.connectorReference, 'the void', (order, afterCall) => voidFromOrder(order, afterCall));
  }

  /** Juspay released the remainder when it closed the authorization with the partial capture (remainderFromOrder): only read. */
  private remainder(request: OperationRequest): Promise<OperationOutcome> {
    return this.fromOrder(request.connectorReference, remainderFromOrder);
  }

  /**
   * The answer to a capture or void: the order object. A refusal may be the upstream saying the
   * operation is already done or under way (an earlier try whose answer was lost; Juspay voids
   * take no idempotency key), so the order is read and answers when it shows that.
   */
  private async operationAnswer(
    sent: Exchange,
    orderId: string,
    what: string,
    fromOrder: (order: JuspayOrder, afterCall: boolean) => OperationOutcome,
  ): Promise<OperationOutcome> {
    const order = bodyOf(JuspayOrder, sent);
    if (order) return fromOrder(order, true);
    if (!isOperationRefusal(sent)) return { kind: 'unknown', reason: unusable(sent, what) };
    const refusal = refusalOf(sent);
    const read = await this.readOrderSafely(orderId);
    if (read.kind === 'order') {
      const shown = fromOrder(read.order, false);
      if (shown.kind === 'succeeded' || shown.kind === 'pending') return shown;
    }
    return { kind: 'failed', code: refusal.code, message: refusal.message };
  }

  /** Sends an operation; one that provably never left is unknown, for the status sync to send again under the same id. */
  private async sendOperation(path: string, form?: Record<string, string>): Promise<Exchange> {
    try {
      return await this.http.post(path, form);
    } catch (error) {
      if (error instanceof RequestNotSent) return { kind: 'no_answer', reason: `juspay: not sent (${error.message})` };
      throw error;
    }
  }

  private async fromOrder(orderId: string, read: (order: JuspayOrder) => OperationOutcome): Promise<OperationOutcome> {
    const answer = await this.readOrderSafely(orderId);
    if (answer.kind === 'order') return read(answer.order);
    if (answer.kind === 'not_found') return { kind: 'failed', code: 'NOT_FOUND', message: `Juspay has no order ${orderId}` };
    return { kind: 'unknown', reason: answer.reason };
  }

  /**
   * The authorization as the upstream order shows it. An order the upstream does not know ends
   * the attempt: the order is created before any transaction, so without it nothing was authorized.
   */
  private async inquireOrder(orderId: string, knownReference: string | null = orderId): Promise<AuthorizeOutcome> {
    const read = await this.readOrderSafely(orderId);
    // An inquiry comes at least twice HOLDFAST_UPSTREAM_TIMEOUT after the attempt was sent
    // (docs/gateways.md): an order still without its transaction then never received one, and the
    // attempt ends, as an order the upstream does not know does. A transaction that reaches it
    // anyway is voided as a late authorization (docs/failover.md).
    if (read.kind === 'order' && awaitsTransaction(read.order)) {
      return { kind: 'declined', connectorReference: read.order.order_id, code: 'PAYMENT_DECLINED', message: NO_SUCH_AUTHORIZATION };
    }
    if (read.kind === 'order') return authorizationFromOrder(read.order, this.mapping);
    if (read.kind === 'not_found')
      return { kind: 'declined', connectorReference: null, code: 'PAYMENT_DECLINED', message: NO_SUCH_AUTHORIZATION };
    return { kind: 'unknown', connectorReference: knownReference, reason: read.reason };
  }

  /** `GET /orders/{id}`; a read that never left is as unknown as one that got no answer. */
  private async readOrderSafely(orderId: string): Promise<OrderRead> {
    let answer: Exchange;
    try {
      answer = await this.http.get(orderPath(orderId));
    } catch (error) {
      if (error instanceof RequestNotSent) return { kind: 'unknown', reason: `juspay: the order read was not sent (${error.message})` };
      throw error;
    }
    const order = bodyOf(JuspayOrder, answer);
    if (order) return { kind: 'order', order };
    if (isOrderNotFound(answer)) return { kind: 'not_found' };
    return { kind: 'unknown', reason: unusable(answer, 'the order read') };
  }

  private orderFields(orderId: string, request: AuthorizeRequest): Record<string, string> {
    const customer = request.order?.customer ?? null;
    const [firstName, ...lastNames] = customer?.name?.trim().split(/\s+/) ?? [];
    const expiry = new Date(this.deps.clock.now().getTime() + ORDER_TAKES_TRANSACTION_MS);
    const fields: Record<string, string | undefined> = {
      order_id: orderId,
      amount: toMajorUnitsText(request.amount, request.currency),
      currency: request.currency,
      return_url: `${this.deps.publicBaseUrl.replace(/\/+$/, '')}${upstreamReturnPath(this.account.id, request.paymentId)}`,
      // Pre-authorization: the transaction ends AUTHORIZED, to be captured or voided later.
      'metadata.txns.auto_capture': request.capture ? 'true' : 'false',
      order_expiry: `${expiry.toISOString().slice(0, 19)}Z`,
      customer_id: customer?.id,
      customer_email: customer?.email,
      customer_phone: customer?.phone,
      billing_address_first_name: firstName,
      billing_address_last_name: lastNames.length > 0 ? lastNames.join(' ') : undefined,
      description: request.order ? `Order ${request.order.merchantOrderReference}` : undefined,
      // Our payment id, echoed in status answers and webhooks: a webhook names its payment with it.
      udf1: request.paymentId,
      udf2: request.order?.orderId,
    };
    return Object.fromEntries(
      Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
    );
  }

  private txnFields(orderId: string, request: AuthorizeRequest): Record<string, string> {
    const { card } = request;
    const fields: Record<string, string | undefined> = {
      order_id: orderId,
      merchant_id: this.account.credentials.upstreamMerchantId,
      payment_method_type: 'CARD',
      payment_method: card.network === 'UNKNOWN' ? undefined : card.network,
      card_number: card.number,
      card_exp_month: card.expiryMonth.padStart(2, '0'),
      // Juspay takes the year as YY.
      card_exp_year: card.expiryYear.slice(-2),
      card_security_code: card.cvv ?? undefined,
      name_on_card: card.holderName ?? undefined,
      redirect_after_payment: 'true',
      format: 'json',
    };
    return Object.fromEntries(
      Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
    );
  }
}

/** An operation whose order could not be read first: nothing was sent. */
function operationWithoutOrder(read: Exclude<OrderRead, { kind: 'order' }>, what: string): OperationOutcome {
  if (read.kind === 'not_found') return { kind: 'failed', code: 'NOT_FOUND', message: `Juspay has no order to ${what}` };
  return { kind: 'unknown', reason: read.reason };
}
