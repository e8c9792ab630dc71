import { deleteJob, enqueueJob, ensureJob, type NewJob } from '../store/jobs-repository.js';
import { pruneDeliveredWebhookAttempts } from '../store/retention-repository.js';
import type { CoreContext } from './context.js';

/**
 * Retention of what grows with every order beside the order itself (README "Configuration"):
 * the delivery attempts of webhook events delivered longer ago than HOLDFAST_WEBHOOK_ATTEMPT_RETENTION.
 * One recurring job, asked for at every start-up by its key (so it is never doubled), deletes them
 * in bounded batches and plans its own next run.
 */
export interface RetentionPolicy {
  /** Attempts of events delivered longer ago than this are deleted; undefined: kept for ever. */
  webhookAttemptRetentionMs: number | undefined;
  /** Attempts deleted per statement (Default: 500): each batch is short, holding few row locks. */
  batchSize?: number;
  /** Batches per run (Default: 20): a run ends well inside the job lease; the rest waits for the next run. */
  batchesPerRun?: number;
}

export const WEBHOOK_ATTEMPT_RETENTION_KIND = 'retention.webhook_attempts';
export const webhookAttemptRetentionJobKey = 'retention:webhook-attempts';
/** Between runs once nothing is left to prune. */
export const RETENTION_INTERVAL_MS = 3_600_000;
/** Before the next run when a run stopped at its batch limit with more to prune. */
export const RETENTION_CATCH_UP_MS = 60_000;

export function webhookAttemptRetentionJob(at: Date): NewJob {
  return { kind: WEBHOOK_ATTEMPT_RETENTION_KIND, key: webhookAttemptRetentionJobKey, payload: {}, runAt: at, maxAttempts: 20 };
}

/** At start-up: the recurring job exists when retention is on (a planned run is left where it is), and not when it is off. */
export async function scheduleRetention(ctx: Pick<CoreContext, 'db' | 'clock'>, policy: RetentionPolicy): Promise<void> {
  const now = ctx.clock.now();
  if (policy.webhookAttemptRetentionMs === undefined) await deleteJob(ctx.db, webhookAttemptRetentionJobKey);
  else await ensureJob(ctx.db, webhookAttemptRetentionJob(now), now);
}

export interface PruneResult {
  pruned: number;
  /** Whether the run stopped at its batch limit, so more may be left. */
  more: boolean;
}

/** Deletes the attempts past the window, batch by batch, up to the run's limit. */
export async function pruneWebhookAttempts(ctx: Pick<CoreContext, 'db' | 'clock'>, policy: RetentionPolicy): Promise<PruneResult> {
  if (policy.webhookAttemptRetentionMs === undefined) return { pruned: 0, more: false };
  const batchSize = policy.batchSize ?? 500;
  const cutoff = new Date(ctx.clock.now().getTime() - policy.webhookAttemptRetentionMs);
  let pruned = 0;
  for (let batch = 0; batch < (policy.batchesPerRun ?? 20); batch++) {
    const deleted = await pruneDeliveredWebhookAttempts(ctx.db, cutoff, batchSize);
    pruned += deleted;
    if (deleted < batchSize) return { pruned, more: false };
  }
  return { pruned, more: true };
}

/** One run of the recurring job: prune, then plan the next run (re-enqueuing by key keeps the row when this run completes). */
export async function runWebhookAttemptRetention(ctx: Pick<CoreContext, 'db' | 'clock'>, policy: RetentionPolicy): Promise<PruneResult> {
  const result = await pruneWebhookAttempts(ctx, policy);
  if (policy.webhookAttemptRetentionMs === undefined) return result;
  const now = ctx.clock.now();
  const next = new Date(now.getTime() + (result.more ? RETENTION_CATCH_UP_MS : RETENTION_INTERVAL_MS));
  await enqueueJob(ctx.db, webhookAttemptRetentionJob(next), now);
  return result;
}
