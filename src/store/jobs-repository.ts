import type { Queryable } from './db.js';
import type { GuardedWrite } from './guarded-write.js';

/** A job row as claimed by a worker. */
export interface Job {
  id: number;
  kind: string;
  key: string;
  payload: Record<string, unknown>;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
}

export interface NewJob {
  kind: string;
  /** Unique: enqueuing the same key again replaces the pending job (new run_at, payload, attempts reset). */
  key: string;
  payload: Record<string, unknown>;
  runAt: Date;
  maxAttempts: number;
}

/**
 * Enqueues in the caller's transaction, so the job exists exactly when the change that needs it does.
 * Replacing a job that is running releases its lease: the new run need not wait for it, and the
 * old run's completion (matched on worker and attempt) leaves the new one alone.
 */
export async function enqueueJob(tx: Queryable, job: NewJob, now: Date): Promise<void> {
  await tx.query(
    `insert into jobs (kind, job_key, payload, run_at, max_attempts, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $6)
     ${REPLACE_PENDING_JOB}`,
    [job.kind, job.key, JSON.stringify(job.payload), job.runAt, job.maxAttempts, now],
  );
}

const REPLACE_PENDING_JOB = `on conflict (job_key) do update set kind = excluded.kind, payload = excluded.payload, run_at = excluded.run_at,
       max_attempts = excluded.max_attempts, attempts = 0, last_error = null, failed_at = null, locked_by = null, locked_until = null,
       updated_at = excluded.updated_at`;

/**
 * Enqueues a job unless one with its key is already there, so every start-up may ask for the same
 * recurring job without moving the run already planned. A job of that key that failed for good is
 * revived: a recurring job must not stop for ever because of one bad spell.
 */
export async function ensureJob(q: Queryable, job: NewJob, now: Date): Promise<void> {
  await q.query(
    `insert into jobs (kind, job_key, payload, run_at, max_attempts, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $6)
     on conflict (job_key) do update set run_at = excluded.run_at, attempts = 0, failed_at = null, updated_at = excluded.updated_at
       where jobs.failed_at is not null`,
    [job.kind, job.key, JSON.stringify(job.payload), job.runAt, job.maxAttempts, now],
  );
}

/** enqueueJob as a write of a GuardedWrite: the job exists exactly when the guarded change does. */
export function enqueueJobIn(w: GuardedWrite, job: NewJob, now: Date): void {
  const at = w.param(now, 'timestamptz');
  w.write(`insert into jobs (kind, job_key, payload, run_at, max_attempts, created_at, updated_at)
     select ${w.param(job.kind, 'text')}, ${w.param(job.key, 'text')}, ${w.param(JSON.stringify(job.payload), 'jsonb')},
       ${w.param(job.runAt, 'timestamptz')}, ${w.param(job.maxAttempts, 'int')}, ${at}, ${at} from guard
     ${REPLACE_PENDING_JOB}`);
}

/** Drops a job that is no longer needed, when the guarded change happens. */
export function deleteJobIn(w: GuardedWrite, key: string): void {
  w.write(`delete from jobs where job_key = ${w.param(key, 'text')} and exists (select from guard)`);
}

/**
 * Claims up to `limit` due jobs for `workerId` until `leaseUntil`. SKIP LOCKED lets any number of
 * workers share the table without two taking one job; an expired lease (a worker that died) makes
 * the job claimable again.
 */
export async function claimDueJobs(q: Queryable, workerId: string, now: Date, leaseUntil: Date, limit: number): Promise<Job[]> {
  const rows = await q.query(
    `update jobs set locked_by = $1, locked_until = $3, attempts = attempts + 1, updated_at = $2
     where id in (
       select id from jobs
       where failed_at is null and run_at <= $2 and (locked_until is null or locked_until < $2)
       order by run_at, id limit $4
       for update skip locked)
     returning id, kind, job_key, payload, run_at, attempts, max_attempts`,
    [workerId, now, leaseUntil, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    kind: String(r.kind),
    key: String(r.job_key),
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
    runAt: r.run_at instanceof Date ? r.run_at : new Date(String(r.run_at)),
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
  }));
}

/** When a run of a claimed job started and finished, for its row in job_runs (migrations/028_job_runs.sql). */
export interface JobRunTimes {
  startedAt: Date;
  finishedAt: Date;
}

/** How much of a run's error job_runs keeps. */
export const JOB_RUN_ERROR_LENGTH = 500;

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

/**
 * A `with` clause recording one run in job_runs, to lead the statement that completes, reschedules
 * or fails the job: the history is written in the same statement, with no round trip of its own,
 * and whether or not the job row still matches (a job re-enqueued meanwhile still ran). The
 * merchant and order come from the payload, or from the webhook event a delivery job names.
 * Its parameters follow the statement's first `offset`.
 */
function jobRunClause(job: Job, outcome: 'done' | 'retry' | 'failed', times: JobRunTimes, error: string | null, offset: number) {
  const p = (n: number) => `$${offset + n}`;
  return {
    sql: `with run as (
       insert into job_runs (job_id, kind, job_key, merchant_id, order_id, attempt, started_at, finished_at, outcome, error)
       select ${p(1)}::bigint, ${p(2)}::text, ${p(3)}::text, coalesce(${p(4)}::text, e.merchant_id), coalesce(${p(5)}::text, e.order_id),
         ${p(6)}::int, ${p(7)}::timestamptz, ${p(8)}::timestamptz, ${p(9)}::text, ${p(10)}::text
       from (select 1) as one left join webhook_events e on e.id = ${p(11)}::text)
     `,
    params: [
      job.id,
      job.kind,
      job.key,
      text(job.payload.merchantId),
      text(job.payload.orderId),
      job.attempts,
      times.startedAt,
      times.finishedAt,
      outcome,
      error === null ? null : error.slice(0, JOB_RUN_ERROR_LENGTH),
      text(job.payload.eventId),
    ],
  };
}

/** Done: the row goes, unless it was re-enqueued meanwhile (then its new run stands); the run is recorded either way. */
export async function completeJob(q: Queryable, job: Job, workerId: string, times: JobRunTimes): Promise<void> {
  const run = jobRunClause(job, 'done', times, null, 3);
  await q.query(`${run.sql}delete from jobs where id = $1 and locked_by = $2 and attempts = $3`, [
    job.id,
    workerId,
    job.attempts,
    ...run.params,
  ]);
}

export async function retryJob(q: Queryable, job: Job, workerId: string, runAt: Date, error: string, times: JobRunTimes): Promise<void> {
  const run = jobRunClause(job, 'retry', times, error, 6);
  await q.query(
    `${run.sql}update jobs set run_at = $4, last_error = $5, locked_by = null, locked_until = null, updated_at = $6
     where id = $1 and locked_by = $2 and attempts = $3`,
    [job.id, workerId, job.attempts, runAt, error.slice(0, 2000), times.finishedAt, ...run.params],
  );
}

export async function failJob(q: Queryable, job: Job, workerId: string, error: string, times: JobRunTimes): Promise<void> {
  const run = jobRunClause(job, 'failed', times, error, 5);
  await q.query(
    `${run.sql}update jobs set failed_at = $4, last_error = $5, locked_by = null, locked_until = null, updated_at = $4
     where id = $1 and locked_by = $2 and attempts = $3`,
    [job.id, workerId, job.attempts, times.finishedAt, error.slice(0, 2000), ...run.params],
  );
}

/**
 * Hands a claimed job back without counting the attempt: its run was cut short by the database
 * itself (unreachable, restarting), which says nothing about the job. Matched on worker and
 * attempt like the others, so a job re-enqueued or re-claimed meanwhile is left alone.
 */
export async function releaseJob(q: Queryable, job: Job, workerId: string, runAt: Date, now: Date): Promise<void> {
  await q.query(
    `update jobs set run_at = $4, attempts = attempts - 1, locked_by = null, locked_until = null, updated_at = $5
     where id = $1 and locked_by = $2 and attempts = $3`,
    [job.id, workerId, job.attempts, runAt, now],
  );
}

/** Drops a job by its key, whatever its state. */
export async function deleteJob(q: Queryable, key: string): Promise<void> {
  await q.query('delete from jobs where job_key = $1', [key]);
}
