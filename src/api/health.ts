import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../core/context.js';
import { readiness } from '../core/readiness.js';
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from '../domain/errors.js';

export interface HealthOptions {
  ctx: Pick<CoreContext, 'db' | 'clock'>;
  /** How long /readyz waits for the database (HOLDFAST_READY_TIMEOUT). */
  readyTimeoutMs: number;
  /** The oldest a due job may wait before /readyz answers 503 (HOLDFAST_READY_JOB_LAG). */
  readyJobLagMs: number;
}

/**
 * /healthz is liveness: the process answers, whatever the database does (restarting Holdfast
 * would not bring the database back). /readyz is readiness: 200 while the database answers in
 * time, its migrations are current and the jobs keep up; 503 naming what is not, otherwise
 * (docs/database-faults.md).
 */
export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const state = await readiness(options.ctx, { timeoutMs: options.readyTimeoutMs, jobLagMs: options.readyJobLagMs });
    if (state.ready) return { status: 'ready', database: 'ok' };
    return reply
      .status(503)
      .header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS))
      .send({ status: 'unavailable', reason: state.reason, database: state.databaseAnswered ? 'ok' : 'unreachable' });
  });
}
