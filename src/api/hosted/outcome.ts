import type { FastifyReply } from 'fastify';
import type { OrderAggregate } from '../../domain/order.js';
import type { DialectLookup } from '../dialect.js';
import { HTML, messagePage } from './html-page.js';

/**
 * The end of a hosted page: back to the merchant's URL with the outcome in the dialect the order
 * was created in, or the outcome as a page when the merchant gave no URL.
 */
export function sendOutcome(reply: FastifyReply, aggregate: OrderAggregate, dialectOf: DialectLookup): FastifyReply {
  const dialect = dialectOf(aggregate.order.dialect);
  const target = redirectTarget(() => dialect.returnRedirect(aggregate));
  if (target) return reply.redirect(target, 303);
  return reply.type(HTML).send(messagePage(dialect.outcomeText(aggregate)));
}

/**
 * The merchant's URL with the outcome, or undefined when there is none — or when a URL stored
 * before return URLs were checked at creation cannot be built on: the money may have moved
 * already, so the customer sees the outcome page rather than an error.
 */
function redirectTarget(build: () => string | undefined): string | undefined {
  try {
    return build();
  } catch {
    return undefined;
  }
}
