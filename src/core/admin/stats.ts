import { invalidInput } from '../../domain/errors.js';
import {
  countInReview,
  countOperationsByBucket,
  countPendingAtGateway,
  heldByCurrency,
  jobHealth,
  webhookHealth,
} from '../../store/admin-stats-repository.js';
import type { CoreContext } from '../context.js';

export const STATS_RANGES = ['24h', '7d', '30d'] as const;
export type StatsRange = (typeof STATS_RANGES)[number];

/** `stats` of docs/admin-api.md. */
export interface Stats {
  range: StatsRange;
  bucket: 'hour' | 'day';
  series: {
    bucket_start: string;
    authorizations: number;
    authorizations_succeeded: number;
    captures: number;
    captures_succeeded: number;
    voids: number;
    refunds: number;
  }[];
  authorization_success_rate: number | null;
  capture_success_rate: number | null;
  held: { currency: string; amount: number }[];
  pending_at_gateway: number;
  in_review: number;
  webhooks: { delivered: number; failed: number; pending: number; oldest_pending_at: string | null };
  jobs: { due: number; running: number; failed: number; oldest_due_at: string | null };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The range's buckets, oldest first: 24 hours, or 7 or 30 UTC days, the last one being the current (partial) one. */
function buckets(range: StatsRange, now: Date): { bucket: 'hour' | 'day'; starts: Date[]; to: Date } {
  const bucket = range === '24h' ? 'hour' : 'day';
  const size = bucket === 'hour' ? HOUR_MS : DAY_MS;
  const count = range === '24h' ? 24 : range === '7d' ? 7 : 30;
  const current = Math.floor(now.getTime() / size) * size;
  const starts = Array.from({ length: count }, (_, i) => new Date(current - (count - 1 - i) * size));
  return { bucket, starts, to: new Date(current + size) };
}

const rate = (succeeded: number, total: number) => (total === 0 ? null : succeeded / total);

export function parseStatsRange(value: string | undefined): StatsRange {
  if (value === undefined) return '24h';
  if (!(STATS_RANGES as readonly string[]).includes(value)) throw invalidInput('range', `range must be one of ${STATS_RANGES.join(', ')}`);
  return value as StatsRange;
}

/**
 * The admin home's figures over `range`, for the merchants in scope (null: all). The series and
 * the rates count operations made in the range; held, pending, in review and the jobs are as of
 * now; webhooks count deliveries and give-ups in the range, and every event still waiting.
 */
export async function stats(
  ctx: Pick<CoreContext, 'db' | 'clock'>,
  range: StatsRange,
  merchantIds: readonly string[] | null,
): Promise<Stats> {
  const now = ctx.clock.now();
  const { bucket, starts, to } = buckets(range, now);
  const from = starts[0] ?? now;
  const [counts, held, pending, inReview, webhooks, jobs] = await Promise.all([
    countOperationsByBucket(ctx.db, { merchantIds, from, to, bucket }),
    heldByCurrency(ctx.db, merchantIds),
    countPendingAtGateway(ctx.db, merchantIds),
    countInReview(ctx.db, merchantIds),
    webhookHealth(ctx.db, merchantIds, from, to),
    jobHealth(ctx.db, merchantIds, now),
  ]);
  const byStart = new Map(counts.map((c) => [c.bucketStart.getTime(), c]));
  const series = starts.map((start) => {
    const c = byStart.get(start.getTime());
    return {
      bucket_start: start.toISOString(),
      authorizations: c?.authorizations ?? 0,
      authorizations_succeeded: c?.authorizationsSucceeded ?? 0,
      captures: c?.captures ?? 0,
      captures_succeeded: c?.capturesSucceeded ?? 0,
      voids: c?.voids ?? 0,
      refunds: c?.refunds ?? 0,
    };
  });
  const total = (key: keyof (typeof series)[number]) => series.reduce((s, b) => s + Number(b[key]), 0);
  return {
    range,
    bucket,
    series,
    authorization_success_rate: rate(total('authorizations_succeeded'), total('authorizations')),
    capture_success_rate: rate(total('captures_succeeded'), total('captures')),
    held,
    pending_at_gateway: pending,
    in_review: inReview,
    webhooks: {
      delivered: webhooks.delivered,
      failed: webhooks.failed,
      pending: webhooks.pending,
      oldest_pending_at: webhooks.oldestPendingAt ? webhooks.oldestPendingAt.toISOString() : null,
    },
    jobs: {
      due: jobs.due,
      running: jobs.running,
      failed: jobs.failed,
      oldest_due_at: jobs.oldestDueAt ? jobs.oldestDueAt.toISOString() : null,
    },
  };
}
