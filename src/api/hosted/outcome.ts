import type { FastifyReply } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import { merchantRedirectKeys } from '../../core/redirect-keys.js';
import type { OrderAggregate } from '../../domain/order.js';
import type { DialectLookup, ReturnRedirect } from '../dialect.js';
import { HTML, messagePage } from './html-page.js';
import { onwardLinkPage, returnFormPage, TO_THE_MERCHANT } from './return-form.js';
import { allowFormTarget } from './security-headers.js';

/** What sending the customer back needs: the core (for the merchant's keys) and the order's dialect. */
export interface OutcomeOptions {
  ctx: Pick<CoreContext, 'db' | 'keys'>;
  dialectOf: DialectLookup;
}

/**
 * The end of a hosted page: back to the merchant's URL with the signed outcome in the dialect the
 * order was created in — a redirect (GET) or a self-submitting form (POST), as the dialect does —
 * or the outcome as a page when the merchant gave no URL. `fromForeignPage`: the browser came by a
 * form sent from another site's page (an upstream gateway's), so a GET starts from a page of
 * Holdfast's own instead of a redirect, which that page's form-action would block (return-form.ts).
 */
export async function sendOutcome(
  reply: FastifyReply,
  aggregate: OrderAggregate,
  { ctx, dialectOf }: OutcomeOptions,
  { customerCancelled = false, fromForeignPage = false }: { customerCancelled?: boolean; fromForeignPage?: boolean } = {},
): Promise<FastifyReply> {
  const dialect = dialectOf(aggregate.order.dialect);
  const keys = await merchantRedirectKeys(ctx, aggregate.order.merchantId);
  const target = redirectTarget(() => dialect.returnRedirect(aggregate, { keys, customerCancelled }));
  if (!target) return reply.type(HTML).send(messagePage(dialect.outcomeText(aggregate)));
  if (target.method === 'GET' && fromForeignPage) return reply.type(HTML).send(onwardLinkPage(target.url, TO_THE_MERCHANT));
  if (target.method === 'GET') return reply.redirect(target.url, 303);
  return allowFormTarget(reply, target.url).type(HTML).send(returnFormPage(target.url, target.fields));
}

/**
 * The merchant's URL with the outcome, or undefined when there is none — or when a URL stored
 * before return URLs were checked at creation cannot be built on: the money may have moved
 * already, so the customer sees the outcome page rather than an error.
 */
function redirectTarget(build: () => ReturnRedirect | undefined): ReturnRedirect | undefined {
  try {
    return build();
  } catch {
    return undefined;
  }
}
