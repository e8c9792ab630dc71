import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { authorizePayment } from '../../core/operations/authorize.js';
import { findHostedOrder, findHostedOrderByTxnUuid } from '../../core/hosted-orders.js';
import { HoldfastError } from '../../domain/errors.js';
import { newUuid } from '../../domain/ids.js';
import { toMajorUnitsNumber } from '../../domain/money.js';
import { isStorableText } from '../text-safety.js';
import type { HostedPageOptions } from './index.js';
import { escapeHtml, HTML, htmlPage, messagePage } from './html-page.js';
import { challengeUrl, FRAMED_PAYMENT_PAGE_PATH, PAYMENT_PAGE_PATH, RETURN_PATH } from './links.js';
import { sendOutcome } from './outcome.js';

/**
 * The hosted payment page behind Juspay's `payment_links` (web, mobile, iframe): a customer
 * pays the order with a card; 3-D Secure cards go through the challenge page; then the browser
 * returns to the merchant's URL.
 */
export async function paymentPageRoutes(app: FastifyInstance, { ctx, links, dialectOf }: HostedPageOptions): Promise<void> {
  await app.register(formbody);
  const orderOf = (orderId: string) => (isStorableText(orderId) ? findHostedOrder(ctx.db, orderId) : undefined);

  for (const path of [`${PAYMENT_PAGE_PATH}/:order_id`, `${FRAMED_PAYMENT_PAGE_PATH}/:order_id`]) {
    app.get<{ Params: { order_id: string } }>(path, async (request, reply) => {
      const aggregate = await orderOf(request.params.order_id);
      if (!aggregate) return reply.status(404).type(HTML).send(messagePage('This payment link is not valid.'));
      const { order } = aggregate;
      if (order.state !== 'CREATED' && order.state !== 'ATTEMPTED') {
        return reply.type(HTML).send(messagePage(dialectOf(order.dialect).outcomeText(aggregate)));
      }
      const amount = `${order.currency} ${toMajorUnitsNumber(order.amount, order.currency).toFixed(2)}`;
      return reply.type(HTML).send(cardForm(order.id, amount));
    });

    app.post<{ Params: { order_id: string } }>(path, async (request, reply) => {
      const aggregate = await orderOf(request.params.order_id);
      if (!aggregate) return reply.status(404).type(HTML).send(messagePage('This payment link is not valid.'));
      const form = (request.body ?? {}) as Record<string, unknown>;
      const field = (name: string) => (typeof form[name] === 'string' ? form[name] : '');
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
        if (payment?.status === 'PENDING' && payment.challengeId)
          return await reply.redirect(challengeUrl(links.base, payment.challengeId), 303);
        return await sendOutcome(reply, after, { ctx, dialectOf });
      } catch (error) {
        if (error instanceof HoldfastError)
          return reply
            .status(400)
            .type(HTML)
            .send(messagePage(`Payment not accepted: ${error.message}`));
        throw error;
      }
    });
  }

  // Where a transaction without a challenge leads (Juspay's authentication URL): straight back to the merchant.
  app.get<{ Params: { txn_uuid: string } }>(`${RETURN_PATH}/:txn_uuid`, async (request, reply) => {
    const aggregate = isStorableText(request.params.txn_uuid) ? await findHostedOrderByTxnUuid(ctx.db, request.params.txn_uuid) : undefined;
    if (!aggregate) return reply.status(404).type(HTML).send(messagePage('Unknown transaction.'));
    return sendOutcome(reply, aggregate, { ctx, dialectOf });
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
