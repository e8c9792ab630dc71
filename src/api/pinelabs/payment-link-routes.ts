import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cancelPaymentLink } from '../../core/payment-link-close.js';
import { createPaymentLink } from '../../core/payment-link-create.js';
import { notifyPaymentLink } from '../../core/payment-link-notify.js';
import { getPaymentLink, getPaymentLinkByOrder, getPaymentLinkByReference, type PaymentLinkView } from '../../core/payment-link-read.js';
import { answerOnce, type Answer } from '../../core/request-replay.js';
import type { RequestKey } from '../../core/request-key.js';
import type { DialectRouteOptions } from '../dialect.js';
import { paymentLinkPageUrl } from '../hosted/links.js';
import { checkHostedPaymentMethods } from './hosted-methods.js';
import { paymentLinkId } from './ids.js';
import { checkReturnUrls, pineLabsCustomer } from './order-creation.js';
import { booleanText, expireByOf, refuseUnsupported } from './payment-link-fields.js';
import { renderPaymentLink } from './payment-link-render.js';
import { CreatePaymentLinkBody, PaymentLinkIdParams, PaymentLinkReferenceParams } from './payment-link-schemas.js';
import { bodyFingerprint, merchantOf, replayable } from './request-context.js';
import { checkStoredSizes } from './stored-size.js';

/**
 * Pine Labs payment links (docs/payment-links.md): create, read by id or
 * by the merchant's reference, cancel, and resend. Each link has its own order, created with it,
 * which the merchant captures, cancels and refunds like any other.
 */
export async function paymentLinkRoutes(root: FastifyInstance, { ctx, links }: DialectRouteOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const linkAnswer = (view: PaymentLinkView): Answer => ({ status: 200, body: renderPaymentLink(view, links.base) });

  /** Runs a mutating link request once per Request-ID; a replay whose first answer was lost reads the link of the order it wrote. */
  const once = async (request: FastifyRequest, reply: FastifyReply, run: (key: RequestKey | undefined) => Promise<PaymentLinkView>) => {
    const merchantId = merchantOf(request);
    const answer = await answerOnce(
      ctx,
      replayable(request, merchantId),
      async (key) => linkAnswer(await run(key)),
      async (orderId) => linkAnswer(await getPaymentLinkByOrder(ctx, merchantId, orderId)),
    );
    return reply.status(answer.status).send(answer.body);
  };

  const amountFields = { amount: 'amount.value', currency: 'amount.currency' };
  app.post(
    '/pay/v1/paymentlink',
    { schema: { body: CreatePaymentLinkBody }, config: { wireFields: amountFields } },
    async (request, reply) => {
      const merchantId = merchantOf(request);
      const body = request.body;
      checkReturnUrls(body);
      checkHostedPaymentMethods(body.allowed_payment_methods);
      checkStoredSizes({ customer: body.customer, product_details: body.product_details });
      const preAuth = booleanText('pre_auth', body.pre_auth) ?? false;
      refuseUnsupported('part_payment', body.part_payment);
      refuseUnsupported('is_mcc_transaction', body.is_mcc_transaction);
      const expireBy = expireByOf(body.expire_by);
      return once(request, reply, (requestKey) => {
        const id = paymentLinkId(ctx.clock.now());
        return createPaymentLink(ctx, {
          merchantId,
          dialect: 'pinelabs',
          id,
          url: paymentLinkPageUrl(links.base, id),
          merchantPaymentLinkReference: body.merchant_payment_link_reference,
          amount: body.amount.value,
          currency: body.amount.currency,
          preAuth,
          description: body.description ?? null,
          expireBy,
          returnUrl: body.callback_url ?? null,
          customer: pineLabsCustomer(body.customer),
          orderDetails: {
            notes: body.description,
            callback_url: body.callback_url,
            failure_callback_url: body.failure_callback_url,
            allowed_payment_methods: body.allowed_payment_methods,
            purchase_details: body.customer ? { customer: body.customer } : undefined,
            integration_mode: 'REDIRECT',
          },
          linkDetails: {
            customer: body.customer,
            allowed_payment_methods: body.allowed_payment_methods,
            callback_url: body.callback_url,
            failure_callback_url: body.failure_callback_url,
            product_details: body.product_details,
            merchant_metadata: body.merchant_metadata,
          },
          // "true" and true are the same request.
          requestFingerprint: bodyFingerprint(ctx, { ...body, pre_auth: preAuth }),
          ...(requestKey ? { requestKey } : {}),
        });
      });
    },
  );

  app.get('/pay/v1/paymentlink/:payment_link_id', { schema: { params: PaymentLinkIdParams } }, async (request) =>
    renderPaymentLink(await getPaymentLink(ctx, merchantOf(request), request.params.payment_link_id), links.base),
  );

  app.get('/pay/v1/paymentlink/ref/:merchant_payment_link_reference', { schema: { params: PaymentLinkReferenceParams } }, async (request) =>
    renderPaymentLink(
      await getPaymentLinkByReference(ctx, merchantOf(request), request.params.merchant_payment_link_reference),
      links.base,
    ),
  );

  app.put('/pay/v1/paymentlink/:payment_link_id/cancel', { schema: { params: PaymentLinkIdParams } }, async (request, reply) =>
    once(request, reply, (requestKey) => cancelPaymentLink(ctx, merchantOf(request), request.params.payment_link_id, requestKey)),
  );

  app.patch('/pay/v1/paymentlink/:payment_link_id/notify', { schema: { params: PaymentLinkIdParams } }, async (request, reply) =>
    once(request, reply, () => {
      const id = request.params.payment_link_id;
      return notifyPaymentLink(ctx, merchantOf(request), id, paymentLinkPageUrl(links.base, id));
    }),
  );
}
