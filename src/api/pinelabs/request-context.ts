import type { FastifyRequest } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import type { ReplayableRequest } from '../../core/request-replay.js';
import { HoldfastError } from '../../domain/errors.js';

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
