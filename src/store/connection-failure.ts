import { unavailable } from '../domain/errors.js';

/**
 * Which PostgreSQL failures mean "the database is not there right now" rather than "this
 * statement is wrong" (docs/database-faults.md): the caller answers 503 and the client may send
 * the same request again; anything else is left as it is.
 */

/** SQLSTATEs of a lost or refused connection, a server shutting down, or a statement cut off by its time limit. */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, or a fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting up or shutting down
  '57014', // query_canceled: statement_timeout (or a cancel), the transaction is rolled back
  '53300', // too_many_connections
]);

/** Socket errors of node:net while connecting or talking to the server. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/** node-postgres and its pool report these without a code; their texts are stable across 8.x. */
const DRIVER_MESSAGES = [
  'Connection terminated', // also "… unexpectedly" and "… due to connection timeout"
  'timeout exceeded when trying to connect', // no pool client within connectionTimeoutMillis
  'Query read timeout', // query_timeout: no answer on an established connection
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

export function isConnectionFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (code.startsWith('08') && code.length === 5) return true; // class 08: connection exception
    if (UNAVAILABLE_SQLSTATES.has(code) || SOCKET_CODES.has(code)) return true;
  }
  return typeof message === 'string' && DRIVER_MESSAGES.some((text) => message.startsWith(text));
}

/** `error` as the catalogue's `unavailable` when it is a connection failure; otherwise unchanged. */
export function asUnavailable(error: unknown): unknown {
  return isConnectionFailure(error) ? unavailable(error) : error;
}
