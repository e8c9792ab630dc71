import type { LoadResult } from './load.js';

export interface PgBouncerSide {
  /** Median of the rounds' 2xx answers per second. */
  rps: number;
  p50_ms: number;
  p99_ms: number;
  /** Answers other than 2xx over every round: a capture through PgBouncer that failed shows here. */
  failed: number;
}

/** The capture through PgBouncer beside the direct one (bench/run.ts --pgbouncer-only). */
export interface PgBouncerCaptureFigures {
  connections: number;
  workers: number;
  rounds: number;
  /** Holdfast straight on PostgreSQL, prepared statements on (the default). */
  direct: PgBouncerSide;
  /** Holdfast through PgBouncer in pool_mode = transaction, HOLDFAST_DB_PREPARED=off. */
  through_pgbouncer: PgBouncerSide;
  /** through_pgbouncer.rps / direct.rps (null when the direct side captured nothing). */
  ratio_vs_direct: number | null;
  /** The same ratio in each round, both sides measured one after the other. */
  ratio_by_round: (number | null)[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const ratio = (over: number, under: number) => (under > 0 ? Math.round((over / under) * 1000) / 1000 : null);

function side(runs: LoadResult[]): PgBouncerSide {
  return {
    rps: Math.round(median(runs.map((r) => r.rps))),
    p50_ms: Math.round(median(runs.map((r) => r.p50Ms)) * 100) / 100,
    p99_ms: Math.round(median(runs.map((r) => r.p99Ms)) * 100) / 100,
    failed: runs.reduce((sum, r) => sum + r.failed, 0),
  };
}

export function pgbouncerFigures(
  rounds: { direct: LoadResult; through_pgbouncer: LoadResult }[],
  connections: number,
  workers: number,
): PgBouncerCaptureFigures {
  const direct = side(rounds.map((r) => r.direct));
  const throughPgbouncer = side(rounds.map((r) => r.through_pgbouncer));
  return {
    connections,
    workers,
    rounds: rounds.length,
    direct,
    through_pgbouncer: throughPgbouncer,
    ratio_vs_direct: ratio(throughPgbouncer.rps, direct.rps),
    ratio_by_round: rounds.map((r) => ratio(r.through_pgbouncer.rps, r.direct.rps)),
  };
}
