import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../core/context.js';
import { databaseReady } from '../core/readiness.js';
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from '../domain/errors.js';

export interface HealthOptions {
  ctx: Pick<CoreContext, 'db'>;
  /** How long /readyz waits for the database (HOLDFAST_READY_TIMEOUT). */
  readyTimeoutMs: number;
}

/**
 * /healthz is liveness: the process answers, whatever the database does (restarting Holdfast
 * would not bring the database back). /readyz is readiness: 200 while the database answers a
 * trivial statement in time, 503 otherwise (docs/database-faults.md).
 */
export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    if (await databaseReady(options.ctx, options.readyTimeoutMs)) return { status: 'ready', database: 'ok' };
    return reply
      .status(503)
      .header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS))
      .send({ status: 'unavailable', database: 'unreachable' });
  });
}
