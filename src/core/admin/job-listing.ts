import { invalidInput } from '../../domain/errors.js';
import {
  listJobRuns,
  listJobs,
  type AdminJobRow,
  type AdminJobRunRow,
  type JobRunOutcome,
  type JobState,
} from '../../store/admin-jobs-repository.js';
import type { CoreContext } from '../context.js';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.js';

/** `GET /admin/v1/jobs` as given. */
export interface JobQueryText {
  merchant_id?: string;
  kind?: string;
  state?: string;
  order_id?: string;
  limit?: string;
  cursor?: string;
}

/** `GET /admin/v1/jobs/runs` as given. */
export interface JobRunQueryText {
  merchant_id?: string;
  kind?: string;
  outcome?: string;
  order_id?: string;
  limit?: string;
  cursor?: string;
}

/** `job` of docs/admin-api.md. */
export interface JobView {
  id: number;
  kind: string;
  key: string;
  state: JobState;
  merchant_id: string | null;
  order_id: string | null;
  run_at: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  locked_until: string | null;
  failed_at: string | null;
  created_at: string;
  updated_at: string;
}

/** `job_run` of docs/admin-api.md. */
export interface JobRunView {
  id: number;
  job_id: number;
  kind: string;
  key: string;
  merchant_id: string | null;
  order_id: string | null;
  attempt: number;
  started_at: string;
  finished_at: string;
  outcome: JobRunOutcome;
  error: string | null;
}

export const JOB_STATES: readonly JobState[] = ['scheduled', 'due', 'running', 'failed'];
export const JOB_RUN_OUTCOMES: readonly JobRunOutcome[] = ['done', 'retry', 'failed'];

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function jobView(r: AdminJobRow): JobView {
  return {
    id: r.id,
    kind: r.kind,
    key: r.key,
    state: r.state,
    merchant_id: r.merchantId,
    order_id: r.orderId,
    run_at: r.runAt.toISOString(),
    attempts: r.attempts,
    max_attempts: r.maxAttempts,
    last_error: r.lastError,
    locked_until: iso(r.lockedUntil),
    failed_at: iso(r.failedAt),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export function jobRunView(r: AdminJobRunRow): JobRunView {
  return {
    id: r.id,
    job_id: r.jobId,
    kind: r.kind,
    key: r.key,
    merchant_id: r.merchantId,
    order_id: r.orderId,
    attempt: r.attempt,
    started_at: r.startedAt.toISOString(),
    finished_at: r.finishedAt.toISOString(),
    outcome: r.outcome,
    error: r.error,
  };
}

function filterText(field: string, value: string | undefined): string | undefined {
  if (value !== undefined && (value.length === 0 || value.length > 200)) throw invalidInput(field, `${field} must be 1 to 200 characters`);
  return value;
}

function oneOf<T extends string>(field: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw invalidInput(field, `${field} must be one of ${allowed.join(', ')}`);
  return value as T;
}

const positiveId = (id: unknown) => (typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined);

/**
 * A page of the background jobs, in the order they are to run. `merchantIds` is the caller's
 * scope (null: all): a caller limited to some merchants sees only their jobs, never a system-wide one.
 */
export async function jobsPage(
  ctx: Pick<CoreContext, 'db' | 'clock'>,
  query: JobQueryText,
  merchantIds: readonly string[] | null,
): Promise<{ data: JobView[]; next_cursor: string | null }> {
  const limit = pageLimit(query.limit);
  const after =
    query.cursor === undefined
      ? undefined
      : decodeCursor(query.cursor, ([runAt, id]) => {
          const at = typeof runAt === 'string' ? new Date(runAt) : undefined;
          const jobId = positiveId(id);
          return at && !Number.isNaN(at.getTime()) && jobId !== undefined ? { runAt: at, id: jobId } : undefined;
        });
  const kind = filterText('kind', query.kind);
  const orderId = filterText('order_id', query.order_id);
  filterText('merchant_id', query.merchant_id);
  const state = oneOf('state', query.state, JOB_STATES);
  if (merchantIds !== null && merchantIds.length === 0) return { data: [], next_cursor: null };
  const rows = await listJobs(ctx.db, {
    now: ctx.clock.now(),
    merchantIds,
    limit: limit + 1,
    ...(kind === undefined ? {} : { kind }),
    ...(state === undefined ? {} : { state }),
    ...(orderId === undefined ? {} : { orderId }),
    ...(after === undefined ? {} : { after }),
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(jobView),
    next_cursor: rows.length > limit && last ? encodeCursor([last.runAt.toISOString(), last.id]) : null,
  };
}

/** A page of past job runs, newest first, scoped as jobsPage. */
export async function jobRunsPage(
  ctx: Pick<CoreContext, 'db'>,
  query: JobRunQueryText,
  merchantIds: readonly string[] | null,
): Promise<{ data: JobRunView[]; next_cursor: string | null }> {
  const limit = pageLimit(query.limit);
  const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ([id]) => positiveId(id));
  const kind = filterText('kind', query.kind);
  const orderId = filterText('order_id', query.order_id);
  filterText('merchant_id', query.merchant_id);
  const outcome = oneOf('outcome', query.outcome, JOB_RUN_OUTCOMES);
  if (merchantIds !== null && merchantIds.length === 0) return { data: [], next_cursor: null };
  const rows = await listJobRuns(ctx.db, {
    merchantIds,
    limit: limit + 1,
    ...(kind === undefined ? {} : { kind }),
    ...(outcome === undefined ? {} : { outcome }),
    ...(orderId === undefined ? {} : { orderId }),
    ...(beforeId === undefined ? {} : { beforeId }),
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(jobRunView), next_cursor: rows.length > limit && last ? encodeCursor([last.id]) : null };
}
