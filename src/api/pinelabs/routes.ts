import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { issueToken, tokenVerifier } from '../../core/authenticate.js';
import { merchantActivity } from '../../core/merchant-status.js';
import { authorizePayment } from '../../core/operations/authorize.js';
import { captureOrder } from '../../core/operations/capture.js';
import { isOrderShaped } from './ids.js';
import { createOrder } from '../../core/create-order.js';
import { getOrder, getOrderByReference, getRefundParent } from '../../core/read-order.js';
import { refundOrder } from '../../core/operations/refund.js';
import { voidOrder } from '../../core/operations/void.js';
import { HoldfastError, missingField, notFound } from '../../domain/errors.js';
import type { DialectRouteOptions } from '../dialect.js';
import { errorHandler } from '../error-handler.js';
import { acceptJsonWithEmptyBody } from '../json-body.js';
import { isStorableText } from '../text-safety.js';
import { answerOnce, type Answer } from '../../core/request-replay.js';
import { bearerPrincipal, checkRequestHeaders } from './auth.js';
import { pineLabsCardDetailsRoutes } from './card-details-routes.js';
import { checkoutRoutes } from './checkout-routes.js';
import { checkReturnUrls, pineLabsOrderInput } from './order-creation.js';
import { paymentLinkRoutes } from './payment-link-routes.js';
import { checkStoredSizes } from './stored-size.js';
import { answeredOrderId, bodyFingerprint, merchantOf, orderIdParam, replayable } from './request-context.js';
import { pineLabsErrors } from './errors.js';
import { pineLabsNativeOtpRoutes } from './native-otp-routes.js';
import { renderOrder, renderRefundOrder } from './render.js';
import { CaptureBody, CreateOrderBody, CreatePaymentBody, OrderIdParams, ReferenceParams, RefundBody, TokenBody } from './schemas.js';

/** The Pine Labs Online dialect, mounted at /api; requests carry a bearer token from /api/auth/v1/token. */
export async function pineLabsRoutes(root: FastifyInstance, { ctx, links }: DialectRouteOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const verify = tokenVerifier(ctx);
  const merchantActive = merchantActivity(ctx);
  acceptJsonWithEmptyBody(app);
  app.setErrorHandler(errorHandler(pineLabsErrors));
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ code: 'NOT_FOUND', message: 'No such endpoint' }));
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request, reply) => {
    checkRequestHeaders(request);
    if (request.routeOptions.config.public === true || request.is404) return;
    const principal = await bearerPrincipal(request, verify);
    // A well-signed token for a merchant that no longer exists, or is disabled, or issued for a
    // client secret since revoked or expired, is refused like any other bad token.
    if (!(await merchantActive(principal.merchantId, principal.credentialId))) throw new HoldfastError('unauthenticated', 'Unauthorized');
    request.principal = principal;
    request.orderIdForLog = orderIdParam(request);
    await app.limits.merchant(request, reply);
  });
  // An id no stored order could have (a NUL, malformed Unicode) is simply not found.
  app.addHook('preValidation', async (request) => {
    for (const value of Object.values((request.params ?? {}) as Record<string, unknown>)) {
      if (typeof value === 'string' && !isStorableText(value)) throw notFound('order');
    }
  });

  const fingerprint = (value: unknown) => bodyFingerprint(ctx, value);
  const orderAnswer = async (merchantId: string, orderId: string): Promise<Answer> => ({
    status: 200,
    body: { data: renderOrder(await getOrder(ctx, merchantId, orderId), links.base) },
  });
  app.post('/auth/v1/token', { schema: { body: TokenBody }, config: { public: true } }, async (request) => {
    const { client_id: clientId, client_secret: clientSecret } = request.body;
    const token = await app.limits.authFailures.guard(request, clientId, () => issueToken(ctx, clientId, clientSecret));
    return { access_token: token.accessToken, expires_at: token.expiresAt.toISOString() };
  });

  const orderFields = { amount: 'order_amount.value', currency: 'order_amount.currency' };
  app.post('/pay/v1/orders', { schema: { body: CreateOrderBody }, config: { wireFields: orderFields } }, async (request, reply) => {
    const merchantId = merchantOf(request);
    const body = request.body;
    checkReturnUrls(body);
    checkStoredSizes({ purchase_details: body.purchase_details });
    const answer = await answerOnce(
      ctx,
      replayable(request, merchantId),
      async (requestKey) => {
        const { aggregate } = await createOrder(ctx, {
          ...pineLabsOrderInput(merchantId, body, fingerprint(body)),
          ...(requestKey ? { requestKey } : {}),
        });
        return { status: 200, body: { data: renderOrder(aggregate, links.base) } };
      },
      (orderId) => orderAnswer(merchantId, orderId),
    );
    request.orderIdForLog = answeredOrderId(answer);
    return reply.status(answer.status).send(answer.body);
  });

  app.get('/pay/v1/orders/:order_id', { schema: { params: OrderIdParams } }, async (request) => {
    const merchantId = merchantOf(request);
    const orderId = request.params.order_id;
    const refundParent = isOrderShaped(orderId) ? await getRefundParent(ctx, merchantId, orderId) : undefined;
    if (refundParent) {
      request.orderIdForLog = refundParent.order.id;
      const refund = refundParent.refunds.find((r) => r.id === orderId);
      if (refund) return { data: renderRefundOrder(refundParent, refund) };
    }
    return { data: renderOrder(await getOrder(ctx, merchantId, orderId), links.base) };
  });

  app.get('/pay/v1/orders/reference/:merchant_order_reference', { schema: { params: ReferenceParams } }, async (request) => {
    const merchantId = merchantOf(request);
    const aggregate = await getOrderByReference(ctx, merchantId, request.params.merchant_order_reference);
    request.orderIdForLog = aggregate.order.id;
    return { data: renderOrder(aggregate, links.base) };
  });

  app.post('/pay/v1/orders/:order_id/payments', { schema: { params: OrderIdParams, body: CreatePaymentBody } }, async (request, reply) => {
    const merchantId = merchantOf(request);
    const [item] = request.body.payments;
    if (!item) throw missingField('payments');
    if (item.payment_method !== 'CARD') {
      throw new HoldfastError(
        'payment_method_not_supported',
        `payment_method ${item.payment_method} is not enabled: Holdfast accepts CARD`,
        {
          field: 'payments.0.payment_method',
        },
      );
    }
    const card = item.payment_option.card_details;
    if (!card) throw missingField('payments.0.payment_option.card_details', 'payments.0.payment_option.card_details is required for CARD');
    const answer = await answerOnce(
      ctx,
      replayable(request, merchantId),
      async (requestKey) => {
        const { aggregate } = await authorizePayment(ctx, {
          merchantId,
          orderId: request.params.order_id,
          merchantPaymentReference: item.merchant_payment_reference,
          amount: item.payment_amount.value,
          currency: item.payment_amount.currency,
          card: {
            number: card.card_number,
            cvv: card.cvv,
            expiryMonth: card.expiry_month,
            expiryYear: card.expiry_year,
            holderName: card.name,
          },
          requestFingerprint: fingerprint(request.body),
          ...(requestKey ? { requestKey } : {}),
        });
        return { status: 200, body: { data: renderOrder(aggregate, links.base) } };
      },
      (orderId) => orderAnswer(merchantId, orderId),
    );
    return reply.status(answer.status).send(answer.body);
  });

  const capture = async (request: FastifyRequest & { params: OrderIdParams; body: CaptureBody }) => {
    const merchantId = merchantOf(request);
    const body = request.body;
    return answerOnce(
      ctx,
      replayable(request, merchantId),
      async (requestKey) => {
        const { aggregate } = await captureOrder(ctx, {
          merchantId,
          orderId: request.params.order_id,
          merchantCaptureReference: body.merchant_capture_reference,
          amount: body.capture_amount,
          requestFingerprint: fingerprint(body),
          ...(requestKey ? { requestKey } : {}),
        });
        return { status: 200, body: { data: renderOrder(aggregate, links.base) } };
      },
      (orderId) => orderAnswer(merchantId, orderId),
    );
  };
  // The documented method is PUT; POST is accepted too, as some clients send it.
  for (const method of ['PUT', 'POST'] as const) {
    app.route({
      method,
      url: '/pay/v1/orders/:order_id/capture',
      schema: { params: OrderIdParams, body: CaptureBody },
      handler: async (request, reply) => {
        const answer = await capture(request);
        return reply.status(answer.status).send(answer.body);
      },
    });
  }

  app.put('/pay/v1/orders/:order_id/cancel', { schema: { params: OrderIdParams } }, async (request, reply) => {
    const merchantId = merchantOf(request);
    const answer = await answerOnce(
      ctx,
      replayable(request, merchantId),
      async (requestKey) => {
        const aggregate = await voidOrder(ctx, { merchantId, orderId: request.params.order_id, ...(requestKey ? { requestKey } : {}) });
        return { status: 200, body: { data: renderOrder(aggregate, links.base) } };
      },
      (orderId) => orderAnswer(merchantId, orderId),
    );
    return reply.status(answer.status).send(answer.body);
  });

  const refundFields = {
    merchant_refund_reference: 'merchant_order_reference',
    amount: 'order_amount.value',
    'amount.currency': 'order_amount.currency',
  };
  app.post(
    '/pay/v1/refunds/:order_id',
    { schema: { params: OrderIdParams, body: RefundBody }, config: { wireFields: refundFields } },
    async (request, reply) => {
      const merchantId = merchantOf(request);
      const body = request.body;
      const answer = await answerOnce(
        ctx,
        replayable(request, merchantId),
        async (requestKey) => {
          const { aggregate, refundId } = await refundOrder(ctx, {
            merchantId,
            orderId: request.params.order_id,
            merchantRefundReference: body.merchant_order_reference,
            amount: body.order_amount,
            details: { merchant_metadata: body.merchant_metadata },
            requestFingerprint: fingerprint(body),
            ...(requestKey ? { requestKey } : {}),
          });
          const refund = aggregate.refunds.find((r) => r.id === refundId);
          if (!refund) throw notFound('refund');
          return { status: 200, body: { data: renderRefundOrder(aggregate, refund) } };
        },
        (orderId) => orderAnswer(merchantId, orderId),
      );
      return reply.status(answer.status).send(answer.body);
    },
  );

  for (const routes of [checkoutRoutes, paymentLinkRoutes, pineLabsNativeOtpRoutes, pineLabsCardDetailsRoutes])
    await app.register(routes, { ctx, links });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes that need no bearer token (the token endpoint itself). */
    public?: boolean;
  }
}
