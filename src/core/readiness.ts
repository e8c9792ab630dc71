import ms from 'ms';
import { pingDatabase } from '../store/database-ping.js';
import { oldestDueJobAt } from '../store/gauge-queries.js';
import { pendingMigrations } from '../store/migrate.js';
import type { CoreContext } from './context.js';

/** What /readyz answers: ready, or the first thing that is not (docs/database-faults.md). */
export type Readiness = { ready: true } | { ready: false; reason: string; databaseAnswered: boolean };

export interface ReadinessLimits {
  /** How long the database may take to answer all of the checks (HOLDFAST_READY_TIMEOUT). */
  timeoutMs: number;
  /** The oldest a due job may be waiting (HOLDFAST_READY_JOB_LAG). */
  jobLagMs: number;
}

/**
 * Ready when the database answers within the limit, has every migration this build ships, and the
 * background jobs keep up (no due job waiting longer than the lag allowed). A load balancer then
 * stops sending requests that could only be answered 503, and a deploy that forgot to migrate, or
 * whose workers are stuck, is not taken for healthy. Each check is one indexed query.
 */
export async function readiness(ctx: Pick<CoreContext, 'db' | 'clock'>, limits: ReadinessLimits): Promise<Readiness> {
  const checked = (async (): Promise<Readiness> => {
    try {
      await pingDatabase(ctx.db);
    } catch {
      return { ready: false, reason: 'the database does not answer', databaseAnswered: false };
    }
    const pending = await pendingMigrations(ctx.db);
    if (pending.length > 0) return { ready: false, reason: `migrations not applied: ${pending.join(', ')}`, databaseAnswered: true };
    const now = ctx.clock.now();
    const oldest = await oldestDueJobAt(ctx.db, now);
    const lagMs = oldest ? now.getTime() - oldest.getTime() : 0;
    if (lagMs > limits.jobLagMs) {
      return {
        ready: false,
        reason: `background jobs are behind: the oldest due job has waited ${ms(Math.round(lagMs))} (limit ${ms(limits.jobLagMs)})`,
        databaseAnswered: true,
      };
    }
    return { ready: true };
  })().catch((): Readiness => ({ ready: false, reason: 'the database does not answer', databaseAnswered: false }));
  return withinTime(checked, limits.timeoutMs, { ready: false, reason: 'the database does not answer', databaseAnswered: false });
}

/** `work`'s answer, or `fallback` when it takes longer than `timeoutMs`. */
async function withinTime<T>(work: Promise<T>, timeoutMs: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<T>((resolve) => {
    timer = setTimeout(() => {
      resolve(fallback);
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
