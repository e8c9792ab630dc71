import type { Queryable } from './db.js';

/**
 * The admin API's lists of background jobs (the jobs table: due, scheduled, running, failed) and of
 * their past runs (job_runs). A job names its merchant and order in its payload, or, for a webhook
 * delivery, through the event it delivers; a job that names none is system-wide.
 */

type Row = Record<string, unknown>;
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const optDate = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
const optStr = (v: unknown): string | null => (typeof v === 'string' ? v : v === null || v === undefined ? null : JSON.stringify(v));

/** The merchant a row of `jobs` (aliased `alias`) concerns, or null for a system-wide job. */
export const jobMerchantSql = (alias: string) =>
  `coalesce(${alias}.payload->>'merchantId', (select e.merchant_id from webhook_events e where e.id = ${alias}.payload->>'eventId'))`;

/** The order a row of `jobs` (aliased `alias`) concerns, if any. */
export const jobOrderSql = (alias: string) =>
  `coalesce(${alias}.payload->>'orderId', (select e.order_id from webhook_events e where e.id = ${alias}.payload->>'eventId'))`;

export type JobState = 'scheduled' | 'due' | 'running' | 'failed';

/** A job's state at `now` (parameter `now`), as the Home page counts them (admin-stats-repository.ts). */
const stateSql = (now: string) =>
  `case when j.failed_at is not null then 'failed'
        when j.locked_until is not null and j.locked_until >= ${now} then 'running'
        when j.run_at <= ${now} then 'due' else 'scheduled' end`;

export interface AdminJobRow {
  id: number;
  kind: string;
  key: string;
  state: JobState;
  merchantId: string | null;
  orderId: string | null;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  lockedUntil: Date | null;
  failedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface JobListFilters {
  now: Date;
  /** The caller's merchants (null: all; a limited caller never sees a system-wide job). */
  merchantIds: readonly string[] | null;
  kind?: string;
  state?: JobState;
  orderId?: string;
  /** Keyset position: the (run_at, id) of the last row of the previous page. */
  after?: { runAt: Date; id: number };
  limit: number;
}

/** Jobs in the order they are to run (run_at, then id), filtered and scoped. */
export async function listJobs(q: Queryable, f: JobListFilters): Promise<AdminJobRow[]> {
  const rows = await q.query(
    `select * from (
       select j.id, j.kind, j.job_key, j.run_at, j.attempts, j.max_attempts, j.last_error, j.locked_until, j.failed_at,
         j.created_at, j.updated_at, ${jobMerchantSql('j')} as merchant_id, ${jobOrderSql('j')} as order_id, ${stateSql('$1')} as state
       from jobs j
       where ($2::text is null or j.kind = $2)
         and ($3::timestamptz is null or (j.run_at, j.id) > ($3::timestamptz, $4::bigint))
     ) s
     where ($5::text[] is null or s.merchant_id = any($5::text[]))
       and ($6::text is null or s.state = $6)
       and ($7::text is null or s.order_id = $7)
     order by s.run_at, s.id
     limit $8`,
    [f.now, f.kind ?? null, f.after?.runAt ?? null, f.after?.id ?? null, f.merchantIds, f.state ?? null, f.orderId ?? null, f.limit],
  );
  return rows.map((r: Row) => ({
    id: Number(r.id),
    kind: String(r.kind),
    key: String(r.job_key),
    state: String(r.state) as JobState,
    merchantId: optStr(r.merchant_id),
    orderId: optStr(r.order_id),
    runAt: date(r.run_at),
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    lastError: optStr(r.last_error),
    lockedUntil: optDate(r.locked_until),
    failedAt: optDate(r.failed_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  }));
}

export type JobRunOutcome = 'done' | 'retry' | 'failed';

export interface AdminJobRunRow {
  id: number;
  jobId: number;
  kind: string;
  key: string;
  merchantId: string | null;
  orderId: string | null;
  attempt: number;
  startedAt: Date;
  finishedAt: Date;
  outcome: JobRunOutcome;
  error: string | null;
}

export interface JobRunListFilters {
  merchantIds: readonly string[] | null;
  kind?: string;
  outcome?: JobRunOutcome;
  orderId?: string;
  /** Keyset position: the id of the last row of the previous page. */
  beforeId?: number;
  limit: number;
}

/** Past runs, newest first, filtered and scoped. */
export async function listJobRuns(q: Queryable, f: JobRunListFilters): Promise<AdminJobRunRow[]> {
  const rows = await q.query(
    `select id, job_id, kind, job_key, merchant_id, order_id, attempt, started_at, finished_at, outcome, error
     from job_runs
     where ($1::text[] is null or merchant_id = any($1::text[]))
       and ($2::text is null or kind = $2)
       and ($3::text is null or outcome = $3)
       and ($4::text is null or order_id = $4)
       and ($5::bigint is null or id < $5)
     order by id desc
     limit $6`,
    [f.merchantIds, f.kind ?? null, f.outcome ?? null, f.orderId ?? null, f.beforeId ?? null, f.limit],
  );
  return rows.map((r: Row) => ({
    id: Number(r.id),
    jobId: Number(r.job_id),
    kind: String(r.kind),
    key: String(r.job_key),
    merchantId: optStr(r.merchant_id),
    orderId: optStr(r.order_id),
    attempt: Number(r.attempt),
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
    outcome: String(r.outcome) as JobRunOutcome,
    error: optStr(r.error),
  }));
}
