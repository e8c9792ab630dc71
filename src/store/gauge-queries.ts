import type { Queryable } from './db.js';

/**
 * The counts behind the Prometheus gauges and /readyz, read on every scrape or probe: each one an
 * index scan (jobs_due_idx, jobs_failed_idx, orders_admin_in_review_idx) or a sum over the ledger's
 * `held` postings.
 */

/** Money held by authorizations and not yet captured or released, per currency (minor units). */
export async function heldByCurrency(q: Queryable): Promise<Map<string, number>> {
  const rows = await q.query<{ currency: string; held: string | number }>(
    `select e.currency, sum(p.amount) as held
     from postings p join journal_entries e on e.id = p.entry_id
     where p.account = 'held'
     group by e.currency`,
  );
  return new Map(rows.map((r) => [r.currency, Number(r.held)]));
}

export interface JobKindStats {
  /** Due and not claimed by a worker. */
  due: number;
  /** Claimed by a worker whose lease has not ended. */
  running: number;
  /** Gave up after their last attempt. */
  failed: number;
  /** When the longest-waiting due job was due, or null when none is. */
  oldestDueAt: Date | null;
}

/** The job queue by kind at `now`. A job still scheduled for later is in none of the counts. */
export async function jobStatsByKind(q: Queryable, now: Date): Promise<Map<string, JobKindStats>> {
  const pending = await q.query<{ kind: string; due: string | number; running: string | number; oldest_due: Date | string | null }>(
    `select kind,
       count(*) filter (where locked_until is null or locked_until < $1) as due,
       count(*) filter (where locked_until >= $1) as running,
       min(run_at) filter (where locked_until is null or locked_until < $1) as oldest_due
     from jobs where failed_at is null and run_at <= $1
     group by kind`,
    [now],
  );
  const failed = await q.query<{ kind: string; failed: string | number }>(
    'select kind, count(*) as failed from jobs where failed_at is not null group by kind',
  );
  const stats = new Map<string, JobKindStats>();
  const entry = (kind: string) => {
    let s = stats.get(kind);
    if (!s) stats.set(kind, (s = { due: 0, running: 0, failed: 0, oldestDueAt: null }));
    return s;
  };
  for (const r of pending) {
    const s = entry(r.kind);
    s.due = Number(r.due);
    s.running = Number(r.running);
    s.oldestDueAt = r.oldest_due === null ? null : new Date(r.oldest_due);
  }
  for (const r of failed) entry(r.kind).failed = Number(r.failed);
  return stats;
}

/** Orders flagged for a person to settle (manual review). */
export async function ordersInReview(q: Queryable): Promise<number> {
  const rows = await q.query<{ n: string | number }>('select count(*) as n from orders where review_reason is not null');
  return Number(rows[0]?.n ?? 0);
}
