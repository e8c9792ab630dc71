import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../core/authenticate.js';
import { HoldfastError } from '../../domain/errors.js';

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

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;

/**
 * An ISO 8601 instant that exists: Date.parse turns 2024-02-30 into 1 March and 24:00 into the
 * next day, so each part is checked against the calendar instead.
 */
export function isRealInstant(text: string): boolean {
  const m = ISO_INSTANT.exec(text);
  if (!m) return false;
  const part = (i: number) => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [1, 2, 3, 4, 5, 6, 7, 8].map(part) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 14 && offsetMinutes <= 59;
}
