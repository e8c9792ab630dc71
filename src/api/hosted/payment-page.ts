import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findHostedOrder, findHostedOrderByTxnUuid } from '../../core/hosted-orders.js';
import { isStorableText } from '../text-safety.js';
import { checkoutPageRoutes } from './checkout-page.js';
import { installHostedScope, sendNotice } from './hosted-scope.js';
import type { HostedPageOptions } from './index.js';
import { FRAMED_PAYMENT_PAGE_PATH, PAYMENT_PAGE_PATH, RETURN_PATH } from './links.js';
import { sendOutcome } from './outcome.js';

/**
 * The hosted payment page of an order by its id, behind Juspay's `payment_links` (web, mobile,
 * iframe): the checkout page on the normal path and on the iframe path; 3-D Secure cards go
 * through the challenge page; then the browser returns to the merchant's URL.
 */
export async function paymentPageRoutes(app: FastifyInstance, options: HostedPageOptions): Promise<void> {
  const loadOrder = (request: FastifyRequest) => {
    const { order_id: orderId } = request.params as { order_id: string };
    return isStorableText(orderId) ? findHostedOrder(options.ctx, orderId) : Promise.resolve(undefined);
  };
  await app.register(checkoutPageRoutes, { ...options, path: `${PAYMENT_PAGE_PATH}/:order_id`, framed: false, loadOrder });
  await app.register(checkoutPageRoutes, { ...options, path: `${FRAMED_PAYMENT_PAGE_PATH}/:order_id`, framed: true, loadOrder });
  await app.register(returnRoute, options);
}

/** Where a transaction without a challenge leads (Juspay's authentication URL): straight back to the merchant. */
async function returnRoute(app: FastifyInstance, { ctx, dialectOf }: HostedPageOptions): Promise<void> {
  await installHostedScope(app);
  app.get<{ Params: { txn_uuid: string } }>(`${RETURN_PATH}/:txn_uuid`, async (request, reply) => {
    const aggregate = isStorableText(request.params.txn_uuid) ? await findHostedOrderByTxnUuid(ctx, request.params.txn_uuid) : undefined;
    if (!aggregate) return sendNotice(reply, 404, { title: 'Unknown transaction', message: 'This link names no payment.' });
    return sendOutcome(reply, aggregate, { ctx, dialectOf });
  });
}
