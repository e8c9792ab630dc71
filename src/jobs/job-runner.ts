import { randomAlphanumeric } from '../domain/ids.js';
import type { Clock } from '../domain/clock.js';
import type { Db } from '../store/db.js';
import { isUnavailable } from '../domain/errors.js';
import { claimDueJobs, completeJob, failJob, releaseJob, retryJob, type Job } from '../store/jobs-repository.js';

/**
 * Jobs as rows, run by polling workers. Hand-written rather than a queue library: the embedded
 * default (PGlite, one connection, no LISTEN across processes) rules out Postgres-only queues such
 * as graphile-worker or pg-boss; this is their core loop in ~100 lines over the same SQL.
 */

/** Thrown by a handler to be tried again later (an outcome not known yet, a receiver down). */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly delayMs?: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

export interface JobHandler {
  /** Does the job's work; idempotent, re-checking state before acting. Throw to retry. */
  run(job: Job): Promise<void>;
  /** Delay before attempt `attempt + 1` after a failure (Default: exponential from 1 s, capped at 1 h). */
  backoffMs?(attempt: number): number;
  /** Called once when the last attempt failed (flag for review, mark undeliverable…). */
  giveUp?(job: Job, error: string): Promise<void>;
}

export interface JobRunnerOptions {
  /** Jobs claimed per round (Default: 10). */
  batchSize?: number;
  /** How long a claimed job is reserved before another worker may take it: a worker that died frees its jobs after this (Default: 30 s, well above the longest job: a 10 s webhook delivery). */
  leaseMs?: number;
  /** Pause between polls when nothing is due (Default: 500 ms). */
  pollMs?: number;
  onError?: (error: unknown, job: Job) => void;
}

export const defaultBackoffMs = (attempt: number) => Math.min(3_600_000, 1000 * 2 ** Math.max(0, attempt - 1));

export class JobRunner {
  readonly workerId = `worker-${process.pid}-${randomAlphanumeric(6)}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;
  /** Jobs claimed by a round the database cut short; released by the next round (or freed when their lease ends). */
  private readonly interrupted: Job[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly handlers: Readonly<Record<string, JobHandler>>,
    private readonly options: JobRunnerOptions = {},
  ) {}

  /** Runs due jobs until none is left due; returns how many ran. What tests call after moving the clock. */
  async runDue(): Promise<number> {
    await this.releaseInterrupted();
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const jobs = await claimDueJobs(
        this.db,
        this.workerId,
        now,
        new Date(now.getTime() + (this.options.leaseMs ?? 30_000)),
        this.options.batchSize ?? 10,
      );
      if (jobs.length === 0) return total;
      for (const [index, job] of jobs.entries()) {
        try {
          await this.runOne(job);
        } catch (error) {
          // The database went away mid-round: this job and the rest of the batch are handed back
          // as soon as it answers again, rather than waiting out their lease.
          if (isUnavailable(error)) this.interrupted.push(...jobs.slice(index));
          throw error;
        }
      }
      total += jobs.length;
    }
  }

  /** Hands back, attempt not counted, the jobs an earlier round claimed and could not finish for want of a database. */
  private async releaseInterrupted(): Promise<void> {
    for (let job = this.interrupted[0]; job; job = this.interrupted[0]) {
      const now = this.clock.now();
      await releaseJob(this.db, job, this.workerId, now, now);
      this.interrupted.shift();
    }
  }

  private async runOne(job: Job): Promise<void> {
    const handler = this.handlers[job.kind];
    // Each run leaves a row in job_runs, written by the statement that completes, reschedules or fails the job.
    const startedAt = this.clock.now();
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler.run(job);
      await completeJob(this.db, job, this.workerId, { startedAt, finishedAt: this.clock.now() });
    } catch (error) {
      // A database that cannot be reached says nothing about the job: no attempt is spent on it.
      if (isUnavailable(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof RetryLater)) this.options.onError?.(error, job);
      const now = this.clock.now();
      if (job.attempts >= job.maxAttempts) {
        // Given up before the row is marked failed: a database lost between the two leaves the
        // job to run (and give up) again, never a failed job whose giveUp did not happen.
        try {
          await handler?.giveUp?.(job, message);
        } catch (giveUpError) {
          if (isUnavailable(giveUpError)) throw giveUpError;
          this.options.onError?.(giveUpError, job);
        }
        await failJob(this.db, job, this.workerId, message, { startedAt, finishedAt: now });
        return;
      }
      const delay =
        error instanceof RetryLater && error.delayMs !== undefined ? error.delayMs : (handler?.backoffMs ?? defaultBackoffMs)(job.attempts);
      await retryJob(this.db, job, this.workerId, new Date(now.getTime() + delay), message, { startedAt, finishedAt: now });
    }
  }

  /** Polls in the background until stop(). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.runDue()
        .catch((error: unknown) =>
          this.options.onError?.(error, { id: 0, kind: 'poll', key: '', payload: {}, runAt: new Date(), attempts: 0, maxAttempts: 0 }),
        )
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs ?? 500);
        });
    };
    tick();
  }

  /** Stops polling and waits for the round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
