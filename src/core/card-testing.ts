import { CARD_TESTING_DECLINE, type AuthorizeOutcome } from '../connectors/gateway.js';
import type { Payment } from '../domain/order.js';
import { recentDeclinesOfCard, recentDeclinesOfMerchant } from '../store/recent-declines.js';
import type { CoreContext } from './context.js';

/**
 * Card-testing protection (docs/rate-limits.md): someone checking stolen card numbers makes many
 * small authorizations that mostly decline. After `cardDeclines` declines of one card, or
 * `merchantDeclines` declines at one merchant, within `windowMs`, an authorization is refused
 * before any connector sees it. 0 turns a rule off.
 */
export interface CardTestingRules {
  cardDeclines: number;
  merchantDeclines: number;
  windowMs: number;
}

/**
 * The decline that takes the connector's place when a rule holds, else undefined. The refusal is
 * recorded as any decline is (a FAILED payment, code PAYMENT_RATE_LIMIT), which is how dashboards
 * count refusals; the rules themselves leave refusals out of their counts, so a rule lifts once the
 * window has passed the declines that set it off, however many refusals came after.
 */
export async function cardTestingRefusal(ctx: CoreContext, merchantId: string, payment: Payment): Promise<AuthorizeOutcome | undefined> {
  const { cardDeclines, merchantDeclines, windowMs } = ctx.cardTesting;
  const since = new Date(ctx.clock.now().getTime() - windowMs);
  const fingerprint = payment.card?.fingerprint;
  if (cardDeclines > 0 && fingerprint) {
    const declines = await recentDeclinesOfCard(ctx.db, fingerprint, since, cardDeclines);
    if (declines >= cardDeclines) return refusal('too many declined payments with this card');
  }
  if (merchantDeclines > 0) {
    const declines = await recentDeclinesOfMerchant(ctx.db, merchantId, since, merchantDeclines);
    if (declines >= merchantDeclines) return refusal('too many declined payments at this merchant');
  }
  return undefined;
}

const refusal = (reason: string): AuthorizeOutcome => ({
  kind: 'declined',
  connectorReference: null,
  code: CARD_TESTING_DECLINE,
  message: `Failure due to request velocity or limit checks: ${reason} recently`,
});
