import type { FastifyRequest } from 'fastify';
import { HoldfastError } from '../../domain/errors.js';

/**
 * HTTP Basic with the API key as user name and an empty password. Juspay's docs send
 * base64("key:"), its Node SDK base64("key") with no colon: both are accepted.
 */
export function basicApiKey(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header) : null;
  if (!match?.[1]) throw new HoldfastError('unauthenticated', 'Invalid Authentication');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const apiKey = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
  if (!apiKey) throw new HoldfastError('unauthenticated', 'Invalid Authentication');
  return apiKey;
}

/** The merchant the dialect's onRequest hook authenticated the request as. */
export function requestMerchant(request: FastifyRequest): string {
  if (!request.principal) throw new HoldfastError('unauthenticated', 'Invalid Authentication');
  return request.principal.merchantId;
}
