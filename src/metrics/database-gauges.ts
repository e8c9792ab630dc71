import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../domain/clock.js';
import type { Queryable } from '../store/db.js';
import { heldByCurrency, jobStatsByKind, ordersInReview, type JobKindStats } from '../store/gauge-queries.js';

export interface DatabaseGaugeOptions {
  db: Queryable;
  clock: Clock;
  /** How long one scrape may wait for the database before these gauges are left out of it. */
  timeoutMs: number;
}

/** What one scrape read from the database; undefined where the database did not answer in time. */
interface Snapshot {
  at: Date;
  held: Map<string, number> | undefined;
  inReview: number | undefined;
  jobs: Map<string, JobKindStats> | undefined;
}

/**
 * Gauges read from the database when Prometheus scrapes: money held, the job queue, orders in
 * manual review — indexed queries (store/gauge-queries.ts), run once per scrape and shared by the
 * gauges. A database that is down or slow never fails the scrape: what it could not answer is left
 * out (no stale value passed off as current), `holdfast_metrics_database_up` says 0, and the
 * process's own metrics are reported as usual.
 */
export function databaseGauges(registry: Registry, options: DatabaseGaugeOptions): void {
  let current: Promise<Snapshot> | undefined;
  // Every gauge's collect starts in the same tick of a scrape: the first one reads, the rest share it.
  const snapshot = () => {
    current ??= readSnapshot(options).finally(() => {
      setImmediate(() => (current = undefined));
    });
    return current;
  };
  /** A gauge whose samples are set from the scrape's snapshot (and cleared first, so a vanished label goes). */
  const gauge = <L extends string>(
    config: { name: string; help: string; labelNames?: readonly L[] },
    set: (g: Gauge<L>, s: Snapshot) => void,
  ): Gauge<L> =>
    new Gauge<L>({
      ...config,
      registers: [registry],
      async collect() {
        const s = await snapshot();
        this.reset();
        set(this, s);
      },
    });

  gauge(
    { name: 'holdfast_metrics_database_up', help: '1 when the database answered every query of this scrape in time, 0 otherwise' },
    (g, s) => {
      g.set(s.held && s.inReview !== undefined && s.jobs ? 1 : 0);
    },
  );
  gauge(
    {
      name: 'holdfast_ledger_held_minor_units',
      help: "Money authorized and not yet captured or released (the ledger's held balance), in minor units, by currency",
      labelNames: ['currency'],
    },
    (g, s) => {
      for (const [currency, amount] of s.held ?? []) g.set({ currency }, amount);
    },
  );
  gauge({ name: 'holdfast_orders_in_review', help: 'Orders whose outcome is flagged for a person to settle (manual review)' }, (g, s) => {
    // A gauge without labels always has a sample: NaN says "not known" rather than a false 0.
    g.set(s.inReview ?? Number.NaN);
  });
  const jobGauge = (name: string, help: string, value: (stats: JobKindStats, now: number) => number) =>
    gauge({ name, help, labelNames: ['kind'] }, (g, s) => {
      for (const [kind, stats] of s.jobs ?? []) g.set({ kind }, value(stats, s.at.getTime()));
    });
  jobGauge('holdfast_jobs_due', 'Background jobs due and waiting for a worker, by kind', (j) => j.due);
  jobGauge('holdfast_jobs_running', 'Background jobs a worker is running, by kind', (j) => j.running);
  jobGauge('holdfast_jobs_failed', 'Background jobs that gave up after their last attempt, by kind', (j) => j.failed);
  jobGauge('holdfast_jobs_oldest_due_age_seconds', 'How long the longest-waiting due job has waited, by kind (0: none due)', (j, now) =>
    j.oldestDueAt ? Math.max(0, (now - j.oldestDueAt.getTime()) / 1000) : 0,
  );
}

async function readSnapshot({ db, clock, timeoutMs }: DatabaseGaugeOptions): Promise<Snapshot> {
  const at = clock.now();
  // One after the other: the embedded database has a single connection, and a pool need not lend three.
  const held = await withinTime(heldByCurrency(db), timeoutMs);
  const inReview = held ? await withinTime(ordersInReview(db), timeoutMs) : undefined;
  const jobs = held ? await withinTime(jobStatsByKind(db, at), timeoutMs) : undefined;
  return { at, held, inReview, jobs };
}

/** `work`'s value, or undefined when it fails or takes longer than `timeoutMs`. */
async function withinTime<T>(work: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      resolve(undefined);
    }, timeoutMs);
  });
  try {
    return await Promise.race([work.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
