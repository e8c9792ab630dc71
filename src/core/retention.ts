import { deleteJob, enqueueJob, ensureJob, type NewJob } from '../store/jobs-repository.js';
import { pruneApiCallRows, pruneDeliveredWebhookAttempts, pruneJobRunHistory, pruneStoredReplies } from '../store/retention-repository.js';
import type { CoreContext } from './context.js';

/**
 * Retention of what grows with every order beside the order itself (README "Configuration"): the
 * delivery attempts of webhook events delivered longer ago than HOLDFAST_WEBHOOK_ATTEMPT_RETENTION,
 * the stored reply bodies of Request-IDs older than HOLDFAST_REQUEST_REPLY_RETENTION, the job run
 * history (job_runs) older than HOLDFAST_JOB_RUN_RETENTION, and the API call log's rows
 * (core/api-call-log.ts) older than HOLDFAST_API_CALL_RETENTION. One
 * recurring job, asked for at every start-up by its key (so it is never doubled), deletes them in
 * bounded batches and plans its own next run.
 */
export interface RetentionPolicy {
  /** Attempts of events delivered longer ago than this are deleted; undefined: kept for ever. */
  webhookAttemptRetentionMs: number | undefined;
  /** Stored reply bodies of Request-IDs claimed longer ago than this are dropped; undefined: kept for ever. */
  requestReplyRetentionMs?: number | undefined;
  /** Job runs that finished longer ago than this are deleted; undefined: kept for ever. */
  jobRunRetentionMs?: number | undefined;
  /** API call log rows older than this are deleted; undefined: kept for ever. */
  apiCallRetentionMs?: number | undefined;
  /** Rows per statement (Default: 500): each batch is short, holding few row locks. */
  batchSize?: number;
  /** Batches per run and kind (Default: 20): a run ends well inside the job lease; the rest waits for the next run. */
  batchesPerRun?: number;
}

export const RETENTION_KIND = 'retention.prune';
export const retentionJobKey = 'retention';
/** Between runs once nothing is left to prune. */
export const RETENTION_INTERVAL_MS = 3_600_000;
/** Before the next run when a run stopped at its batch limit with more to prune. */
export const RETENTION_CATCH_UP_MS = 60_000;

export function retentionJob(at: Date): NewJob {
  return { kind: RETENTION_KIND, key: retentionJobKey, payload: {}, runAt: at, maxAttempts: 20 };
}

const retentionOn = (policy: RetentionPolicy) =>
  policy.webhookAttemptRetentionMs !== undefined ||
  policy.requestReplyRetentionMs !== undefined ||
  policy.jobRunRetentionMs !== undefined ||
  policy.apiCallRetentionMs !== undefined;

/** At start-up: the recurring job exists when some retention is on (a planned run is left where it is), and not otherwise. */
export async function scheduleRetention(ctx: Pick<CoreContext, 'db' | 'clock'>, policy: RetentionPolicy): Promise<void> {
  const now = ctx.clock.now();
  if (retentionOn(policy)) await ensureJob(ctx.db, retentionJob(now), now);
  else await deleteJob(ctx.db, retentionJobKey);
}

export interface PruneResult {
  pruned: number;
  /** Whether the run stopped at its batch limit, so more may be left. */
  more: boolean;
}

/** Runs `prune` (which deletes up to the limit it is given) batch by batch, up to the run's limit. */
async function inBatches(policy: RetentionPolicy, prune: (limit: number) => Promise<number>): Promise<PruneResult> {
  const batchSize = policy.batchSize ?? 500;
  let pruned = 0;
  for (let batch = 0; batch < (policy.batchesPerRun ?? 20); batch++) {
    const deleted = await prune(batchSize);
    pruned += deleted;
    if (deleted < batchSize) return { pruned, more: false };
  }
  return { pruned, more: true };
}

const cutoff = (ctx: Pick<CoreContext, 'clock'>, windowMs: number) => new Date(ctx.clock.now().getTime() - windowMs);

/** Deletes the attempts of events delivered before the window. */
export function pruneWebhookAttempts(ctx: Pick<CoreContext, 'db' | 'clock'>, policy: RetentionPolicy): Promise<PruneResult> {
  const windowMs = policy.webhookAttemptRetentionMs;
  if (windowMs === undefined) return Promise.resolve({ pruned: 0, more: false });
  return inBatches(policy, (limit) => pruneDeliveredWebhookAttempts(ctx.db, cutoff(ctx, windowMs), limit));
}

/** Drops the reply bodies of Request-IDs claimed before the window (the keys stay). */
export function pruneRequestReplies(ctx: Pick<CoreContext, 'db' | 'clock'>, policy: RetentionPolicy): Promise<PruneResult> {
  const windowMs = policy.requestReplyRetentionMs;
  if (windowMs === undefined) return Promise.resolve({ pruned: 0, more: false });
  return inBatches(policy, (limit) => pruneStoredReplies(ctx.db, cutoff(ctx, windowMs), limit, ctx.clock.now()));
}

/** Deletes the job runs that finished before the window. */
export function pruneJobRuns(ctx: Pick<CoreContext, 'db' | 'clock'>, policy: RetentionPolicy): Promise<PruneResult> {
  const windowMs = policy.jobRunRetentionMs;
  if (windowMs === undefined) return Promise.resolve({ pruned: 0, more: false });
  return inBatches(policy, (limit) => pruneJobRunHistory(ctx.db, cutoff(ctx, windowMs), limit));
}

/** Deletes the API call log's rows older than the window. */
export function pruneApiCalls(ctx: Pick<CoreContext, 'db' | 'clock'>, policy: RetentionPolicy): Promise<PruneResult> {
  const windowMs = policy.apiCallRetentionMs;
  if (windowMs === undefined) return Promise.resolve({ pruned: 0, more: false });
  return inBatches(policy, (limit) => pruneApiCallRows(ctx.db, cutoff(ctx, windowMs), limit));
}

/** One run of the recurring job: prune, then plan the next run (re-enqueuing by key keeps the row when this run completes). */
export async function runRetention(ctx: Pick<CoreContext, 'db' | 'clock'>, policy: RetentionPolicy): Promise<void> {
  if (!retentionOn(policy)) return;
  const attempts = await pruneWebhookAttempts(ctx, policy);
  const replies = await pruneRequestReplies(ctx, policy);
  const runs = await pruneJobRuns(ctx, policy);
  const calls = await pruneApiCalls(ctx, policy);
  const now = ctx.clock.now();
  const more = attempts.more || replies.more || runs.more || calls.more;
  const next = new Date(now.getTime() + (more ? RETENTION_CATCH_UP_MS : RETENTION_INTERVAL_MS));
  await enqueueJob(ctx.db, retentionJob(next), now);
}
