import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../core/authenticate.js';
import { HoldfastError } from '../../domain/errors.js';
import { isRealInstant } from '../iso-instant.js';

/** Reads `Authorization: Bearer <token>` and verifies it without touching the database. */
export async function bearerPrincipal(request: FastifyRequest, verify: (token: string) => Promise<Principal>): Promise<Principal> {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match?.[1]) throw new HoldfastError('unauthenticated', 'Unauthorized');
  return verify(match[1]);
}

/** `Request-ID` (1–50 characters) and `Request-Timestamp` (ISO 8601) are optional but checked when sent. */
export function checkRequestHeaders(request: FastifyRequest): string | undefined {
  const requestId = request.headers['request-id'];
  if (requestId !== undefined) {
    if (typeof requestId !== 'string' || requestId.length < 1 || requestId.length > 50) {
      throw new HoldfastError('invalid_input', 'Request-ID header must be 1 to 50 characters', { field: 'Request-ID' });
    }
  }
  const timestamp = request.headers['request-timestamp'];
  if (timestamp !== undefined) {
    if (typeof timestamp !== 'string' || !isRealInstant(timestamp)) {
      throw new HoldfastError('invalid_input', 'Request-Timestamp header must be an ISO 8601 timestamp such as 2024-07-09T07:57:08.022Z', {
        field: 'Request-Timestamp',
      });
    }
  }
  return requestId;
}
