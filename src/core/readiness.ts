import ms from 'ms';
import { migrationFiles } from '../store/migrate.js';
import { readinessFacts, type ReadinessFacts } from '../store/readiness-facts.js';
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
 * background jobs keep up (no due job waiting longer than the lag allowed), all read in one statement. A load balancer then
 * stops sending requests that could only be answered 503, and a deploy that forgot to migrate, or
 * whose workers are stuck, is not taken for healthy.
 */
export async function readiness(ctx: Pick<CoreContext, 'db' | 'clock'>, limits: ReadinessLimits): Promise<Readiness> {
  const checked = (async (): Promise<Readiness> => {
    const now = ctx.clock.now();
    let facts: ReadinessFacts;
    try {
      facts = await readinessFacts(ctx.db, now);
    } catch {
      return { ready: false, reason: 'the database does not answer', databaseAnswered: false };
    }
    const applied = new Set(facts.appliedVersions);
    const pending = (await migrationFiles()).filter((file) => !applied.has(Number(file.slice(0, 3))));
    if (pending.length > 0) return { ready: false, reason: `migrations not applied: ${pending.join(', ')}`, databaseAnswered: true };
    const oldest = facts.oldestDueAt;
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
