import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver, type IntervalHistogram, type PerformanceEntry } from 'node:perf_hooks';
import { observePool } from '../store/postgres-db.js';

/**
 * What a process's latency tail is made of, for the benchmark (bench/README.md, Where the tail
 * comes from): event-loop delay, garbage-collection pauses and waits for a database connection.
 * On only when HOLDFAST_BENCH_TELEMETRY names a directory: each process then writes
 * `<pid>-<n>.json` there on SIGUSR2 (and starts counting afresh, so the bench can frame one
 * measurement between two signals) and once more when it stops.
 */
export interface RuntimeTelemetry {
  pid: number;
  seconds: number;
  event_loop_delay_ms: { p50: number; p99: number; max: number; mean: number };
  gc: { count: number; total_ms: number; max_ms: number; by_kind: Record<string, { count: number; total_ms: number }> };
  pool_wait_ms: { count: number; waited: number; p50: number; p99: number; max: number; total: number };
  /** Database connections the pool opened (each a new PostgreSQL backend, its caches and prepared statements cold). */
  pool_connections_opened: number;
}

const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };

export function startRuntimeTelemetry(directory: string | undefined): { write(): void } | undefined {
  if (!directory) return undefined;
  mkdirSync(directory, { recursive: true });
  // Which processes listen for SIGUSR2 (a cluster's primary does not: the signal would end it).
  writeFileSync(join(directory, `${process.pid}.pid`), '');
  // 1 ms resolution: the default 10 ms would hide the delays the half-load tail is made of.
  const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let gcs: { kind: string; ms: number }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0;
      gcs.push({ kind: GC_KINDS[kind] ?? String(kind), ms: entry.duration });
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  let waits: number[] = [];
  let opened = 0;
  observePool({
    waited: (ms) => waits.push(ms),
    connected: () => opened++,
  });
  let since = performance.now();
  let written = 0;

  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const round = (n: number) => Math.round(n * 100) / 100;
  const at = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  const snapshot = (): RuntimeTelemetry => {
    const sorted = [...waits].sort((a, b) => a - b);
    const byKind: RuntimeTelemetry['gc']['by_kind'] = {};
    for (const g of gcs) {
      const k = (byKind[g.kind] ??= { count: 0, total_ms: 0 });
      k.count++;
      k.total_ms = round(k.total_ms + g.ms);
    }
    return {
      pid: process.pid,
      seconds: round((performance.now() - since) / 1000),
      event_loop_delay_ms: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), mean: ms(loop.mean) },
      gc: {
        count: gcs.length,
        total_ms: round(gcs.reduce((s, g) => s + g.ms, 0)),
        max_ms: round(Math.max(0, ...gcs.map((g) => g.ms))),
        by_kind: byKind,
      },
      pool_wait_ms: {
        count: sorted.length,
        // A wait under 0.05 ms is a client handed over from the idle list, not a wait.
        waited: sorted.filter((w) => w >= 0.05).length,
        p50: round(at(sorted, 50)),
        p99: round(at(sorted, 99)),
        max: round(sorted.at(-1) ?? 0),
        total: round(sorted.reduce((s, w) => s + w, 0)),
      },
      pool_connections_opened: opened,
    };
  };
  const write = () => {
    writeFileSync(join(directory, `${process.pid}-${++written}.json`), `${JSON.stringify(snapshot())}\n`);
    loop.reset();
    gcs = [];
    waits = [];
    opened = 0;
    since = performance.now();
  };
  process.on('SIGUSR2', write);
  return { write };
}
