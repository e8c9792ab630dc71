/**
 * The capture through PgBouncer beside the direct one, and what the difference is made of
 * (bench/README.md, Capture through PgBouncer): Holdfast straight on PostgreSQL with prepared
 * statements and without (the cost of unnamed statements alone), Holdfast through PgBouncer, and
 * the ceiling: pgbench running the same statements, unnamed (-M extended), straight and through
 * the same PgBouncer, with PgBouncer's own CPU per capture.
 */
import { readFileSync } from 'node:fs';
import type { CpuShare } from './cpu.js';
import { processCpuMs } from './cpu.js';
import type { LoadResult } from './load.js';
import { processTree } from './processes.js';

export interface PgBouncerSide {
  /** Median of the rounds' 2xx answers (pgbench: transactions) per second. */
  rps: number;
  p50_ms: number;
  p99_ms: number;
  /** Answers other than 2xx over every round: a capture through PgBouncer that failed shows here. */
  failed: number;
  /** The median round's CPU ms per capture; `pgbouncer`: PgBouncer's own (0 when not in the path). */
  cpu_ms_per_capture?: CpuShare & { pgbouncer: number };
}

/** The capture through PgBouncer beside the direct one (bench/run.ts, the PgBouncer step). */
export interface PgBouncerCaptureFigures {
  connections: number;
  workers: number;
  rounds: number;
  orders: number;
  /** Holdfast straight on PostgreSQL, prepared statements on (the default). */
  direct: PgBouncerSide;
  /** Holdfast straight on PostgreSQL, HOLDFAST_DB_PREPARED=off: what unnamed statements cost on their own. */
  direct_unprepared?: PgBouncerSide;
  /** Holdfast through PgBouncer in pool_mode = transaction, HOLDFAST_DB_PREPARED=off. */
  through_pgbouncer: PgBouncerSide;
  /** pgbench, the same statements, -M extended (unnamed, as Holdfast sends them through a pooler), straight and through the same PgBouncer. */
  pgbench_direct?: PgBouncerSide;
  pgbench_through_pgbouncer?: PgBouncerSide;
  /** through_pgbouncer.rps / direct.rps (null when the direct side captured nothing). */
  ratio_vs_direct: number | null;
  /** The same ratio in each round, both sides measured one after the other. */
  ratio_by_round: (number | null)[];
  /** direct_unprepared / direct: the part of the ratio that is HOLDFAST_DB_PREPARED=off. */
  unprepared_vs_prepared?: number | null;
  /** through_pgbouncer / direct_unprepared: the part that is the pooler, for Holdfast. */
  pooled_vs_direct_unprepared?: number | null;
  /** pgbench through PgBouncer / straight: the pooler's own cost with nothing else in the way (the ceiling of the part above). */
  pgbench_pooled_vs_direct?: number | null;
  /** 1-minute load average when the step started. */
  loadavg_at_start?: number;
}

export type Measured = { run: LoadResult; cpu?: CpuShare & { pgbouncer: number } };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const ratio = (over: number | undefined, under: number | undefined) =>
  over !== undefined && under !== undefined && under > 0 ? Math.round((over / under) * 1000) / 1000 : null;

function side(runs: Measured[]): PgBouncerSide {
  const sorted = [...runs].sort((a, b) => a.run.rps - b.run.rps);
  const mid = sorted[Math.floor(sorted.length / 2)];
  return {
    rps: Math.round(median(runs.map((r) => r.run.rps))),
    p50_ms: Math.round(median(runs.map((r) => r.run.p50Ms)) * 100) / 100,
    p99_ms: Math.round(median(runs.map((r) => r.run.p99Ms)) * 100) / 100,
    failed: runs.reduce((sum, r) => sum + r.run.failed, 0),
    ...(mid?.cpu ? { cpu_ms_per_capture: mid.cpu } : {}),
  };
}

export interface PgBouncerRound {
  direct: Measured;
  through_pgbouncer: Measured;
  direct_unprepared?: Measured;
  pgbench_direct?: Measured;
  pgbench_through_pgbouncer?: Measured;
}

export function pgbouncerFigures(
  rounds: PgBouncerRound[],
  settings: { connections: number; workers: number; orders: number; loadavgAtStart: number },
): PgBouncerCaptureFigures {
  const pick = (k: keyof PgBouncerRound) => {
    const runs = rounds.map((r) => r[k]).filter((m): m is Measured => m !== undefined);
    return runs.length > 0 ? side(runs) : undefined;
  };
  const direct = side(rounds.map((r) => r.direct));
  const throughPgbouncer = side(rounds.map((r) => r.through_pgbouncer));
  const unprepared = pick('direct_unprepared');
  const pgbDirect = pick('pgbench_direct');
  const pgbPooled = pick('pgbench_through_pgbouncer');
  return {
    connections: settings.connections,
    workers: settings.workers,
    rounds: rounds.length,
    orders: settings.orders,
    direct,
    ...(unprepared ? { direct_unprepared: unprepared } : {}),
    through_pgbouncer: throughPgbouncer,
    ...(pgbDirect ? { pgbench_direct: pgbDirect } : {}),
    ...(pgbPooled ? { pgbench_through_pgbouncer: pgbPooled } : {}),
    ratio_vs_direct: ratio(throughPgbouncer.rps, direct.rps),
    ratio_by_round: rounds.map((r) => ratio(r.through_pgbouncer.run.rps, r.direct.run.rps)),
    unprepared_vs_prepared: ratio(unprepared?.rps, direct.rps),
    pooled_vs_direct_unprepared: ratio(throughPgbouncer.rps, unprepared?.rps),
    pgbench_pooled_vs_direct: ratio(pgbPooled?.rps, pgbDirect?.rps),
    loadavg_at_start: settings.loadavgAtStart,
  };
}

/** The PgBouncer processes this process started (test/helpers/pgbouncer.ts spawns it as a child). */
export function pgbouncerPids(): number[] {
  return processTree(process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'pgbouncer';
    } catch {
      return false;
    }
  });
}

/** PgBouncer's CPU ms so far (every PgBouncer this process started). */
export const pgbouncerCpuMs = (): number => pgbouncerPids().reduce((sum, pid) => sum + processCpuMs(pid), 0);

/** The figures in a few log lines. */
export function describePgbouncer(f: PgBouncerCaptureFigures): string[] {
  const x = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(3));
  const cpu = (s: PgBouncerSide | undefined) =>
    s?.cpu_ms_per_capture
      ? ` (CPU ms per capture: server ${s.cpu_ms_per_capture.server}, PostgreSQL ${s.cpu_ms_per_capture.postgres}, PgBouncer ${s.cpu_ms_per_capture.pgbouncer}, load generator ${s.cpu_ms_per_capture.load_generator}; busy ${s.cpu_ms_per_capture.busy_cores} cores)`
      : '';
  return [
    `pgbouncer, medians of ${f.rounds} rounds: Holdfast direct ${f.direct.rps}/s${cpu(f.direct)}`,
    `  Holdfast direct, prepared off ${f.direct_unprepared?.rps ?? 'n/a'}/s${cpu(f.direct_unprepared)}`,
    `  Holdfast through PgBouncer ${f.through_pgbouncer.rps}/s${cpu(f.through_pgbouncer)}`,
    `  pgbench -M extended direct ${f.pgbench_direct?.rps ?? 'n/a'} tps${cpu(f.pgbench_direct)}, through PgBouncer ${f.pgbench_through_pgbouncer?.rps ?? 'n/a'} tps${cpu(f.pgbench_through_pgbouncer)}`,
    `  ratio_vs_direct ${x(f.ratio_vs_direct)} (by round ${f.ratio_by_round.map(x).join(', ')}) = prepared off / on ${x(f.unprepared_vs_prepared)} × pooled / direct (both off) ${x(f.pooled_vs_direct_unprepared)}; pgbench through PgBouncer / direct ${x(f.pgbench_pooled_vs_direct)}`,
  ];
}
