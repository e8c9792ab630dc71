/**
 * The latency tail at half load, and what it is made of (bench/README.md, Where the tail comes
 * from): the open-model run itself, framed by the servers' runtime telemetry
 * (src/metrics/runtime-telemetry.ts: event-loop delay, GC pauses, pool waits), the load
 * generator's own event-loop delay, PostgreSQL's checkpoints and the wait events of its backends
 * sampled during the run, the jobs the runner touched; and the queueing floor: the tail an ideal
 * server with the measured unloaded latencies would have at the same utilisation.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Db } from '../../src/store/db.js';
import type { RuntimeTelemetry } from '../../src/metrics/runtime-telemetry.js';
import { openLoop, percentile, type LoadResult, type RequestSpec } from './load.js';
import { processTree } from './processes.js';

export interface QueueingFloor {
  /** Arrivals: evenly spaced (what openLoop sends) or Poisson (for comparison). */
  arrivals: 'even' | 'poisson';
  servers: number;
  utilisation: number;
  p50_ms: number;
  p99_ms: number;
  p99_over_p50: number;
}

export interface HalfLoadTelemetry {
  /** A lightly loaded probe (a quarter of the rate, evenly spaced): each capture's latency with next to nothing queued in front. */
  unloaded: { rate: number; samples: number; p50_ms: number; p99_ms: number; p99_over_p50: number };
  /** The floors at the half-load rate, from the unloaded latencies and the CPU per capture on the machine's cores. */
  floors: QueueingFloor[];
  /** Per Holdfast process during the half-load run. */
  holdfast: RuntimeTelemetry[];
  /** The bench process's own event-loop delay during the run: the load generator's part of each measured latency. */
  load_generator_event_loop_delay_ms: { p50: number; p99: number; max: number };
  postgres: {
    /** Backends started on the database during the run (a pool opening connections). */
    sessions_started: number;
    checkpoints: number;
    buffers_checkpoint: number;
    buffers_backend: number;
    buffers_backend_fsync: number;
    /** Samples of the scratch database's active backends every 20 ms: share of backend-samples per wait event ("CPU" when none). */
    wait_events: Record<string, number>;
    samples: number;
    /** Mean active backends per sample. */
    active_backends: number;
  };
  /** Jobs the runner ran or touched during the run, by kind (updated_at inside the window). */
  jobs_touched: Record<string, number>;
}

/** The floor by simulation: `servers` FCFS servers, service times drawn from `serviceMs`, arrivals at `rate`. */
export function queueingFloor(options: {
  arrivals: 'even' | 'poisson';
  rate: number;
  servers: number;
  /** The latency of each request with nothing queued (what the client sees at zero load). */
  unloadedMs: number[];
  /** The CPU each request holds a core for, on average: the part that queues. */
  cpuMs: number;
}): QueueingFloor {
  const { rate, servers, unloadedMs, cpuMs } = options;
  const n = 200_000;
  let seed = 42;
  const random = () => {
    // xorshift: the same floor on every run
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const meanUnloaded = unloadedMs.reduce((s, x) => s + x, 0) / unloadedMs.length;
  const free = new Array<number>(servers).fill(0);
  const latencies: number[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += options.arrivals === 'even' ? 1000 / rate : (-Math.log(1 - random()) * 1000) / rate;
    const unloaded = unloadedMs[Math.floor(random() * unloadedMs.length)] ?? meanUnloaded;
    // The CPU part of this request scales with its latency (a slow one did more work).
    const service = (cpuMs * unloaded) / meanUnloaded;
    let k = 0;
    for (let s = 1; s < servers; s++) if ((free[s] ?? 0) < (free[k] ?? 0)) k = s;
    const start = Math.max(t, free[k] ?? 0);
    free[k] = start + service;
    latencies.push(start - t + unloaded);
  }
  latencies.sort((a, b) => a - b);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    arrivals: options.arrivals,
    servers,
    utilisation: r((rate * cpuMs) / 1000 / servers),
    p50_ms: r(p50),
    p99_ms: r(p99),
    p99_over_p50: r(p99 / p50),
  };
}

/**
 * SIGUSR2 to the processes that run the telemetry: each writes what it counted since the last and
 * starts afresh. Only to those still in the server's process tree: a pid left by a process that
 * has gone may belong to another process now.
 */
function signalTelemetry(directory: string, serverPid: number): number[] {
  const tree = new Set(processTree(serverPid));
  const pids = readdirSync(directory)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => Number(f.slice(0, -4)))
    .filter((pid) => tree.has(pid));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGUSR2');
    } catch {
      // a worker that has gone
    }
  }
  return pids;
}

async function readTelemetry(directory: string, pids: number[], after: Set<string>): Promise<RuntimeTelemetry[]> {
  const deadline = performance.now() + 3000;
  for (;;) {
    const fresh = readdirSync(directory).filter((f) => f.endsWith('.json') && !after.has(f));
    if (fresh.length >= pids.length || performance.now() > deadline)
      return fresh.map((f) => JSON.parse(readFileSync(join(directory, f), 'utf8')) as RuntimeTelemetry);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const files = (directory: string) => new Set(existsSync(directory) ? readdirSync(directory) : []);

interface Bgwriter {
  /** Sessions (backends) started on the scratch database so far: pg_stat_database.sessions. */
  sessions: number;
  checkpoints: number;
  buffers_checkpoint: number;
  buffers_backend: number;
  buffers_backend_fsync: number;
}

async function bgwriter(db: Db): Promise<Bgwriter> {
  const [row] = await db.query<Record<keyof Bgwriter, string>>(
    `select checkpoints_timed + checkpoints_req as checkpoints, buffers_checkpoint, buffers_backend, buffers_backend_fsync,
       (select sessions from pg_stat_database where datname = current_database()) as sessions
     from pg_stat_bgwriter`,
  );
  return {
    sessions: Number(row?.sessions),
    checkpoints: Number(row?.checkpoints),
    buffers_checkpoint: Number(row?.buffers_checkpoint),
    buffers_backend: Number(row?.buffers_backend),
    buffers_backend_fsync: Number(row?.buffers_backend_fsync),
  };
}

/** Samples the wait events of the database's active backends (other than this sampler's own) until stopped. */
function sampleWaitEvents(
  db: Db,
  database: string,
): { stop(): Promise<{ events: Record<string, number>; samples: number; active: number }> } {
  const counts = new Map<string, number>();
  let samples = 0;
  let active = 0;
  const state = { stopped: false };
  const loop = (async () => {
    while (!state.stopped) {
      const rows = await db.query<{ w: string }>(
        `select coalesce(wait_event_type || ':' || wait_event, 'CPU') as w from pg_stat_activity
         where datname = $1 and state = 'active' and pid <> pg_backend_pid() and backend_type = 'client backend'`,
        [database],
      );
      samples++;
      active += rows.length;
      for (const r of rows) counts.set(r.w, (counts.get(r.w) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      state.stopped = true;
      await loop;
      const total = [...counts.values()].reduce((s, c) => s + c, 0);
      const events = Object.fromEntries(
        [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, c]) => [k, Math.round((c / Math.max(1, total)) * 1000) / 1000]),
      );
      return { events, samples, active: Math.round((active / Math.max(1, samples)) * 100) / 100 };
    },
  };
}

/**
 * The half-load run with what explains its tail. `telemetryDir`: the directory the Holdfast
 * processes under test write their runtime telemetry to (HOLDFAST_BENCH_TELEMETRY).
 */
export async function measureHalfLoad(options: {
  baseUrl: string;
  /** The server's main process: the telemetry's processes are it and its workers. */
  serverPid: number;
  telemetryDir: string;
  db: Db;
  database: string;
  rate: number;
  durationS: number;
  cores: number;
  /** CPU ms per capture, every party on the machine (from the fixed-concurrency runs). */
  cpuMsPerCapture: number;
  next: () => RequestSpec | undefined;
}): Promise<{ half: LoadResult & { targetRps: number; serviceP99Ms: number }; telemetry: HalfLoadTelemetry }> {
  // A quarter of the rate (little queueing yet) for long enough to give a p99 some samples: a
  // dozen latencies made the floor's quantiles two of the probe's own values.
  const probeRate = Math.max(10, Math.round(options.rate / 4));
  const probeS = Math.min(2 * options.durationS, Math.max(options.durationS / 2, 400 / probeRate));
  const probe = await openLoop(options.baseUrl, { rate: probeRate, durationS: probeS, next: options.next });
  const unloaded = probe.latencies;

  let pids = signalTelemetry(options.telemetryDir, options.serverPid);
  await new Promise((r) => setTimeout(r, 200));
  const before = files(options.telemetryDir);
  const pgBefore = await bgwriter(options.db);
  const [{ now: startedAt } = { now: '' }] = await options.db.query<{ now: string }>('select clock_timestamp()::text as now');
  const sampler = sampleWaitEvents(options.db, options.database);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const half = await openLoop(options.baseUrl, { rate: options.rate, durationS: options.durationS, next: options.next });
  loop.disable();
  pids = signalTelemetry(options.telemetryDir, options.serverPid);
  const waits = await sampler.stop();
  const pgAfter = await bgwriter(options.db);
  const jobs = await options.db.query<{ kind: string; n: string }>(
    `select kind, count(*)::text as n from jobs where updated_at >= $1::timestamptz group by kind`,
    [startedAt],
  );
  const holdfast = await readTelemetry(options.telemetryDir, pids, before);

  const sorted = [...unloaded].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  const floor = (arrivals: 'even' | 'poisson') =>
    queueingFloor({ arrivals, rate: options.rate, servers: options.cores, unloadedMs: sorted, cpuMs: options.cpuMsPerCapture });
  // The latencies are summed up above; the run's other figures go on.
  const halfResult: Omit<typeof half, 'latencies'> & { latencies?: number[] } = { ...half };
  delete halfResult.latencies;
  return {
    half: halfResult,
    telemetry: {
      unloaded: {
        rate: probeRate,
        samples: sorted.length,
        p50_ms: r(percentile(sorted, 50)),
        p99_ms: r(percentile(sorted, 99)),
        p99_over_p50: r(percentile(sorted, 99) / percentile(sorted, 50)),
      },
      floors: [floor('even'), floor('poisson')],
      holdfast,
      load_generator_event_loop_delay_ms: {
        p50: r(loop.percentile(50) / 1e6),
        p99: r(loop.percentile(99) / 1e6),
        max: r(loop.max / 1e6),
      },
      postgres: {
        sessions_started: pgAfter.sessions - pgBefore.sessions,
        checkpoints: pgAfter.checkpoints - pgBefore.checkpoints,
        buffers_checkpoint: pgAfter.buffers_checkpoint - pgBefore.buffers_checkpoint,
        buffers_backend: pgAfter.buffers_backend - pgBefore.buffers_backend,
        buffers_backend_fsync: pgAfter.buffers_backend_fsync - pgBefore.buffers_backend_fsync,
        wait_events: waits.events,
        samples: waits.samples,
        active_backends: waits.active,
      },
      jobs_touched: Object.fromEntries(jobs.map((j) => [j.kind, Number(j.n)])),
    },
  };
}

/** The telemetry in a few log lines. */
export function describeHalfLoad(t: HalfLoadTelemetry): string[] {
  const f = (x: number) => x.toFixed(2);
  const even = t.floors.find((x) => x.arrivals === 'even');
  const poisson = t.floors.find((x) => x.arrivals === 'poisson');
  const lines = [
    `unloaded (${t.unloaded.rate}/s, ${t.unloaded.samples} captures): p50 ${f(t.unloaded.p50_ms)} ms, p99 ${f(t.unloaded.p99_ms)} ms, p99/p50 ${f(t.unloaded.p99_over_p50)}`,
    ...(even && poisson
      ? [
          `queueing floor at ${f(even.utilisation)} utilisation of ${even.servers} cores: evenly spaced arrivals p99/p50 ${f(even.p99_over_p50)} ` +
            `(${f(even.p50_ms)} / ${f(even.p99_ms)} ms), Poisson ${f(poisson.p99_over_p50)} (${f(poisson.p50_ms)} / ${f(poisson.p99_ms)} ms)`,
        ]
      : []),
    `load generator event-loop delay p50 ${f(t.load_generator_event_loop_delay_ms.p50)} / p99 ${f(t.load_generator_event_loop_delay_ms.p99)} / max ${f(t.load_generator_event_loop_delay_ms.max)} ms`,
  ];
  for (const h of t.holdfast)
    lines.push(
      `holdfast ${h.pid}: event-loop delay p50 ${f(h.event_loop_delay_ms.p50)} / p99 ${f(h.event_loop_delay_ms.p99)} / max ${f(h.event_loop_delay_ms.max)} ms; ` +
        `GC ${h.gc.count} pauses, ${f(h.gc.total_ms)} ms in all, max ${f(h.gc.max_ms)} ms; pool waits ${h.pool_wait_ms.waited} of ${h.pool_wait_ms.count}, ` +
        `p99 ${f(h.pool_wait_ms.p99)}, max ${f(h.pool_wait_ms.max)} ms; ${h.pool_connections_opened} connections opened`,
    );
  const p = t.postgres;
  lines.push(
    `PostgreSQL: ${p.sessions_started} sessions started, ${p.checkpoints} checkpoints, ${p.buffers_checkpoint} buffers by checkpoint, ${p.buffers_backend} by backends; ${p.active_backends} active backends per sample, wait events ` +
      Object.entries(p.wait_events)
        .slice(0, 6)
        .map(([k, v]) => `${k} ${(v * 100).toFixed(0)}%`)
        .join(', '),
    `jobs touched: ${
      Object.entries(t.jobs_touched)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
  );
  return lines;
}
