import type { CpuShare } from './cpu.js';
import type { AdminSearchFigures } from './admin-search.js';
import type { HalfLoadTelemetry } from './half-load.js';
import type { Machine } from './machine.js';
import type { PgBouncerCaptureFigures } from './pgbouncer-capture.js';
import type { PgliteFigures } from './pglite-phase.js';
import { STORAGE_TARGET_TABLE_BYTES, type StorageFigures } from './storage.js';
import type { UpstreamCaptureFigures } from './upstream-capture.js';

/** bench/results/latest.json. */
/** One worker count's median run. */
export interface ByWorkers {
  workers: number;
  rps: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  cpu_ms_per_capture: CpuShare;
  wal_bytes_per_capture: number;
}

export interface BenchResults {
  date: string;
  mode: 'full' | 'quick';
  capture: {
    holdfast_rps: number | null;
    pgbench_tps: number | null;
    naive_rps: number | null;
    ratio_vs_pgbench: number | null;
    ratio_vs_naive: number | null;
    p50_ms: number | null;
    p99_ms: number | null;
    p50_ms_at_half_load: number | null;
    p99_ms_at_half_load: number | null;
    half_load_rps: number;
    half_load_achieved_rps: number | null;
    half_load_service_p99_ms: number | null;
    /** What the half-load tail is made of, and its queueing floor (bench/lib/half-load.ts). */
    half_load_telemetry?: HalfLoadTelemetry;
    juspay_rps: number | null;
    /** juspay_rps / holdfast_rps: the Juspay capture against the Pine Labs one, same run, same server (target >= 0.9). */
    juspay_ratio: number | null;
    /** p99_ms_at_half_load / p50_ms_at_half_load (target <= 2.0; bench/README.md, Where the tail comes from). */
    p99_over_p50_at_half_load: number | null;
    /** The Pine Labs capture at each worker count tried; the headline is the fastest. */
    by_workers: ByWorkers[];
    naive_by_workers: ByWorkers[];
    /** Holdfast, the naive handler and pgbench were measured in alternating rounds; each figure is the median of its rounds. */
    rounds: number;
    seconds_per_round: number;
    pgbench_tps_by_round: (number | null)[];
    pgbench_wal_bytes_per_capture: number;
    juspay_p50_ms: number | null;
    juspay_p99_ms: number | null;
    naive_p50_ms: number | null;
    naive_p99_ms: number | null;
    pgbench_p50_ms: number | null;
    pgbench_p99_ms: number | null;
    pgbench_mode: string;
    /** One capture alone on the database (pgbench, 1 client): the floor of Holdfast's unloaded latency. */
    pgbench_1_client_p50_ms: number | null;
    /** pgbench -M extended (unnamed statements, as node-postgres sends them), 16 clients. */
    pgbench_extended_tps: number | null;
    failed: Record<string, number>;
  };
  flow: { flows_per_s: number | null; requests_per_s: number | null; failed: number };
  pglite: PgliteFigures;
  scaling: {
    p50_ms_10k: number | null;
    p50_ms_1m: number | null;
    ratio: number | null;
    p99_ms_10k: number | null;
    p99_ms_1m: number | null;
    orders_small: number;
    orders_large: number;
    /** The scaling runs send one capture at a time, alternating the two sizes; the figures are medians of the rounds. */
    connections: number;
    rounds: number;
    seconds_per_round: number;
    table_mb: Record<string, number>;
  };
  /** CPU ms per capture during the 16-connection runs, by party (server = Holdfast / the naive handler / pgbench's client). */
  cpu_ms_per_capture: { holdfast: CpuShare; naive: CpuShare; pgbench: CpuShare };
  memory: { peak_rss_mb: number | null; total_peak_rss_mb: number | null; processes: { role: string; pid: number; peak_rss_mb: number }[] };
  statements: {
    per_capture: number;
    transactions: number;
    holdfast_recorded: number | null;
    juspay_recorded: number | null;
    background_recorded: number | null;
    /** Drift check, 320 captures 16 at a time with the job runner on: statements per capture from requests and from the runner. */
    under_load_request_per_capture: number | null;
    under_load_background_per_capture: number | null;
    bench_list_matches: boolean | null;
    seed_matches: boolean | null;
    /** pgbench -r with 1 client: each statement's average latency in the database, in list order. */
    pgbench_ms_1_client: { id: string; ms: number | null }[];
  };
  settings: {
    orders: number;
    connections: number;
    duration_s: number;
    holdfast_workers: number;
    holdfast_workers_applied: boolean;
    naive_workers: number;
    pool_per_process: number;
    order_amount: number;
    capture_amount: number;
  };
  machine: Machine & { loadavg_at_end: number };
  run_seconds: number;
  /** The admin API's order search (bench/lib/admin-search.ts); absent with --skip-admin-search. */
  admin_search?: AdminSearchFigures;
  /** The capture through an upstream Holdfast beside the direct one (bench/lib/upstream-capture.ts); absent with --skip-upstream. */
  upstream?: UpstreamCaptureFigures;
  /** Holdfast through PgBouncer (transaction pooling) beside the direct one (bench/lib/pgbouncer-capture.ts); from --pgbouncer-only. */
  pgbouncer?: PgBouncerCaptureFigures;
  /** Each table's heap and index size per captured order (bench/lib/storage.ts). */
  storage?: StorageFigures;
}

type Row = [figure: string, value: string, target: string, met: string];

const n = (v: number | null | undefined, digits = 0) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));
const check = (ok: boolean | null) => (ok === null ? '' : ok ? 'yes' : 'no');
const atLeast = (v: number | null, t: number) => (v === null ? null : v >= t);
const atMost = (v: number | null, t: number) => (v === null ? null : v <= t);
const size = (count: number) =>
  count >= 1_000_000 && count % 1_000_000 === 0
    ? `${count / 1_000_000}M`
    : count >= 1000 && count % 1000 === 0
      ? `${count / 1000}k`
      : String(count);

const workersLabel = (w: number) => `${w} worker${w === 1 ? '' : 's'}`;

export function rows(r: BenchResults): Row[] {
  const c = r.capture;
  const conns = r.settings.connections;
  const procs = r.memory.processes.length;
  return [
    [`Capture, Pine Labs, ${conns} connections, ${workersLabel(r.settings.holdfast_workers)}`, `${n(c.holdfast_rps)}/s`, '', ''],
    ...c.by_workers
      .filter((b) => b.workers !== r.settings.holdfast_workers)
      .map((b): Row => [`  at ${workersLabel(b.workers)}`, `${n(b.rps)}/s`, '', '']),
    [`  pgbench, the same ${r.statements.per_capture} statements, ${conns} clients (${c.pgbench_mode})`, `${n(c.pgbench_tps)} tps`, '', ''],
    [`  pgbench, -M extended (unnamed statements, as node-postgres)`, `${n(c.pgbench_extended_tps)} tps`, '', ''],
    [
      `  naive Fastify + pg, the same statements, ${workersLabel(r.settings.naive_workers).replace('worker', 'process').replace('processs', 'processes')}`,
      `${n(c.naive_rps)}/s`,
      '',
      '',
    ],
    ...c.naive_by_workers
      .filter((b) => b.workers !== r.settings.naive_workers)
      .map((b): Row => [
        `    at ${workersLabel(b.workers).replace('worker', 'process').replace('processs', 'processes')}`,
        `${n(b.rps)}/s`,
        '',
        '',
      ]),
    ['  Holdfast / pgbench', n(c.ratio_vs_pgbench, 2), '>= 0.7', check(atLeast(c.ratio_vs_pgbench, 0.7))],
    ['  Holdfast / naive', n(c.ratio_vs_naive, 2), '>= 1.0', check(atLeast(c.ratio_vs_naive, 1.0))],
    [`  p50 / p99 at ${conns} connections`, `${n(c.p50_ms, 1)} / ${n(c.p99_ms, 1)} ms`, '', ''],
    [
      `  p50 / p99 at half load (${c.half_load_rps}/s, open model)`,
      `${n(c.p50_ms_at_half_load, 1)} / ${n(c.p99_ms_at_half_load, 1)} ms`,
      'p99 <= 25 ms',
      check(atMost(c.p99_ms_at_half_load, 25)),
    ],
    ...((): Row[] => {
      const mine = c.by_workers.find((b) => b.workers === r.settings.holdfast_workers)?.wal_bytes_per_capture;
      if (mine === undefined) return [];
      return [
        [`  WAL per capture, Holdfast / pgbench`, `${n(mine / 1024, 1)} / ${n(c.pgbench_wal_bytes_per_capture / 1024, 1)} KiB`, '', ''],
      ];
    })(),
    ['  p99 / p50 at half load', n(c.p99_over_p50_at_half_load, 2), '<= 2.0', check(atMost(c.p99_over_p50_at_half_load, 2.0))],
    [`Capture, Juspay, ${conns} connections`, `${n(c.juspay_rps)}/s (p50 ${n(c.juspay_p50_ms, 1)} ms)`, '', ''],
    ['  Juspay / Pine Labs', n(c.juspay_ratio, 2), '>= 0.9', check(atLeast(c.juspay_ratio, 0.9))],
    [`Full flow: token, order, card payment, capture`, `${n(r.flow.flows_per_s)} flows/s`, '', ''],
    [
      `Capture on the embedded PGlite (${size(r.pglite.orders)} orders) / PGlite alone, same statements`,
      r.pglite.raw_statements_per_s === undefined
        ? `${n(r.pglite.captures_per_s)}/s`
        : `${n(r.pglite.ratio_vs_raw ?? null, 2)} (${n(r.pglite.captures_per_s)}/s vs ${n(r.pglite.raw_statements_per_s)} captures/s)`,
      '>= 0.8',
      check(atLeast(r.pglite.ratio_vs_raw ?? null, 0.8)),
    ],
    [
      `p50 at ${size(r.scaling.orders_small)} / ${size(r.scaling.orders_large)} orders (1 connection)`,
      `${n(r.scaling.p50_ms_10k, 2)} / ${n(r.scaling.p50_ms_1m, 2)} ms (x${n(r.scaling.ratio, 2)})`,
      '<= 1.2x',
      check(atMost(r.scaling.ratio, 1.2)),
    ],
    [`  one capture alone in the database (pgbench, 1 client)`, `${n(c.pgbench_1_client_p50_ms, 2)} ms`, '', ''],
    [
      `Peak RSS per Holdfast process (${procs} process${procs === 1 ? '' : 'es'})`,
      `${n(r.memory.peak_rss_mb)} MB`,
      '<= 200 MB',
      check(atMost(r.memory.peak_rss_mb, 200)),
    ],
    ...(r.pglite.peak_rss_mb !== null
      ? ([[`  Holdfast on PGlite`, `${n(r.pglite.peak_rss_mb)} MB`, '<= 200 MB', check(atMost(r.pglite.peak_rss_mb, 200))]] as Row[])
      : []),
    ...adminSearchRows(r.admin_search),
    ...upstreamRows(r.upstream),
    ...storageRows(r.storage),
    ...pgbouncerRows(r.pgbouncer),
  ];
}

function upstreamRows(u: UpstreamCaptureFigures | undefined): Row[] {
  if (!u) return [];
  const side = (s: UpstreamCaptureFigures['direct']) => `${n(s.rps)}/s (p50 ${n(s.p50_ms, 1)} / p99 ${n(s.p99_ms, 1)} ms)`;
  return [
    [`Full capture through an upstream Holdfast (pinelabs-online account), ${u.connections} connections`, side(u.through_upstream), '', ''],
    [`  the same front, orders of its sandbox`, side(u.direct), '', ''],
    [`  through the upstream / direct (load average ${n(u.loadavg_at_start[0], 1)})`, n(u.capture_ratio, 2), '', ''],
  ];
}

/** The capture through an upstream: its figures, how they were made, and what the ratio means. */
function upstreamSection(u: UpstreamCaptureFigures): string {
  const cpu = (label: string, c: UpstreamCaptureFigures['direct']['cpu_ms_per_capture']) =>
    `| ${label} | ${n(c.front, 2)} | ${n(c.upstream, 2)} | ${n(c.postgres, 2)} | ${n(c.load_generator, 2)} | ${n(c.other, 2)} | ${n(c.busy_cores, 2)} |`;
  const d = u.direct;
  const t = u.through_upstream;
  const c = u.captured;
  const load = (l: number[]) => l.map((x) => n(x, 2)).join(' / ');
  const total = (x: UpstreamCaptureFigures['direct']['cpu_ms_per_capture']) => x.front + x.upstream + x.postgres + x.load_generator;
  const directCpu = total(d.cpu_ms_per_capture);
  const chainCpu = total(t.cpu_ms_per_capture);
  return [
    '## Capture through an upstream',
    '',
    `Measured ${u.date} (${u.run_seconds} s in all). Load average (1 / 5 / 15 min) ${load(u.loadavg_at_start)} at the start, ${load(u.loadavg_at_end)} at the end: the machine was shared, so the absolute figures are indicative; the ratio, of two measurements made one right after the other in each round, is what this step is for. (The step has its own date and load average: \`npm run bench -- --upstream-only --record\` measures it alone and adds it to the last run's results.)`,
    '',
    `One front Holdfast and one upstream Holdfast, each with --workers ${u.front_workers} / ${u.upstream_workers} and a scratch PostgreSQL database of its own on the same server. Both sides send full captures (${u.capture_amount} of ${u.capture_amount}) of seeded authorized orders to the front, ${u.captures_per_round} per round at ${u.connections} connections, in ${u.rounds} alternating rounds after ${u.warmup_captures} warm-up captures each; each figure is the side's median round.`,
    '',
    '| | Captures/s | p50 ms | p99 ms | Captures/s by round |',
    '|---|---|---|---|---|',
    `| Direct: orders the front's sandbox authorized | ${n(d.rps)} | ${n(d.p50_ms, 1)} | ${n(d.p99_ms, 1)} | ${d.rps_by_round.map((x) => n(x)).join(', ')} |`,
    `| Through the upstream: orders a pinelabs-online account authorized at the upstream | ${n(t.rps)} | ${n(t.p50_ms, 1)} | ${n(t.p99_ms, 1)} | ${t.rps_by_round.map((x) => n(x)).join(', ')} |`,
    '',
    `**upstream.capture_ratio = ${n(u.capture_ratio, 2)}**: through the upstream over direct, the median of the rounds' ratios (${u.capture_ratio_by_round.map((x) => n(x, 2)).join(', ')}), each of two measurements made one right after the other.`,
    '',
    'CPU milliseconds per capture during the median rounds:',
    '',
    '| Run | Front Holdfast | Upstream Holdfast | PostgreSQL | Load generator | Other work on the machine | Machine busy (cores) |',
    '|---|---|---|---|---|---|---|',
    cpu('direct', d.cpu_ms_per_capture),
    cpu('through the upstream', t.cpu_ms_per_capture),
    '',
    `What the ratio means: a capture through the upstream is the front's own capture (its read, intent and answer in its database) plus one call to the upstream: a cached token, a fresh HTTP connection (src/connectors/upstream-http.ts opens one per call), and the upstream's own full capture in its own database. Both Holdfasts, PostgreSQL and the load generator share the same ${u.cores} cores, so if the upstream's capture cost what a direct one costs and the call cost nothing, each capture through the upstream would cost two direct captures of CPU: **the ideal ratio on one machine is about 0.5**. What falls short of 0.5 is what the call itself costs: the front's HTTP client and its reading of the answer, the upstream's new connection and token check, and the Request-ID the connector sends with every call, which makes the upstream look the id up and keep its answer (src/core/request-replay.ts; ${c.request_keys_at_upstream} request records at the upstream), work a direct capture without one does not do. On a saturated machine the ratio follows the CPU per capture of all the parties above (other work on the machine aside): ${n(directCpu, 2)} ms direct against ${n(chainCpu, 2)} ms through the upstream, a ratio of ${n(directCpu / chainCpu, 2)}. Against a real gateway on machines of its own, the front's throughput would be bounded by its own share (the front column) and the gateway's latency, not by this ratio.`,
    '',
    `Every answer counted was checked after the run: ${c.direct} direct orders captured of ${c.direct_answered} captures answered 2xx; through the upstream ${c.through_upstream_at_front} orders captured at the front and ${c.through_upstream_at_upstream} at the upstream of ${c.through_upstream_answered} answered 2xx (warm-up included); ${d.failed + t.failed} answers not 2xx. ${u.seed_problems.length === 0 ? 'An order authorized through the account by the API matched the seeded ones at both ends.' : `The seeded orders differ from one authorized through the account by the API: ${u.seed_problems.join('; ')}.`}`,
  ].join('\n');
}

function pgbouncerRows(p: PgBouncerCaptureFigures | undefined): Row[] {
  if (!p) return [];
  return [
    [
      `Capture through PgBouncer (transaction pooling, prepared off) / direct, ${p.connections} connections`,
      `${n(p.ratio_vs_direct, 2)} (${n(p.through_pgbouncer.rps)}/s vs ${n(p.direct.rps)}/s)`,
      '>= 0.9',
      check(atLeast(p.ratio_vs_direct, 0.9)),
    ],
    ...(p.direct_unprepared
      ? ([[`  direct, prepared off / on`, `${n(p.unprepared_vs_prepared, 2)} (${n(p.direct_unprepared.rps)}/s)`, '', '']] as Row[])
      : []),
    ...(p.pgbench_direct && p.pgbench_through_pgbouncer
      ? ([
          [
            `  ceiling: pgbench -M extended through PgBouncer / direct`,
            `${n(p.pgbench_pooled_vs_direct, 2)} (${n(p.pgbench_through_pgbouncer.rps)} vs ${n(p.pgbench_direct.rps)} tps)`,
            '',
            '',
          ],
        ] as Row[])
      : []),
  ];
}

function storageRows(s: StorageFigures | undefined): Row[] {
  if (!s) return [];
  // Results written before the heap and the indexes were told apart have the totals only.
  const split = (x: { table_bytes_per_order?: number; index_bytes_per_order?: number; bytes_per_order: number }) =>
    x.table_bytes_per_order === undefined
      ? `${n(x.bytes_per_order)} bytes`
      : `${n(x.table_bytes_per_order)} + ${n(x.index_bytes_per_order)} bytes`;
  const old: Partial<StorageFigures> = s;
  return [
    [
      `Storage per captured order (${size(s.orders)} orders), tables (heap + TOAST)`,
      `${n(old.table_bytes_per_order)} bytes`,
      `<= ${STORAGE_TARGET_TABLE_BYTES} bytes`,
      check(atMost(old.table_bytes_per_order ?? null, STORAGE_TARGET_TABLE_BYTES)),
    ],
    [`  indexes`, `${n(old.index_bytes_per_order)} bytes`, '', ''],
    [`  tables with indexes`, `${n(s.bytes_per_order)} bytes`, '', ''],
    ...s.tables.filter((t) => t.rows > 0).map((t): Row => [`  ${t.table} (${t.rows} rows), table + indexes`, split(t), '', '']),
  ];
}

function adminSearchRows(a: AdminSearchFigures | undefined): Row[] {
  if (!a) return [];
  const latency = (f: AdminSearchFigures['by_reference']) => `p50 ${n(f.p50_ms, 1)} / p99 ${n(f.p99_ms, 1)} ms (${n(f.rps)}/s)`;
  return [
    [`Admin order search by merchant reference (${size(a.orders)} orders, ${a.connections} connections)`, latency(a.by_reference), '', ''],
    [`  merchant + status + 3 days, page 2 via cursor`, latency(a.filtered_page_2), '', ''],
  ];
}

function header(r: BenchResults): string {
  const m = r.machine;
  return `${r.date.slice(0, 19).replace('T', ' ')} UTC, ${r.mode} run: ${m.cores} x ${m.cpu}, ${m.memory_gb} GB, ${m.os}, Node ${m.node}, ${m.postgres}`;
}

export function renderTable(r: BenchResults): string {
  const head: Row = ['Figure', 'Value', 'Target', 'Met'];
  const all: Row[] = [head, ...rows(r)];
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i]?.length ?? 0)));
  const line = (row: Row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [`Holdfast bench, ${header(r)}`, line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

export function renderMarkdown(r: BenchResults, full = false): string {
  const table = [
    '| Figure | Value | Target | Met |',
    '|---|---|---|---|',
    ...rows(r).map((row) => `| ${row[0].replace(/^ {2}/, '&nbsp;&nbsp;')} | ${row[1]} | ${row[2]} | ${row[3]} |`),
  ].join('\n');
  const m = r.machine;
  const s = r.settings;
  const body = [
    `Run of ${r.date} (${r.mode}, ${r.run_seconds} s in all).`,
    '',
    `Machine: ${m.cores} x ${m.cpu}, ${m.memory_gb} GB, ${m.os}; Node ${m.node}; ${m.postgres} (${Object.entries(m.postgres_settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}); ${m.pgbench}.`,
    '',
    `Settings: ${s.orders} seeded orders, ${s.connections} connections, ${s.duration_s} s per measurement (the Holdfast / naive / pgbench captures: ${r.capture.rounds} alternating rounds of ${r.capture.seconds_per_round} s, medians), Holdfast ${s.holdfast_workers_applied ? `--workers ${s.holdfast_workers}` : '1 process (no --workers in this build)'}, naive ${s.naive_workers} process(es), ${s.pool_per_process} pool connections per process; partial captures of ${s.capture_amount} of ${s.order_amount}.`,
    '',
    table,
    '',
    `Where one capture's time goes in the database (pgbench -r, 1 client, average ms per statement; total ${n(
      r.statements.pgbench_ms_1_client.reduce((sum, x) => sum + (x.ms ?? 0), 0),
      2,
    )} ms):`,
    '',
    r.statements.pgbench_ms_1_client.map((x) => `${x.id} ${n(x.ms, 3)}`).join(' · '),
    '',
    'CPU milliseconds per capture during the 16-connection runs (server = Holdfast, the naive handler, or pgbench as client):',
    '',
    '| Run | Server | PostgreSQL | Load generator | Other | Machine busy (cores) |',
    '|---|---|---|---|---|---|',
    ...(['holdfast', 'naive', 'pgbench'] as const).map((k) => {
      const c = r.cpu_ms_per_capture[k];
      return `| ${k} | ${n(c.server, 2)} | ${n(c.postgres, 2)} | ${n(c.load_generator, 2)} | ${n(c.other, 2)} | ${n(c.busy_cores, 2)} |`;
    }),
    '',
    `Statements per Pine Labs capture: ${r.statements.per_capture} in the bench list (${r.statements.transactions} transactions); recorded from Holdfast: ${r.statements.holdfast_recorded ?? 'n/a'} (Juspay: ${r.statements.juspay_recorded ?? 'n/a'}; background job after it: ${r.statements.background_recorded ?? 'n/a'}); list matches Holdfast: ${r.statements.bench_list_matches ?? 'n/a'}. Under load with the job runner on, per capture: ${n(r.statements.under_load_request_per_capture, 1)} statements from the request, ${n(r.statements.under_load_background_per_capture, 1)} from the runner.`,
    ...(r.upstream ? ['', upstreamSection(r.upstream)] : []),
  ].join('\n');
  if (!full) return `${body}\n`;
  return [
    '# Holdfast benchmark results',
    '',
    'Recorded with `npm run bench -- --record` (see [README.md](README.md) for what each figure means; the full JSON of the',
    'latest run is in [results/latest.json](results/latest.json)).',
    '',
    body,
    '',
  ].join('\n');
}
