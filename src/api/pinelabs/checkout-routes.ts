import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { createOrder } from '../../core/create-order.js';
import { getOrder } from '../../core/read-order.js';
import { answerOnce } from '../../core/request-replay.js';
import { randomAlphanumeric } from '../../domain/ids.js';
import type { OrderAggregate } from '../../domain/order.js';
import type { DialectRouteOptions } from '../dialect.js';
import { framedPaymentPageUrl, paymentPageUrl } from '../hosted/links.js';
import { CheckoutOrderBody } from './checkout-schemas.js';
import { checkHostedPaymentMethods } from './hosted-methods.js';
import { checkReturnUrls, pineLabsOrderInput } from './order-creation.js';
import { answeredOrderId, bodyFingerprint, merchantOf, replayable } from './request-context.js';
import { checkStoredSizes } from './stored-size.js';

/**
 * Pine Labs hosted checkout ("Infinity Checkout", docs/payment-links.md): creates an ordinary order — the
 * same fields, checks, idempotency and Request-ID rules as create order — and answers where to send
 * the customer, without the `data` wrapper. The order then lives like any other (get, capture,
 * cancel, refund, webhooks).
 *
 * `integration_mode`: REDIRECT (default) and SDK lead to the payment page; IFRAME to its framable
 * twin. `token` is an opaque random value kept with the order and carried by `redirect_url`, as
 * Pine Labs' own checkout link carries its token; a replay answers the same one.
 */
export async function checkoutRoutes(root: FastifyInstance, { ctx, links }: DialectRouteOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const orderFields = { amount: 'order_amount.value', currency: 'order_amount.currency' };

  const checkoutAnswer = (aggregate: OrderAggregate) => {
    const { order } = aggregate;
    const token = typeof order.details.checkout_token === 'string' ? order.details.checkout_token : '';
    const page =
      order.details.integration_mode === 'IFRAME' ? framedPaymentPageUrl(links.base, order.id) : paymentPageUrl(links.base, order.id);
    return {
      token,
      order_id: order.id,
      redirect_url: `${page}?token=${encodeURIComponent(token)}`,
      response_code: 200,
      response_message: 'Order Creation Successful.',
    };
  };

  app.post('/checkout/v1/orders', { schema: { body: CheckoutOrderBody }, config: { wireFields: orderFields } }, async (request, reply) => {
    const merchantId = merchantOf(request);
    const body = request.body;
    checkReturnUrls(body);
    checkHostedPaymentMethods(body.allowed_payment_methods);
    checkStoredSizes({ purchase_details: body.purchase_details, product: body.product });
    const integrationMode = body.integration_mode ?? 'REDIRECT';
    // The endpoint is part of the request: reusing a create-order reference here is a different request, not a replay.
    const fingerprint = bodyFingerprint(ctx, { endpoint: 'checkout', ...body, integration_mode: integrationMode });
    const answer = await answerOnce(
      ctx,
      replayable(request, merchantId),
      async (requestKey) => {
        const { aggregate } = await createOrder(ctx, {
          ...pineLabsOrderInput(merchantId, body, fingerprint, {
            integration_mode: integrationMode,
            checkout_token: randomAlphanumeric(32),
            product: body.product,
          }),
          ...(requestKey ? { requestKey } : {}),
        });
        return { status: 200, body: checkoutAnswer(aggregate) };
      },
      async (orderId) => ({ status: 200, body: checkoutAnswer(await getOrder(ctx, merchantId, orderId)) }),
    );
    request.orderIdForLog = answeredOrderId(answer);
    return reply.status(answer.status).send(answer.body);
  });
}
