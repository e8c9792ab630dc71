import type { FastifyInstance } from 'fastify';
import { openPaymentLink } from '../../core/payment-link-read.js';
import { isPayable, type PaymentLinkStatus } from '../../domain/payment-link.js';
import { isStorableText } from '../text-safety.js';
import { installHostedScope, sendNotice } from './hosted-scope.js';
import type { HostedPageOptions } from './index.js';
import { PAYMENT_LINK_PAGE_PATH, paymentPageUrl } from './links.js';

/** What the link's page says when it cannot be paid. */
const NOT_PAYABLE: Readonly<Record<PaymentLinkStatus, { title: string; message: string }>> = {
  CREATED: { title: 'This payment link cannot be paid', message: 'Ask the merchant for a new one.' },
  CLICKED: { title: 'This payment link cannot be paid', message: 'Ask the merchant for a new one.' },
  PAYMENT_INITIATED: {
    title: 'A payment is in progress',
    message: 'A payment on this link is in progress or has failed; it cannot be paid again.',
  },
  PROCESSED: { title: 'This payment link has been paid', message: 'There is nothing more to pay.' },
  CANCELLED: { title: 'This payment link was cancelled', message: 'The merchant cancelled it; it can no longer be paid.' },
  EXPIRED: { title: 'This payment link has expired', message: 'It can no longer be paid. Ask the merchant for a new one.' },
};

/**
 * A payment link's public page (the `payment_link` URL). A link that can be paid is marked CLICKED
 * and leads to the one payment page every hosted path shares; one that cannot shows its state and
 * no form. The payment itself is refused for a closed order whatever this page showed.
 */
export async function paymentLinkPageRoutes(app: FastifyInstance, { ctx, links }: HostedPageOptions): Promise<void> {
  await installHostedScope(app);
  app.get<{ Params: { payment_link_id: string } }>(`${PAYMENT_LINK_PAGE_PATH}/:payment_link_id`, async (request, reply) => {
    const id = request.params.payment_link_id;
    const view = isStorableText(id) ? await openPaymentLink(ctx, id) : undefined;
    if (!view) return sendNotice(reply, 404, { title: 'Unknown payment link', message: 'This payment link is not valid.' });
    if (isPayable(view.aggregate)) return reply.redirect(paymentPageUrl(links.base, view.aggregate.order.id), 303);
    return sendNotice(reply, 200, NOT_PAYABLE[view.status]);
  });
}
