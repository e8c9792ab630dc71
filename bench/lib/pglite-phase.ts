/**
 * The embedded PGlite step: one data directory seeded as the PostgreSQL ones are, copied afresh
 * for every measurement so each starts from the same rows; then, in alternating rounds, the raw
 * loop (lib/pglite-raw.ts: PGlite itself running the capture's statements in the bench process)
 * and Holdfast started on a copy with PGlite on each thread placement measured (HOLDFAST_PGLITE_THREAD),
 * Pine Labs captures at the bench's connections. Each figure is the median of its rounds; peak RSS
 * is the highest of the rounds.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import type { Db } from '../../src/store/db.js';
import { openPglite } from '../../src/store/pglite-db.js';
import type { LoadResult, RequestSpec } from './load.js';
import { OrderRange } from './orders.js';
import { rawCaptureLoop } from './pglite-raw.js';

/** Where PGlite runs inside `holdfast start` (HOLDFAST_PGLITE_THREAD). */
export type PgliteThread = 'main' | 'worker';

export interface PgliteThreadFigures {
  thread: PgliteThread;
  captures_per_s: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  peak_rss_mb: number | null;
  captures_per_s_by_round: (number | null)[];
}

export interface PgliteFigures {
  /** Holdfast on PGlite in its default placement (`threads[0]`), Pine Labs captures per second. */
  captures_per_s: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  orders: number;
  peak_rss_mb: number | null;
  /** The raw loop: captures (the bench's whole statement list) per second, PGlite alone in one loop. */
  raw_statements_per_s?: number | null;
  /** captures_per_s / raw_statements_per_s. */
  ratio_vs_raw?: number | null;
  raw_by_round?: (number | null)[];
  rounds?: number;
  seconds_per_round?: number;
  /** Every placement measured, the default first. */
  threads?: PgliteThreadFigures[];
}

export interface PgliteServer {
  baseUrl: string;
  /** Highest VmHWM of its processes, MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

export interface PglitePhaseOptions {
  orders: number;
  connections: number;
  warmupS: number;
  secondsPerRound: number;
  rounds: number;
  /** The default placement first. */
  threads: PgliteThread[];
  log(line: string): void;
  describe(what: string, run: LoadResult): void;
  /** Migrates, makes the keys and the merchant, seeds `orders` authorized orders. */
  setUp(db: Db, orders: number): Promise<MerchantCredentials>;
  startHoldfast(env: Record<string, string>): Promise<PgliteServer>;
  token(baseUrl: string, merchant: MerchantCredentials): Promise<string>;
  captures(range: OrderRange, bearer: string): () => RequestSpec | undefined;
  closedLoop(
    baseUrl: string,
    options: { connections: number; durationS: number; next: () => RequestSpec | undefined },
  ): Promise<LoadResult>;
}

const round = (n: number, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};

export async function measurePglite(o: PglitePhaseOptions): Promise<PgliteFigures> {
  const work = mkdtempSync(join(tmpdir(), 'holdfast-bench-pglite-'));
  const seedDir = join(work, 'seed');
  mkdirSync(seedDir);
  let copies = 0;
  /** A fresh copy of the seeded data directory (HOLDFAST_DATA_DIR: PGlite's files are in its pgdata/). */
  const freshCopy = () => {
    const dir = join(work, `copy-${++copies}`);
    cpSync(seedDir, dir, { recursive: true });
    return dir;
  };
  try {
    const seedStart = performance.now();
    const seeding = await openPglite(join(seedDir, 'pgdata'));
    const merchant = await o.setUp(seeding, o.orders);
    await seeding.query('vacuum analyze');
    await seeding.close();
    o.log(`PGlite seeded with ${o.orders} orders in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`);

    const raw: RawRound[] = [];
    const byThread = new Map<PgliteThread, HoldfastRound[]>(o.threads.map((t) => [t, []]));
    for (let r = 1; r <= o.rounds; r++) {
      raw.push(await rawRound(o, freshCopy(), merchant.merchant_id));
      o.log(`PGlite raw loop, round ${r}: ${raw.at(-1)?.capturesPerS.toFixed(0)} captures/s`);
      for (const thread of o.threads) byThread.get(thread)?.push(await holdfastRound(o, freshCopy(), merchant, thread, r));
    }
    const rawPerS = median(raw.map((x) => x.capturesPerS));
    const threads = o.threads.map((thread) => threadFigures(thread, byThread.get(thread) ?? []));
    const first = threads[0];
    const headline = first?.captures_per_s ?? NaN;
    o.log(
      `PGlite: raw ${rawPerS.toFixed(0)} captures/s; ` +
        threads.map((t) => `Holdfast (PGlite on the ${t.thread} thread) ${t.captures_per_s}/s, peak RSS ${t.peak_rss_mb} MB`).join('; ') +
        `; ratio_vs_raw ${round(headline / rawPerS, 3)}`,
    );
    return {
      captures_per_s: first?.captures_per_s ?? null,
      p50_ms: first?.p50_ms ?? null,
      p99_ms: first?.p99_ms ?? null,
      orders: o.orders,
      peak_rss_mb: first?.peak_rss_mb ?? null,
      raw_statements_per_s: round(rawPerS, 1),
      ratio_vs_raw: round(headline / rawPerS, 3),
      raw_by_round: raw.map((x) => round(x.capturesPerS, 1)),
      rounds: o.rounds,
      seconds_per_round: o.secondsPerRound,
      threads,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface RawRound {
  capturesPerS: number;
}

async function rawRound(o: PglitePhaseOptions, dataDir: string, merchantId: string): Promise<RawRound> {
  const db = await openPglite(join(dataDir, 'pgdata'));
  try {
    const range = new OrderRange(1, o.orders);
    await rawCaptureLoop(db, merchantId, range, o.warmupS);
    const run = await rawCaptureLoop(db, merchantId, range, o.secondsPerRound);
    if (run.exhausted) o.log('  ! the raw PGlite loop ran out of seeded orders before the time was up: raise --pglite-orders');
    return { capturesPerS: run.capturesPerS };
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface HoldfastRound {
  run: LoadResult;
  peakRssMb: number;
}

async function holdfastRound(
  o: PglitePhaseOptions,
  dataDir: string,
  merchant: MerchantCredentials,
  thread: PgliteThread,
  r: number,
): Promise<HoldfastRound> {
  const server = await o.startHoldfast({ HOLDFAST_DATA_DIR: dataDir, HOLDFAST_PGLITE_THREAD: thread });
  try {
    const range = new OrderRange(1, o.orders);
    const bearer = await o.token(server.baseUrl, merchant);
    await o.closedLoop(server.baseUrl, { connections: o.connections, durationS: o.warmupS, next: o.captures(range, bearer) });
    const run = await o.closedLoop(server.baseUrl, {
      connections: o.connections,
      durationS: o.secondsPerRound,
      next: o.captures(range, bearer),
    });
    o.describe(`Holdfast on PGlite (${thread} thread), round ${r}, Pine Labs capture, ${o.connections} connections`, run);
    return { run, peakRssMb: server.peakRssMb() };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function threadFigures(thread: PgliteThread, rounds: HoldfastRound[]): PgliteThreadFigures {
  return {
    thread,
    captures_per_s: round(median(rounds.map((x) => x.run.rps)), 1),
    p50_ms: round(median(rounds.map((x) => x.run.p50Ms))),
    p99_ms: round(median(rounds.map((x) => x.run.p99Ms))),
    peak_rss_mb: round(Math.max(...rounds.map((x) => x.peakRssMb)), 1),
    captures_per_s_by_round: rounds.map((x) => round(x.run.rps, 1)),
  };
}
