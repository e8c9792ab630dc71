import type { FastifyInstance } from 'fastify';
import type { Clock } from '../domain/clock.js';
import type { ApiCallLog } from '../core/api-call-log.js';
import { isStorableText } from './text-safety.js';

/** Longest Request-ID kept (Pine Labs allows 50); a longer or unstorable one is left out, the call still logged. */
const MAX_REQUEST_ID = 100;

/**
 * Records each merchant API call that named an order into the API call log (core/api-call-log.ts),
 * for the admin API's order timeline. A dialect's route says which order a call was about by
 * setting `request.orderIdForLog` (Holdfast's order id, once it knows it: from the path, or from
 * the order it read); calls that name none, and calls no merchant was authenticated for, are not
 * recorded. Installed at the root before the dialects, so every route inherits the hook.
 *
 * Per request this costs a few property reads and one push onto an array: no statement. The log
 * writes its buffer in batches; the server's close writes what is left (`app.flushApiCalls()`
 * does it on demand).
 */
export function recordApiCalls(app: FastifyInstance, log: ApiCallLog, clock: Clock, dialectOf: (url: string) => string | undefined): void {
  app.decorateRequest('orderIdForLog', undefined);
  app.decorateRequest('startedAtForLog', undefined);
  // The business clock when the call arrived: the entry's place in the order's timeline, before
  // the changes the call made (a clock read back by the duration would misplace it whenever the
  // clock is not the wall clock's).
  app.addHook('onRequest', (request, _reply, done) => {
    request.startedAtForLog = clock.now();
    done();
  });
  app.decorate('flushApiCalls', () => log.flush());
  app.decorate('apiCallsDropped', () => log.dropped);
  app.addHook('onResponse', (request, reply, done) => {
    const orderId = request.orderIdForLog;
    const merchantId = request.principal?.merchantId;
    if (orderId !== undefined && merchantId !== undefined) {
      const header = request.headers['request-id'];
      const durationMs = Math.round(reply.elapsedTime);
      log.record({
        orderId,
        merchantId,
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        statusCode: reply.statusCode,
        requestId: typeof header === 'string' && header.length <= MAX_REQUEST_ID && isStorableText(header) ? header : null,
        serverRequestId: request.id,
        dialect: dialectOf(request.url) ?? 'unknown',
        at: request.startedAtForLog ?? clock.now(),
        durationMs,
      });
    }
    done();
  });
  app.addHook('onClose', async () => {
    await log.flush();
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The order (Holdfast's id) this call was about, as its route found it; undefined: the call is not logged. */
    orderIdForLog: string | undefined;
    /** The business clock when the call arrived. */
    startedAtForLog: Date | undefined;
  }
  interface FastifyInstance {
    /** Writes the API calls buffered so far (tests await it before reading api_calls). */
    flushApiCalls(): Promise<void>;
    /** API call log rows lost so far (buffer full, or the database down). */
    apiCallsDropped(): number;
  }
}
