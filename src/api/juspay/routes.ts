import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { authenticateApiKey, type Principal } from '../../core/authenticate.js';
import { merchantActivity } from '../../core/merchant-status.js';
import { authorizePayment } from '../../core/operations/authorize.js';
import { captureOrder } from '../../core/operations/capture.js';
import { findOrderByTxnUuid, getOrderByReference } from '../../core/read-order.js';
import { refundOrder } from '../../core/operations/refund.js';
import { voidOrder } from '../../core/operations/void.js';
import { HoldfastError, notFound } from '../../domain/errors.js';
import { newUuid } from '../../domain/ids.js';
import type { DialectRouteOptions } from '../dialect.js';
import { errorHandler } from '../error-handler.js';
import { challengeUrl, returnPageUrl } from '../hosted/links.js';
import { acceptJsonWithEmptyBody } from '../json-body.js';
import { basicApiKey, requestMerchant } from './auth.js';
import { juspayErrors, refusal } from './errors.js';
import { amountField, flattenBody, pathId, requiredStringField, stringField, type FlatBody } from './fields.js';
import { createJuspayOrder, ORDER_ID } from './order-request.js';
import { juspaySessionRoutes } from './session-routes.js';
import { renderOrder, txnId } from './render.js';
import { juspayTxnStatus } from './status.js';

const REQUEST_KEY = { max: 64, pattern: /^[A-Za-z0-9\-_(){}+~.]+$/, patternText: 'may contain only letters, digits and - _ ( ) { } + ~ .' };
/**
 * The Juspay Express Checkout dialect, mounted at the root (Juspay's SDK drops any base path).
 * Authenticated by API key; the key → merchant lookup is cached, since keys never change owner,
 * and whether the merchant is still active and the key neither revoked nor expired is read at
 * most once a second (merchant-status.ts).
 */
export async function juspayRoutes(app: FastifyInstance, { ctx, links }: DialectRouteOptions): Promise<void> {
  await app.register(formbody);
  acceptJsonWithEmptyBody(app);
  app.setErrorHandler(errorHandler(juspayErrors));

  // Keyed by the Authorization header as sent: a client sends the same one on every request, and a
  // hit then needs neither the header parsed nor the key decoded.
  const merchantByHeader = new Map<string, Principal>();
  const merchantActive = merchantActivity(ctx);
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    let principal = merchantByHeader.get(header);
    if (!principal) {
      const apiKey = basicApiKey(request);
      principal = await app.limits.authFailures.guard(request, apiKey, () => authenticateApiKey(ctx, apiKey));
      if (merchantByHeader.size > 10_000) merchantByHeader.clear();
      merchantByHeader.set(header, principal);
    }
    if (!(await merchantActive(principal.merchantId, principal.credentialId))) {
      merchantByHeader.delete(header);
      throw new HoldfastError('unauthenticated', 'Unauthorized');
    }
    request.principal = principal;
    await app.limits.merchant(request, reply);
  });

  const fingerprint = (value: unknown) => ctx.keys.requestFingerprint(value);
  const orderByTxn = async (merchantId: string, txnUuid: string) => {
    const aggregate = await findOrderByTxnUuid(ctx, merchantId, pathId(txnUuid, 'transaction'));
    if (!aggregate) throw notFound('transaction');
    const payment = aggregate.payments.find((p) => p.txnUuid === txnUuid);
    if (!payment) throw notFound('transaction');
    return { aggregate, payment };
  };

  await app.register(juspaySessionRoutes, { ctx, links });

  app.post('/orders', { config: { juspayOperation: 'order' } }, async (request) => {
    const merchantId = requestMerchant(request);
    const body = flattenBody(request.body);
    const { aggregate } = await createJuspayOrder(ctx, merchantId, body, { fingerprint: fingerprint(body) });
    request.orderIdForLog = aggregate.order.id;
    return renderOrder(aggregate, links.base);
  });

  app.get<{ Params: { order_id: string } }>('/orders/:order_id', { config: { juspayOperation: 'status' } }, async (request) => {
    const merchantId = requestMerchant(request);
    const aggregate = await getOrderByReference(ctx, merchantId, pathId(request.params.order_id, 'order'));
    // The path names the merchant's order reference: the log keeps Holdfast's id, known once the order is read.
    request.orderIdForLog = aggregate.order.id;
    return renderOrder(aggregate, links.base);
  });

  app.post('/txns', { config: { juspayOperation: 'txn' } }, async (request, reply) => {
    const merchantId = requestMerchant(request);
    const body = flattenBody(request.body);
    const orderId = requiredStringField(body, 'order_id', ORDER_ID);
    const method = requiredStringField(body, 'payment_method_type', { max: 20 });
    if (method !== 'CARD') {
      throw new HoldfastError('payment_method_not_supported', `payment_method_type ${method} is not supported: Holdfast accepts CARD`, {
        field: 'payment_method_type',
      });
    }
    const order = await getOrderByReference(ctx, merchantId, orderId);
    request.orderIdForLog = order.order.id;
    // Juspay has no payment reference: every POST /txns is a new attempt.
    const reference = `txn-${newUuid()}`;
    const { aggregate } = await authorizePayment(ctx, {
      merchantId,
      orderId: order.order.id,
      merchantPaymentReference: reference,
      amount: order.order.amount,
      currency: order.order.currency,
      card: {
        number: requiredStringField(body, 'card_number', { max: 23 }),
        cvv: stringField(body, 'card_security_code', { max: 4 }),
        expiryMonth: requiredStringField(body, 'card_exp_month', { max: 2 }),
        expiryYear: requiredStringField(body, 'card_exp_year', { max: 4 }),
        holderName: stringField(body, 'name_on_card', { max: 100 }),
      },
      requestFingerprint: fingerprint(newUuid()),
      read: order,
    });
    // The latest attempt under the reference: after a failover, the one on the next gateway.
    const payment = aggregate.payments.findLast((p) => p.merchantPaymentReference === reference);
    if (!payment) throw new Error('the payment just made is not on its order');
    const status = juspayTxnStatus(aggregate, payment);
    const url = payment.challengeId ? challengeUrl(links.base, payment.challengeId) : returnPageUrl(links.base, payment.txnUuid);
    if (stringField(body, 'format') !== 'json') return reply.redirect(url, 302);
    return {
      order_id: aggregate.order.merchantOrderReference,
      txn_id: txnId(aggregate, payment),
      txn_uuid: payment.txnUuid,
      status,
      payment: { authentication: { method: 'GET', url } },
    };
  });

  app.post<{ Params: { txn_uuid: string } }>('/v2/txns/:txn_uuid/capture', { config: { juspayOperation: 'capture' } }, async (request) => {
    const merchantId = requestMerchant(request);
    const body = flattenBody(request.body);
    const { aggregate, payment } = await orderByTxn(merchantId, request.params.txn_uuid);
    request.orderIdForLog = aggregate.order.id;
    if (payment.status === 'FAILED') throw refusal('capture', juspayTxnStatus(aggregate, payment));
    const amount = amountField(body, 'amount', aggregate.order.currency);
    const key = stringField(body, 'idempotence_key', REQUEST_KEY);
    const { aggregate: after } = await captureOrder(ctx, {
      merchantId,
      orderId: aggregate.order.id,
      // Without an idempotence_key a capture is not replayable: a second one is refused.
      merchantCaptureReference: key ?? `auto-${newUuid()}`,
      amount: amount === undefined ? undefined : { value: amount, currency: aggregate.order.currency },
      requestFingerprint: fingerprint({ amount: amount ?? null, metadata: body.metadata ?? null }),
      read: aggregate,
    });
    return renderOrder(after, links.base);
  });

  app.post<{ Params: { txn_uuid: string } }>('/v2/txns/:txn_uuid/void', { config: { juspayOperation: 'void' } }, async (request) => {
    const merchantId = requestMerchant(request);
    flattenBody(request.body);
    const { aggregate, payment } = await orderByTxn(merchantId, request.params.txn_uuid);
    request.orderIdForLog = aggregate.order.id;
    if (payment.status === 'FAILED') throw refusal('void', juspayTxnStatus(aggregate, payment));
    return renderOrder(await voidOrder(ctx, { merchantId, orderId: aggregate.order.id, read: aggregate }), links.base);
  });

  app.post<{ Params: { order_id: string } }>('/orders/:order_id/refunds', { config: { juspayOperation: 'refund' } }, async (request) => {
    const merchantId = requestMerchant(request);
    const body: FlatBody = flattenBody(request.body);
    const order = await getOrderByReference(ctx, merchantId, pathId(request.params.order_id, 'order'));
    request.orderIdForLog = order.order.id;
    const uniqueRequestId = requiredStringField(body, 'unique_request_id', REQUEST_KEY);
    const amount = amountField(body, 'amount', order.order.currency);
    const { aggregate, replayed } = await refundOrder(ctx, {
      merchantId,
      orderId: order.order.id,
      merchantRefundReference: uniqueRequestId,
      amount: amount === undefined ? undefined : { value: amount, currency: order.order.currency },
      requestFingerprint: fingerprint({ amount: amount ?? null }),
      read: order,
    });
    // Juspay answers any reuse of a unique_request_id with duplicate.call, even with the same body:
    // the refund it names exists once, and a merchant's code written against Juspay never sees a replay.
    if (replayed)
      throw new HoldfastError('idempotency_conflict', 'unique_request_id was already used for a refund of this order', {
        field: 'unique_request_id',
      });
    return renderOrder(aggregate, links.base);
  });
}
