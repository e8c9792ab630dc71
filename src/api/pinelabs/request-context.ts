import type { FastifyRequest } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import type { Answer, ReplayableRequest } from '../../core/request-replay.js';
import { HoldfastError } from '../../domain/errors.js';
import { isStorableText } from '../text-safety.js';
import { isOrderShaped } from './ids.js';

/** What every authenticated Pine Labs route reads from its request: the merchant, and the request as a Request-ID replay key. */

/** The merchant the bearer token names (set by the dialect's onRequest hook). */
export function merchantOf(request: FastifyRequest): string {
  if (!request.principal) throw new HoldfastError('unauthenticated', 'Unauthorized');
  return request.principal.merchantId;
}

/** The request as `answerOnce` keys it: the same Request-ID must come with the same method, URL and body. */
export function replayable(request: FastifyRequest, merchantId: string): ReplayableRequest {
  return {
    merchantId,
    requestId: request.headers['request-id'] as string | undefined,
    // Capture is documented as PUT and accepted as POST: both are the same request.
    method: request.method === 'POST' && request.url.endsWith('/capture') ? 'PUT' : request.method,
    url: request.url,
    body: request.body,
  };
}

/** The keyed fingerprint of a request body (card data left out): an identical replay of a merchant reference matches it, a different request does not. */
export function bodyFingerprint(ctx: CoreContext, value: unknown): string {
  return ctx.keys.requestFingerprint(value);
}

/** Longest order id the API call log takes from a path (Holdfast's are 26 characters). */
const MAX_ORDER_ID = 64;

/** The order id a route's path names (`:order_id`), for the API call log, if it has the shape of one. */
export function orderIdParam(request: FastifyRequest): string | undefined {
  const id = (request.params as { order_id?: unknown } | undefined)?.order_id;
  return typeof id === 'string' && id.length <= MAX_ORDER_ID && isOrderShaped(id) && isStorableText(id) ? id : undefined;
}

/** The order an answer renders (`data.order_id`, or `order_id` for a checkout order), for the API call log; undefined for a refusal. */
export function answeredOrderId(answer: Answer): string | undefined {
  const body = answer.body as { order_id?: unknown; data?: { order_id?: unknown } } | null | undefined;
  const id = body?.data?.order_id ?? body?.order_id;
  return typeof id === 'string' ? id : undefined;
}
