import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findHostedMerchant, findHostedOrderByChallenge, type HostedMerchant } from '../../core/hosted-orders.js';
import { abandonAuthentication, completeAuthentication } from '../../core/operations/authorize.js';
import type { OrderAggregate, Payment } from '../../domain/order.js';
import { isStorableText } from '../text-safety.js';
import { formatAmount } from './amount.js';
import { challengePage } from './challenge-view.js';
import { csrfCheck, csrfToken, installHostedScope, sendNotice } from './hosted-scope.js';
import { HTML } from './html-page.js';
import type { HostedPageOptions } from './index.js';
import { CHALLENGE_PATH } from './links.js';
import { sendOutcome } from './outcome.js';
import { returnOrigins } from './return-origins.js';
import { decidesByTestCards } from './sandbox-cards.js';
import { applyPagePolicy, originOf } from './security-headers.js';

interface Challenge {
  token: string;
  aggregate: OrderAggregate;
  payment: Payment;
  merchant: HostedMerchant;
}

type ChallengeQuery = { Querystring: { token?: string; frame?: string } };

const DEAD_LINK = {
  title: 'This verification link has expired',
  message: 'This authentication link is invalid or has already been used. Return to the merchant to check your order.',
  tone: 'error',
} as const;

/**
 * The 3-D Secure challenge page a `challenge_url` (Pine Labs) or `payment.authentication.url`
 * (Juspay) opens: the cardholder types the OTP (the sandbox approves 123456) and is sent back to
 * the merchant's URL with the outcome. `frame=1` when it opens inside the framed payment page.
 */
export async function challengePageRoutes(app: FastifyInstance, { ctx, dialectOf }: HostedPageOptions): Promise<void> {
  await installHostedScope(app);
  const challenges = new WeakMap<FastifyRequest, Challenge>();

  async function load(request: FastifyRequest<ChallengeQuery>, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    const found = token && isStorableText(token) ? await findHostedOrderByChallenge(ctx.db, token) : undefined;
    const payment = found?.aggregate.payments.find((p) => p.id === found.paymentId);
    const merchant = found ? await findHostedMerchant(ctx.db, found.aggregate.order.merchantId) : undefined;
    if (!found || payment?.status !== 'PENDING' || !merchant) return sendNotice(reply, 404, DEAD_LINK);
    challenges.set(request, { token, aggregate: found.aggregate, payment, merchant });
    const { order } = found.aggregate;
    applyPagePolicy(reply, {
      formTargets: returnOrigins(found.aggregate, dialectOf(order.dialect)),
      frameAncestors: request.query.frame === '1' ? [originOf(order.returnUrl)].filter((o): o is string => o !== undefined) : [],
    });
  }
  const challengeOf = (request: FastifyRequest): Challenge => {
    const challenge = challenges.get(request);
    if (!challenge) throw new Error('challenge page without its challenge');
    return challenge;
  };

  app.get<ChallengeQuery>(CHALLENGE_PATH, { preHandler: load }, async (request, reply) => {
    const { aggregate, payment, merchant, token } = challengeOf(request);
    // An upstream gateway holds this challenge on its own page; its return comes back through
    // the upstream return route (docs/gateways.md).
    if (payment.challengeRedirectUrl) return reply.redirect(payment.challengeRedirectUrl, 303);
    const { order } = aggregate;
    const action = `${CHALLENGE_PATH}?token=${encodeURIComponent(token)}${request.query.frame === '1' ? '&frame=1' : ''}`;
    const html = challengePage(
      {
        merchantName: merchant.name,
        amount: formatAmount(order.amount, order.currency),
        currency: order.currency,
        reference: order.merchantOrderReference,
      },
      {
        action,
        csrfToken: csrfToken(request, reply, request.query.frame === '1'),
        cardLast4: payment.card?.last4,
        sandbox: decidesByTestCards(merchant.connector),
      },
    );
    return reply.type(HTML).send(html);
  });

  app.post<ChallengeQuery>(CHALLENGE_PATH, { preHandler: [load, csrfCheck(app)] }, async (request, reply) => {
    const { aggregate, token } = challengeOf(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    // Cancelling fails the authentication at once, as the window's end would (docs/hosted-checkout.md).
    if (body.intent === 'cancel') {
      const abandoned = await abandonAuthentication(ctx, token);
      return sendOutcome(reply, abandoned ?? aggregate, { ctx, dialectOf });
    }
    const otp = typeof body.otp === 'string' ? body.otp.trim() : '';
    const after = await completeAuthentication(ctx, token, otp);
    if (!after) return sendNotice(reply, 404, DEAD_LINK);
    return sendOutcome(reply, after, { ctx, dialectOf });
  });
}
