import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findHostedMerchant, type HostedMerchant } from '../../core/hosted-orders.js';
import { authorizePayment } from '../../core/operations/authorize.js';
import { HoldfastError } from '../../domain/errors.js';
import { newUuid } from '../../domain/ids.js';
import type { OrderAggregate } from '../../domain/order.js';
import { formatAmount } from './amount.js';
import { cardFormProblems, parseExpiry, type CardField, type CardForm, type CardFormProblems } from './card-checks.js';
import { checkoutPage, closedOrderPage, type OrderSummary } from './checkout-view.js';
import { csrfCheck, csrfToken, installHostedScope, sendNotice } from './hosted-scope.js';
import { HTML, type Notice } from './html-page.js';
import type { HostedPageOptions } from './index.js';
import { challengeUrl } from './links.js';
import { closedOrderNotice, retryNotice } from './order-state-view.js';
import { sendOutcome } from './outcome.js';
import { onwardLinkPage, TO_THE_CHALLENGE } from './return-form.js';
import { hasReturnUrl, returnOrigins } from './return-origins.js';
import { decidesByTestCards } from './sandbox-cards.js';
import { applyPagePolicy, originOf } from './security-headers.js';

/** What a checkout page's loader finds: the order, a page to show instead (an expired link), or nothing (404). */
export type CheckoutTarget = OrderAggregate | { notice: Notice; status: number } | undefined;

export interface CheckoutPageOptions extends HostedPageOptions {
  /** The page's route, e.g. `/merchant/pay/:order_id`; its POST takes the payment and the cancellation. */
  path: string;
  /** Framed by the merchant's own page (iframe integration): only the order's return URL origin may frame it. */
  framed: boolean;
  /** The order the request is for, from its params (the loader decides what addresses it). */
  loadOrder(request: FastifyRequest): Promise<CheckoutTarget>;
}

interface Loaded {
  aggregate: OrderAggregate;
  merchant: HostedMerchant;
}

const PAGE_NOT_FOUND: Notice = {
  title: 'Payment link not found',
  message: 'This payment link is not valid. Check the link the merchant sent you.',
  tone: 'error',
};

// The shape Holdfast gives a page's attempt; anything else gets a fresh one.
const ATTEMPT = /^page-[0-9a-f-]{36}$/;

/**
 * The hosted checkout page at any path, for any order a loader finds: the card form (or the
 * order's state when it takes no payment), the payment, 3-D Secure, cancel, and the way back to
 * the merchant. Register it with `app.register(checkoutPageRoutes, options)`; it brings its own
 * security headers, CSRF check and error pages.
 */
export async function checkoutPageRoutes(app: FastifyInstance, options: CheckoutPageOptions): Promise<void> {
  const { ctx, links, dialectOf, framed } = options;
  await installHostedScope(app);
  const loaded = new WeakMap<FastifyRequest, Loaded>();

  /** preHandler: a 404 or the loader's own page unless the order and its merchant are found. */
  async function load(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const target = await options.loadOrder(request);
    if (target && 'notice' in target) return sendNotice(reply, target.status, target.notice);
    const merchant = target ? await findHostedMerchant(ctx.db, target.order.merchantId) : undefined;
    if (!target || !merchant) return sendNotice(reply, 404, PAGE_NOT_FOUND);
    loaded.set(request, { aggregate: target, merchant });
    applyPagePolicy(reply, {
      formTargets: returnOrigins(target, dialectOf(target.order.dialect)),
      frameAncestors: framed ? [originOf(target.order.returnUrl)].filter((o): o is string => o !== undefined) : [],
    });
  }
  const found = (request: FastifyRequest): Loaded => {
    const page = loaded.get(request);
    if (!page) throw new Error('checkout page without its order');
    return page;
  };

  const summaryOf = ({ aggregate: { order }, merchant }: Loaded): OrderSummary => ({
    merchantName: merchant.name,
    amount: formatAmount(order.amount, order.currency),
    currency: order.currency,
    reference: order.merchantOrderReference,
    description: typeof order.details.description === 'string' ? order.details.description : undefined,
  });
  const actionOf = (request: FastifyRequest) => new URL(request.url, 'http://page').pathname;

  function sendForm(
    request: FastifyRequest,
    reply: FastifyReply,
    page: Loaded,
    refusal: { problems: CardFormProblems; values: CardForm; notice?: Notice } | undefined,
  ): FastifyReply {
    const html = checkoutPage(summaryOf(page), {
      action: actionOf(request),
      csrfToken: csrfToken(request, reply, framed),
      attempt: `page-${newUuid()}`,
      values: { expiry: refusal?.values.expiry ?? '', name: refusal?.values.name ?? '' },
      problems: refusal?.problems ?? {},
      notice: refusal
        ? (refusal.notice ?? { title: 'Check the card details.', message: 'Some of them are not right.' })
        : retryNotice(page.aggregate),
      sandbox: decidesByTestCards(page.merchant.connector),
    });
    return reply
      .status(refusal ? 400 : 200)
      .type(HTML)
      .send(html);
  }

  function sendClosed(request: FastifyRequest, reply: FastifyReply, page: Loaded, notice: Notice, status: number): FastifyReply {
    const back = hasReturnUrl(page.aggregate, dialectOf(page.aggregate.order.dialect))
      ? { action: actionOf(request), csrfToken: csrfToken(request, reply, framed) }
      : undefined;
    return reply
      .status(status)
      .type(HTML)
      .send(closedOrderPage(summaryOf(page), notice, back));
  }

  app.get(options.path, { preHandler: load }, async (request, reply) => {
    const page = found(request);
    const closed = closedOrderNotice(page.aggregate);
    return closed ? sendClosed(request, reply, page, closed, 200) : sendForm(request, reply, page, undefined);
  });

  app.post(options.path, { preHandler: [load, csrfCheck(app)] }, async (request, reply) => {
    const page = found(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const text = (name: string) => (typeof body[name] === 'string' ? body[name] : '');
    // Cancelling takes back nothing that was not started: the order stays as it is, and the
    // merchant's URL says so in the dialect's words (docs/hosted-checkout.md).
    if (text('intent') === 'cancel') {
      // Only a customer who could still have paid gave up; a closed order's page just leads back.
      const customerCancelled = closedOrderNotice(page.aggregate) === undefined;
      return sendOutcome(reply, page.aggregate, { ctx, dialectOf }, { customerCancelled });
    }

    const closed = closedOrderNotice(page.aggregate);
    if (closed) return sendClosed(request, reply, page, closed, 409);

    const form: CardForm = { card_number: text('card_number'), expiry: text('expiry'), cvv: text('cvv'), name: text('name') };
    const problems = cardFormProblems(form, ctx.clock.now());
    if (Object.keys(problems).length > 0) return sendForm(request, reply, page, { problems, values: form });

    const attempt = ATTEMPT.test(text('attempt')) ? text('attempt') : `page-${newUuid()}`;
    const expiry = parseExpiry(form.expiry);
    try {
      const { aggregate: after } = await authorizePayment(ctx, {
        merchantId: page.aggregate.order.merchantId,
        orderId: page.aggregate.order.id,
        // One page, one attempt: a second click or a resent form replays the first answer.
        merchantPaymentReference: attempt,
        requestFingerprint: attempt,
        amount: page.aggregate.order.amount,
        currency: page.aggregate.order.currency,
        card: {
          number: form.card_number,
          cvv: form.cvv.trim(),
          expiryMonth: expiry?.month ?? '',
          expiryYear: expiry?.year ?? '',
          holderName: form.name.trim(),
        },
        read: page.aggregate,
      });
      // The latest attempt under the reference: after a failover, the one on the next gateway.
      const payment = after.payments.findLast((p) => p.merchantPaymentReference === attempt);
      if (payment?.status === 'PENDING' && payment.challengeId) {
        const challenge = challengeUrl(links.base, payment.challengeId, { framed });
        // An upstream gateway's challenge is on its own site, which this page's form-action does not
        // name: the way there starts from a page rather than from a redirect (return-form.ts).
        if (payment.challengeRedirectUrl) return await reply.type(HTML).send(onwardLinkPage(challenge, TO_THE_CHALLENGE));
        return await reply.redirect(challenge, 303);
      }
      return await sendOutcome(reply, after, { ctx, dialectOf });
    } catch (error) {
      // Unavailable is no refusal of the card: the page of the scope says so (hosted-scope.ts).
      if (!(error instanceof HoldfastError) || error.code === 'unavailable') throw error;
      if (error.code === 'invalid_state' || error.code === 'payment_closed') {
        // Another tab (or window) got there first, or the order expired while the form was open:
        // show the order as it now reads.
        const now = await options.loadOrder(request);
        const aggregate = now && !('notice' in now) ? now : page.aggregate;
        const notice = closedOrderNotice(aggregate) ?? {
          title: 'This order is being paid',
          message: 'Another window is paying this order.',
          tone: 'info',
        };
        return sendClosed(request, reply, { ...page, aggregate }, notice, 409);
      }
      const field = refusedField(error.details.field);
      return sendForm(request, reply, page, {
        problems: field ? { [field]: capitalize(error.message) } : {},
        values: form,
        notice: { title: 'The payment was not accepted.', message: capitalize(error.message), tone: 'error' },
      });
    }
  });
}

/** The form field a core refusal names (the core speaks of the API's fields). */
function refusedField(field: string | undefined): CardField | undefined {
  if (field === 'card_number' || field === 'expiry' || field === 'cvv') return field;
  return undefined;
}

const capitalize = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}`;
