import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { authorizePayment } from '../core/operations/authorize.js';
import type { CoreContext } from '../core/context.js';
import type { PublicLinks } from './public-links.js';
import { HoldfastError } from '../domain/errors.js';
import { newUuid } from '../domain/ids.js';
import { toMajorUnitsNumber } from '../domain/money.js';
import { loadAggregateById, findOrderIdByTxnUuidAnyMerchant } from '../store/orders-repository.js';
import { escapeHtml, htmlPage, messagePage } from './hosted-page.js';
import { isStorableText } from './text-safety.js';
import { challengeUrl } from './pinelabs/render.js';
import { outcomeText, returnRedirect } from './return-redirect.js';

/**
 * The hosted payment page behind Juspay's `payment_links` (web, mobile, iframe): a customer
 * pays the order with a card; 3-D Secure cards go through the challenge page; then the browser
 * returns to the merchant's `return_url`.
 */
export async function paymentPageRoutes(app: FastifyInstance, { ctx, links }: { ctx: CoreContext; links: PublicLinks }): Promise<void> {
  await app.register(formbody);
  const html = 'text/html; charset=utf-8';

  for (const path of ['/merchant/pay/:order_id', '/merchant/ipay/:order_id']) {
    app.get<{ Params: { order_id: string } }>(path, async (request, reply) => {
      const aggregate = isStorableText(request.params.order_id) ? await loadAggregateById(ctx.db, request.params.order_id) : undefined;
      if (!aggregate) return reply.status(404).type(html).send(messagePage('This payment link is not valid.'));
      const { order } = aggregate;
      if (order.state !== 'CREATED' && order.state !== 'ATTEMPTED') return reply.type(html).send(messagePage(outcomeText(aggregate)));
      const amount = `${order.currency} ${toMajorUnitsNumber(order.amount, order.currency).toFixed(2)}`;
      return reply.type(html).send(cardForm(order.id, amount));
    });

    app.post<{ Params: { order_id: string } }>(path, async (request, reply) => {
      const aggregate = isStorableText(request.params.order_id) ? await loadAggregateById(ctx.db, request.params.order_id) : undefined;
      if (!aggregate) return reply.status(404).type(html).send(messagePage('This payment link is not valid.'));
      const form = (request.body ?? {}) as Record<string, unknown>;
      const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
      const reference = `page-${newUuid()}`;
      try {
        const { aggregate: after } = await authorizePayment(ctx, {
          merchantId: aggregate.order.merchantId,
          orderId: aggregate.order.id,
          merchantPaymentReference: reference,
          amount: aggregate.order.amount,
          currency: aggregate.order.currency,
          card: {
            number: field('card_number'),
            cvv: field('cvv') || undefined,
            expiryMonth: field('expiry_month'),
            expiryYear: field('expiry_year'),
            holderName: field('name') || undefined,
          },
          requestFingerprint: newUuid(),
        });
        const payment = after.payments.find((p) => p.merchantPaymentReference === reference);
        if (payment?.status === 'PENDING' && payment.challengeId) return reply.redirect(challengeUrl(links.base, payment.challengeId), 303);
        const target = returnRedirect(after);
        if (target) return reply.redirect(target, 303);
        return reply.type(html).send(messagePage(outcomeText(after)));
      } catch (error) {
        if (error instanceof HoldfastError)
          return reply
            .status(400)
            .type(html)
            .send(messagePage(`Payment not accepted: ${error.message}`));
        throw error;
      }
    });
  }

  // Where a frictionless Juspay transaction's authentication URL leads: straight back to the merchant.
  app.get<{ Params: { txn_uuid: string } }>('/merchant/return/:txn_uuid', async (request, reply) => {
    const orderId = isStorableText(request.params.txn_uuid)
      ? await findOrderIdByTxnUuidAnyMerchant(ctx.db, request.params.txn_uuid)
      : undefined;
    const aggregate = orderId ? await loadAggregateById(ctx.db, orderId) : undefined;
    if (!aggregate) return reply.status(404).type(html).send(messagePage('Unknown transaction.'));
    const target = returnRedirect(aggregate);
    if (target) return reply.redirect(target, 303);
    return reply.type(html).send(messagePage(outcomeText(aggregate)));
  });
}

function cardForm(orderId: string, amount: string): string {
  return htmlPage(
    'Holdfast checkout',
    `<h1>Pay ${escapeHtml(amount)}</h1>
<form method="post" action="${escapeHtml(orderId)}">
<label>Card number <input name="card_number" inputmode="numeric" autocomplete="cc-number" required></label>
<label>Expiry month <input name="expiry_month" placeholder="MM" maxlength="2" required></label>
<label>Expiry year <input name="expiry_year" placeholder="YYYY" maxlength="4" required></label>
<label>CVV <input name="cvv" inputmode="numeric" maxlength="4" autocomplete="cc-csc"></label>
<label>Name on card <input name="name" autocomplete="cc-name"></label>
<button type="submit">Pay</button></form>`,
  );
}
