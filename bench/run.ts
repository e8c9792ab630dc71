/**
 * `npm run bench` (builds first): Holdfast's hot paths against what the database underneath can
 * do, on this machine, in one bounded run. See bench/README.md for what each figure means.
 *
 *   npm run bench                  full run (1M seeded orders, 10 s per measurement, ~5 min)
 *   npm run bench -- --quick       smoke run (100k orders, 3 s per measurement, ~1–2 min)
 *   npm run bench -- --help        every option
 *
 * Writes bench/results/latest.json and bench/results/latest.md, regenerates
 * bench/capture.pgbench.sql, prints the table; `--record` also rewrites bench/RESULTS.md.
 * `--upstream-only` measures only the capture through an upstream and puts its figures into the
 * existing latest.json (and RESULTS.md with `--record`), keeping every other figure.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/domain/clock.js';
import { openKeys } from '../src/core/keys/open-keys.js';
import { createMerchant, type MerchantCredentials } from '../src/core/merchants.js';
import type { Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { openPostgres } from '../src/store/postgres-db.js';
import { CAPTURE_STATEMENTS } from './capture-statements.js';
import { pgbenchScript } from './lib/pgbench-script.js';
import { checkDrift, printReport, type DriftReport } from './drift-check.js';
import { defined } from './lib/checks.js';
import { startCpuMeter, treeCpuMs, type CpuShare } from './lib/cpu.js';
import { closedLoop, flowLoop, type LoadResult, type RequestSpec } from './lib/load.js';
import { describeHalfLoad, measureHalfLoad } from './lib/half-load.js';
import { describeMachine } from './lib/machine.js';
import { OrderRange } from './lib/orders.js';
import { monotonicUs, renderProfileSummary, summarizeProfiles, type SampleWindow } from './lib/profile.js';
import { ensurePgbench, pgbenchVersion, runPgbench, writeScript, type PgbenchResult } from './lib/pgbench.js';
import {
  freePort,
  HOLDFAST_BIN,
  holdfastSupportsWorkers,
  launch,
  memoryOf,
  processTree,
  ROOT,
  stopAll,
  type Launched,
} from './lib/processes.js';
import { renderMarkdown, renderTable, type BenchResults } from './lib/report.js';
import { adminUrl, createScratchDatabase, type ScratchDatabase } from './lib/scratch-db.js';
import { measureAdminSearch, seedSearchOrders, type AdminSearchFigures } from './lib/admin-search.js';
import {
  capturedOrders,
  linkUpstreamAccount,
  measureUpstreamCaptures,
  checkChainSeed,
  planOrders,
  requestKeys,
  routeToAccount,
  seedUpstreamCaptureOrders,
  upstreamFigures,
  type UpstreamCaptureFigures,
} from './lib/upstream-capture.js';
import {
  describePgbouncer,
  pgbouncerCpuMs,
  pgbouncerFigures,
  type Measured,
  type PgBouncerCaptureFigures,
  type PgBouncerRound,
} from './lib/pgbouncer-capture.js';
import { startPgBouncer, type PgBouncer } from '../test/helpers/pgbouncer.js';
import { CAPTURE_AMOUNT, ORDER_AMOUNT, seedAuthorizedOrders, seedCapturedOrders, txnUuid, orderId } from './lib/seed.js';
import { describeStorage, measureStorage, type StorageFigures } from './lib/storage.js';
import { measurePglite, type PgliteFigures } from './lib/pglite-phase.js';

const HELP = `npm run bench [-- options]

  --quick              smoke run: --orders 100000 --duration 3 (1–2 minutes)
  --orders N           authorized orders seeded on PostgreSQL (Default 1000000)
  --small N            table size of the small scaling point (Default 10000)
  --scaling-large N    table size of the large scaling point (Default: --orders, the large database itself); another
                       size seeds a database of its own for it (5M: see bench/README.md for the time and disk it takes)
  --connections N      fixed concurrency of autocannon, pgbench clients (Default 16)
  --duration S         seconds per measurement (Default 10)
  --workers N          Holdfast processes, passed as "start --workers N" when the CLI has it (Default: cores)
  --pgbench-mode M     prepared | extended | simple (Default prepared: the database at its best)
  --pglite-orders N    orders seeded in the embedded PGlite (Default 30000; quick 15000)
  --skip-pglite        no PGlite measurement
  --pglite-only        only the PGlite step: the raw loop (PGlite alone running the capture's statements) and
                       Holdfast on PGlite, alternating rounds; the figures go into the existing results/latest.json
                       as \`pglite\` (and RESULTS.md with --record)
  --pglite-threads L   where Holdfast runs PGlite, each measured in turn, the default first (Default worker,main)
  --skip-drift         no drift check before the run
  --keep-db            keep the large scratch database (its name is printed)
  --record             also rewrite bench/RESULTS.md with this run
  --skip-admin-search  no admin order search measurement
  --admin-search-only  only the admin order search: --orders orders seeded with generate_series, two searches
                       through the admin API (by merchant reference; a filtered page 2 via its cursor)
  --skip-upstream      no capture through an upstream
  --upstream-only      only the capture through an upstream: full captures at a front Holdfast of orders authorized
                       on its sandbox, and of orders authorized at an upstream Holdfast through a pinelabs-online
                       gateway account, alternating, --upstream-captures each per round; the figures go into the
                       existing results/latest.json (and RESULTS.md with --record)
  --storage-orders N   captured orders seeded on their own scratch database by the full run's storage step
                       (Default 100000; quick 20000)
  --storage-only       only the storage per captured order: --orders captured orders seeded on a scratch database,
                       each table's heap and index size and rows; the figures go into the existing results/latest.json as \`storage\`
                       (and RESULTS.md with --record)
  --upstream-captures N  captures of each kind per round of the upstream step (Default 2000; quick 1000)
  --pgbouncer-only     only the capture through PgBouncer: Pine Labs captures at a Holdfast whose DATABASE_URL is a
                       PgBouncer in pool_mode = transaction (pool of --connections server connections,
                       HOLDFAST_DB_PREPARED=off) and at one straight on PostgreSQL (prepared statements on), same
                       database, --pgbouncer-orders seeded, alternating rounds; prints pgbouncer.ratio_vs_direct and
                       puts the figures into the existing results/latest.json
  --skip-pgbouncer     no capture through PgBouncer (the full run measures it on its own database after the headline)
  --pgbouncer-orders N orders seeded for --pgbouncer-only (Default 200000; quick 60000)
  --tail-only          only the half-load tail: --orders orders seeded, the capacity at --connections, then the
                       half-load open model with what explains its tail (runtime telemetry, PostgreSQL's waits,
                       the queueing floor); prints the figures, writes nothing
  --profile            only profile: Pine Labs captures at --connections for --duration with Holdfast under
                       node --cpu-prof; prints where its CPU goes and keeps the profiles (flame graphs) in
                       bench/results/profiles/ (open them in Chrome DevTools or speedscope.app)
  --profile-dialect D  pinelabs | juspay | both: whose captures --profile sends (Default pinelabs); both profiles
                       each in turn, on its own Holdfast, into bench/results/profiles/<dialect>/
Environment: BENCH_DATABASE_URL (else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres):
the server on which a scratch database is created and dropped.`;

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    orders: { type: 'string' },
    small: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '16' },
    duration: { type: 'string' },
    workers: { type: 'string' },
    'pgbench-mode': { type: 'string', default: 'prepared' },
    'pglite-orders': { type: 'string' },
    'skip-pglite': { type: 'boolean', default: false },
    'pglite-only': { type: 'boolean', default: false },
    'pglite-threads': { type: 'string', default: 'worker,main' },
    'skip-drift': { type: 'boolean', default: false },
    'keep-db': { type: 'boolean', default: false },
    record: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'profile-dialect': { type: 'string', default: 'pinelabs' },
    'skip-admin-search': { type: 'boolean', default: false },
    'admin-search-only': { type: 'boolean', default: false },
    'skip-upstream': { type: 'boolean', default: false },
    'upstream-only': { type: 'boolean', default: false },
    'storage-only': { type: 'boolean', default: false },
    'storage-orders': { type: 'string' },
    'scaling-large': { type: 'string' },
    'upstream-captures': { type: 'string' },
    'pgbouncer-only': { type: 'boolean', default: false },
    'skip-pgbouncer': { type: 'boolean', default: false },
    'pgbouncer-orders': { type: 'string' },
    'tail-only': { type: 'boolean', default: false },
    'tail-compare': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}

const quick = opts.quick;
const int = (v: string | undefined, fallback: number, name: string) => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive whole number, got "${v}"`);
  return n;
};
const ORDERS = int(opts.orders, quick ? 100_000 : 1_000_000, 'orders');
const SMALL = int(opts.small, 10_000, 'small');
const CONNECTIONS = int(opts.connections, 16, 'connections');
const DURATION = int(opts.duration, quick ? 3 : 10, 'duration');
const WORKERS = int(opts.workers, availableParallelism(), 'workers');
const PGLITE_ORDERS = int(opts['pglite-orders'], quick ? 15_000 : 30_000, 'pglite-orders');
const PGLITE_THREADS = opts['pglite-threads'].split(',').map((t) => {
  const thread = t.trim();
  if (thread !== 'main' && thread !== 'worker') throw new Error(`--pglite-threads lists main and/or worker, got "${thread}"`);
  return thread;
});
const UPSTREAM_CAPTURES = int(opts['upstream-captures'], quick ? 1000 : 2000, 'upstream-captures');
const SCALING_LARGE = int(opts['scaling-large'], ORDERS, 'scaling-large');
const STORAGE_ORDERS = int(opts['storage-orders'], quick ? 20_000 : 100_000, 'storage-orders');
const PGBOUNCER_ORDERS = int(opts['pgbouncer-orders'], quick ? 60_000 : 200_000, 'pgbouncer-orders');
const PGBENCH_MODE = opts['pgbench-mode'] as 'prepared' | 'extended' | 'simple';
if (!['prepared', 'extended', 'simple'].includes(PGBENCH_MODE)) throw new Error('--pgbench-mode must be prepared, extended or simple');
if (UPSTREAM_CAPTURES < CONNECTIONS)
  throw new Error(`--upstream-captures (${UPSTREAM_CAPTURES}) must be at least --connections (${CONNECTIONS})`);
if (SMALL * 2 > ORDERS) throw new Error(`--orders (${ORDERS}) must be at least twice --small (${SMALL})`);
const WARMUP_S = quick ? 1 : 3;
const SCALING_S = quick ? 1 : 3;
const SCALING_ROUNDS = 3;
/** The headline (Holdfast, naive, pgbench at fixed concurrency) is measured in this many alternating rounds of ROUND_S seconds each. */
const HEADLINE_ROUNDS = 3;
const ROUND_S = quick ? 2 : Math.max(2, Math.round(DURATION * 0.6));
/** The secondary pgbench runs (extended mode, one client). */
const SHORT_S = quick ? 2 : 5;

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(3)}s`;
const log = (line: string) => {
  console.log(`[bench ${elapsed()}] ${line}`);
};
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const round = (n: number, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);

function describe(what: string, r: LoadResult): void {
  log(
    `${what}: ${fmt(r.rps, 0)}/s 2xx, p50 ${fmt(r.p50Ms, 2)} ms, p99 ${fmt(r.p99Ms, 2)} ms (${r.ok} ok, ${r.failed} failed, ${fmt(r.durationS, 1)} s)`,
  );
  if (r.failed > 0) log(`  ! ${r.failed} failed; first: ${r.failureSample ?? '?'}`);
  if (r.exhausted) log('  ! ran out of seeded orders before the time was up: raise --orders');
}

function describeCpu(who: string, c: CpuShare): void {
  log(
    `  CPU ms per capture: ${who} ${fmt(c.server, 2)}, PostgreSQL ${fmt(c.postgres, 2)}, load generator ${fmt(c.load_generator, 2)}, other ${fmt(c.other, 2)} (machine busy: ${fmt(c.busy_cores, 2)} cores)`,
  );
}

// ---- Holdfast ----------------------------------------------------------------------------------

/** One master key for the run: the bench seeds each database itself, and the servers it starts must open the same keys. */
const BENCH_MASTER_KEY = randomBytes(32).toString('hex');

interface Server {
  process: Launched;
  baseUrl: string;
  workers: number;
  /** Where its processes write their runtime telemetry (HOLDFAST_BENCH_TELEMETRY), when given. */
  telemetryDir?: string;
}

/** `nodeArgs` go before the script; cluster workers inherit them (e.g. --cpu-prof, which NODE_OPTIONS refuses). */
async function startHoldfast(env: Record<string, string>, workers: number, nodeArgs: string[] = []): Promise<Server> {
  const port = await freePort();
  const args = [...nodeArgs, HOLDFAST_BIN, 'start', ...(holdfastSupportsWorkers() ? ['--workers', String(workers)] : [])];
  const pool = { HOLDFAST_DB_POOL: String(poolPerProcess(workers)) };
  const proc = await launch(
    process.execPath,
    args,
    { ...env, ...pool, HOLDFAST_MASTER_KEY: BENCH_MASTER_KEY, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    /Holdfast listening on/,
  );
  return {
    process: proc,
    baseUrl: `http://127.0.0.1:${port}`,
    workers: holdfastSupportsWorkers() ? workers : 1,
    ...(env.HOLDFAST_BENCH_TELEMETRY ? { telemetryDir: env.HOLDFAST_BENCH_TELEMETRY } : {}),
  };
}

/**
 * Database connections per process: the load's concurrency shared out, so Holdfast and the naive
 * handler hold as many connections in all as pgbench has clients (at least 10 per process, the
 * default pool).
 */
const poolPerProcess = (workers: number) => Math.max(10, Math.ceil(CONNECTIONS / workers));

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : word.endsWith('s') ? 'es' : 's'}`;

/** The naive baseline (bench/naive-server.ts) with `workers` processes. */
async function startNaive(url: string, merchantId: string, workers: number): Promise<{ process: Launched; url: string }> {
  const port = await freePort();
  const proc = await launch(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench/naive-server.ts')],
    {
      NAIVE_DATABASE_URL: url,
      NAIVE_MERCHANT_ID: merchantId,
      PORT: String(port),
      NAIVE_WORKERS: String(workers),
      NAIVE_POOL: String(poolPerProcess(workers)),
    },
    /naive listening/,
  );
  return { process: proc, url: `http://127.0.0.1:${port}` };
}

async function token(baseUrl: string, merchant: MerchantCredentials): Promise<string> {
  const reply = await fetch(`${baseUrl}/api/auth/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: merchant.client_id, client_secret: merchant.client_secret, grant_type: 'client_credentials' }),
  });
  const body = (await reply.json()) as { access_token?: string };
  if (!reply.ok || !body.access_token) throw new Error(`token: ${reply.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

function pineLabsCaptures(range: OrderRange, bearer: string): () => RequestSpec | undefined {
  const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' };
  return () => {
    const i = range.next();
    if (i === undefined) return undefined;
    return {
      method: 'PUT',
      path: `/api/pay/v1/orders/${orderId(i)}/capture`,
      headers,
      body: JSON.stringify({ merchant_capture_reference: `cap-${i}`, capture_amount: { value: CAPTURE_AMOUNT, currency: 'INR' } }),
    };
  };
}

function juspayCaptures(range: OrderRange, apiKey: string): () => RequestSpec | undefined {
  const headers = { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`, 'content-type': 'application/json' };
  return () => {
    const i = range.next();
    if (i === undefined) return undefined;
    return {
      method: 'POST',
      path: `/v2/txns/${txnUuid(i)}/capture`,
      headers,
      body: JSON.stringify({ amount: (CAPTURE_AMOUNT / 100).toFixed(2), idempotence_key: `jcap-${i}` }),
    };
  };
}

function processMemory(server: Server, role: string): { role: string; pid: number; peak_rss_mb: number }[] {
  return memoryOf(processTree(server.process.pid)).map((m) => {
    const peak = round(m.peakMb, 1);
    if (peak === null) throw new Error(`bench: no peak RSS for process ${m.pid} (${role})`);
    return { role: m.pid === server.process.pid ? `${role} (main)` : `${role} (worker)`, pid: m.pid, peak_rss_mb: peak };
  });
}

/** A migrated database and its key ring, opened with the master key the servers the bench starts are given. */
async function migrateWithKeys(db: Db) {
  await migrate(db);
  // The servers the bench starts open these keys with the same master key (BENCH_MASTER_KEY, in their environment).
  const { ring } = await openKeys(
    db,
    { masterKey: Buffer.from(BENCH_MASTER_KEY, 'hex'), masterKeyFile: undefined, databaseUrl: undefined, dataDir: tmpdir() },
    systemClock.now(),
    () => {},
  );
  return ring;
}

async function setUp(db: Db, seedTo: number, progress?: (done: number) => void): Promise<MerchantCredentials> {
  const keys = await migrateWithKeys(db);
  const merchant = await createMerchant({ db, clock: systemClock, keys }, { name: 'Bench merchant' });
  await seedAuthorizedOrders(db, merchant.merchant_id, 1, seedTo, progress);
  return merchant;
}

// ---- the run -----------------------------------------------------------------------------------

const PROFILE_DIALECTS: Record<string, readonly ('pinelabs' | 'juspay')[] | undefined> = {
  pinelabs: ['pinelabs'],
  juspay: ['juspay'],
  both: ['pinelabs', 'juspay'],
};
const profileDialects = PROFILE_DIALECTS[opts['profile-dialect']] ?? [];
if (profileDialects.length === 0) throw new Error('--profile-dialect must be pinelabs, juspay or both');
const PROFILE_ROUNDS = 3;

/**
 * --profile: captures in each dialect asked for, each on its own Holdfast under `node --cpu-prof`
 * (every process writes a profile when it exits), the dialects in alternating rounds of --duration
 * seconds; then where the CPU went while they were measured, per capture.
 */
async function profileCaptures(env: Record<string, string>, range: OrderRange, merchant: MerchantCredentials): Promise<void> {
  const root = join(ROOT, 'bench/results/profiles');
  rmSync(root, { recursive: true, force: true });
  const profiled = [];
  for (const dialect of profileDialects) {
    const dir = profileDialects.length > 1 ? join(root, dialect) : root;
    mkdirSync(dir, { recursive: true });
    const server = await startHoldfast(env, WORKERS, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const next =
      dialect === 'juspay' ? juspayCaptures(range, merchant.api_key) : pineLabsCaptures(range, await token(server.baseUrl, merchant));
    await closedLoop(server.baseUrl, { connections: CONNECTIONS, durationS: WARMUP_S, next });
    profiled.push({ name: dialect === 'juspay' ? 'Juspay' : 'Pine Labs', dir, server, next, windows: [] as SampleWindow[], ok: 0 });
  }
  for (let round = 0; round < PROFILE_ROUNDS; round++) {
    for (const p of profiled) {
      const fromUs = monotonicUs();
      const run = await closedLoop(p.server.baseUrl, { connections: CONNECTIONS, durationS: DURATION, next: p.next });
      p.windows.push({ fromUs, toUs: monotonicUs() });
      p.ok += run.ok;
      describe(`Holdfast ${p.name} capture under --cpu-prof, ${CONNECTIONS} connections, round ${round + 1}`, run);
    }
  }
  for (const p of profiled) {
    await p.server.process.stop();
    const text = `${p.name} captures (${p.ok} in ${PROFILE_ROUNDS} rounds)\n${renderProfileSummary(summarizeProfiles(p.dir, 25, p.windows), p.ok)}`;
    writeFileSync(join(p.dir, 'summary.txt'), `${text}\n`);
    // The measured spans on the profiles' clock, for a closer look at the same samples.
    writeFileSync(join(p.dir, 'windows.json'), `${JSON.stringify({ windows: p.windows, captures: p.ok })}\n`);
    console.log(text);
    log(`profiles (whole process lifetimes; the summary counts the measured rounds only) in ${p.dir}`);
  }
}

/** The admin API's order search at --orders orders, on a database of its own (bench/lib/admin-search.ts). */
async function adminSearchPhase(): Promise<AdminSearchFigures> {
  const scratch = await createScratchDatabase('holdfast_bench_admin');
  scratchToDrop.push(scratch);
  // Seeding batches of 100k rows into an indexed table take longer than a request's statement timeout.
  const db = openPostgres({ connectionString: scratch.url, maxConnections: 2, statementTimeoutMs: 600_000, queryTimeoutMs: 610_000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-bench-admin-'));
  try {
    await migrate(db);
    await openKeys(
      db,
      { masterKey: Buffer.from(BENCH_MASTER_KEY, 'hex'), masterKeyFile: undefined, databaseUrl: undefined, dataDir: tmpdir() },
      systemClock.now(),
      () => {},
    );
    const now = new Date();
    const seedStart = performance.now();
    await seedSearchOrders(db, ORDERS, now);
    log(`admin search: ${ORDERS} orders seeded with generate_series in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    const server = await startHoldfast({ DATABASE_URL: scratch.url, HOLDFAST_DATA_DIR: dataDir }, WORKERS);
    try {
      return await measureAdminSearch({ db, baseUrl: server.baseUrl, orders: ORDERS, now, connections: 4, durationS: DURATION, log });
    } finally {
      await server.process.stop();
    }
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
    await scratch.drop();
  }
}

/**
 * Rounds of the capture through an upstream (each side's figures are its median round), after a
 * round of warm-up: with fewer, both Holdfasts were still getting faster from one round to the next.
 */
const UPSTREAM_ROUNDS = 3;
const UPSTREAM_WARMUP = UPSTREAM_CAPTURES;

/**
 * The capture through an upstream (bench/lib/upstream-capture.ts): an upstream Holdfast and a front
 * one, each on a scratch database of its own and with the headline's --workers, the load at
 * --connections.
 */
async function upstreamPhase(): Promise<UpstreamCaptureFigures> {
  const startedAt = performance.now();
  const loadavgAtStart = loadavg();
  log(`upstream: load average ${loadavgAtStart.map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min)`);
  const frontScratch = await createScratchDatabase('holdfast_bench_front');
  scratchToDrop.push(frontScratch);
  const upstreamScratch = await createScratchDatabase('holdfast_bench_upstream');
  scratchToDrop.push(upstreamScratch);
  const front = openPostgres({ connectionString: frontScratch.url, maxConnections: 2 });
  const upstream = openPostgres({ connectionString: upstreamScratch.url, maxConnections: 2 });
  const frontDir = mkdtempSync(join(tmpdir(), 'holdfast-bench-front-'));
  const upstreamDir = mkdtempSync(join(tmpdir(), 'holdfast-bench-upstream-'));
  const servers: Server[] = [];
  try {
    const frontKeys = await migrateWithKeys(front);
    const upstreamKeys = await migrateWithKeys(upstream);
    // Both servers first: the orders at the upstream name the front's address (its return page).
    const upstreamServer = await startHoldfast({ DATABASE_URL: upstreamScratch.url, HOLDFAST_DATA_DIR: upstreamDir }, WORKERS);
    servers.push(upstreamServer);
    const frontServer = await startHoldfast({ DATABASE_URL: frontScratch.url, HOLDFAST_DATA_DIR: frontDir }, WORKERS);
    servers.push(frontServer);
    const upstreamMerchant = await createMerchant({ db: upstream, clock: systemClock, keys: upstreamKeys }, { name: 'Upstream merchant' });
    const frontCtx = { db: front, clock: systemClock, keys: frontKeys };
    const direct = await createMerchant(frontCtx, { name: 'Bench merchant, sandbox' });
    const chained = await createMerchant(frontCtx, { name: 'Bench merchant, through an upstream' });
    const accountId = await linkUpstreamAccount(frontCtx, chained.merchant_id, upstreamServer.baseUrl, upstreamMerchant);
    await routeToAccount(front, chained.merchant_id, accountId);
    // autocannon may ask for a request or two beyond its amount per connection: each range has some to spare.
    const spare = 2 * CONNECTIONS;
    const directPlan = planOrders(1, UPSTREAM_WARMUP, UPSTREAM_ROUNDS, UPSTREAM_CAPTURES, spare);
    const chainedPlan = planOrders(directPlan.last + 1, UPSTREAM_WARMUP, UPSTREAM_ROUNDS, UPSTREAM_CAPTURES, spare);
    await seedUpstreamCaptureOrders({
      front,
      upstream,
      directMerchantId: direct.merchant_id,
      chainedMerchantId: chained.merchant_id,
      upstreamMerchantId: upstreamMerchant.merchant_id,
      accountId,
      frontUrl: frontServer.baseUrl,
      direct: directPlan,
      chained: chainedPlan,
    });
    log(
      `upstream: ${directPlan.last - directPlan.first + 1} orders seeded on the sandbox and ${chainedPlan.last - chainedPlan.first + 1} through ` +
        `account ${accountId} (front ${frontServer.baseUrl}, upstream ${upstreamServer.baseUrl}, ${plural(frontServer.workers, 'worker')} each)`,
    );
    const chainedBearer = await token(frontServer.baseUrl, chained);
    const seedProblems = await checkChainSeed({
      front,
      upstream,
      frontUrl: frontServer.baseUrl,
      bearer: chainedBearer,
      seeded: chainedPlan.first,
    });
    if (seedProblems.length > 0)
      log(
        `  ! an order authorized through the account differs from a seeded one (fix bench/lib/upstream-capture.ts):\n    ${seedProblems.join('\n    ')}`,
      );
    else log('  an order authorized through the account by the API matches a seeded one at both ends');
    const measured = await measureUpstreamCaptures({
      frontUrl: frontServer.baseUrl,
      frontPid: frontServer.process.pid,
      upstreamPid: upstreamServer.process.pid,
      databases: [frontScratch.name, upstreamScratch.name],
      direct: { plan: directPlan, bearer: await token(frontServer.baseUrl, direct) },
      chained: { plan: chainedPlan, bearer: chainedBearer },
      connections: CONNECTIONS,
      capturesPerRound: UPSTREAM_CAPTURES,
      warmupCaptures: UPSTREAM_WARMUP,
      // One cluster: a checkpoint writes out both databases' pages.
      checkpoint: async () => {
        await front.query('checkpoint');
      },
      log,
    });
    const figures = upstreamFigures({
      startedAt,
      loadavgAtStart,
      measured,
      captured: {
        direct: await capturedOrders(front, direct.merchant_id),
        atFront: await capturedOrders(front, chained.merchant_id),
        atUpstream: await capturedOrders(upstream, upstreamMerchant.merchant_id),
        requestKeysAtUpstream: await requestKeys(upstream, upstreamMerchant.merchant_id),
      },
      seedProblems,
      capturesPerRound: UPSTREAM_CAPTURES,
      warmupCaptures: UPSTREAM_WARMUP,
      connections: CONNECTIONS,
      frontWorkers: frontServer.workers,
      upstreamWorkers: upstreamServer.workers,
    });
    const { direct: d, through_upstream: t, captured: c } = figures;
    log(
      `upstream, medians of ${UPSTREAM_ROUNDS} rounds of ${UPSTREAM_CAPTURES} captures at ${CONNECTIONS} connections: direct ${fmt(d.rps ?? NaN, 0)}/s ` +
        `(p50 ${fmt(d.p50_ms ?? NaN, 2)}, p99 ${fmt(d.p99_ms ?? NaN, 2)} ms), through the upstream ${fmt(t.rps ?? NaN, 0)}/s ` +
        `(p50 ${fmt(t.p50_ms ?? NaN, 2)}, p99 ${fmt(t.p99_ms ?? NaN, 2)} ms): ratio ${fmt(figures.capture_ratio ?? NaN, 3)} ` +
        `(by round ${figures.capture_ratio_by_round.map((r) => fmt(r ?? NaN, 3)).join(', ')})`,
    );
    if (
      c.direct !== c.direct_answered ||
      c.through_upstream_at_front !== c.through_upstream_answered ||
      c.through_upstream_at_upstream !== c.through_upstream_answered
    )
      log(
        `  ! orders captured: ${c.direct} direct of ${c.direct_answered} answered 2xx; through the upstream ${c.through_upstream_at_front} at the front ` +
          `and ${c.through_upstream_at_upstream} at the upstream of ${c.through_upstream_answered} answered 2xx`,
      );
    else log(`  every capture answered is an order captured (${c.through_upstream_at_upstream} of them at the upstream too)`);
    return figures;
  } finally {
    for (const server of servers) await server.process.stop();
    await front.close();
    await upstream.close();
    rmSync(frontDir, { recursive: true, force: true });
    rmSync(upstreamDir, { recursive: true, force: true });
    await frontScratch.drop();
    await upstreamScratch.drop();
  }
}

/**
 * The capture through PgBouncer (transaction pooling, HOLDFAST_DB_PREPARED=off) against the same
 * capture straight on PostgreSQL with prepared statements, with what the difference is made of
 * (bench/lib/pgbouncer-capture.ts): Holdfast straight with prepared statements off, and pgbench's
 * same statements unnamed (-M extended) straight and through the same PgBouncer, all in
 * alternating rounds after a warm-up. `shared`: the full run's database and its seeded orders;
 * without, a scratch database of --pgbouncer-orders of its own.
 */
async function pgbouncerPhase(shared?: {
  scratch: ScratchDatabase;
  db: Db;
  merchant: MerchantCredentials;
  range: OrderRange;
  orders: number;
}): Promise<PgBouncerCaptureFigures> {
  const loadavgAtStart = defined(loadavg()[0], 'the 1-minute load average');
  const scratch = shared?.scratch ?? (await createScratchDatabase('holdfast_bench_pgbouncer'));
  if (!shared) scratchToDrop.push(scratch);
  // Seeding batches take longer than a request's statement timeout on a busy machine.
  const db =
    shared?.db ?? openPostgres({ connectionString: scratch.url, maxConnections: 2, statementTimeoutMs: 600_000, queryTimeoutMs: 610_000 });
  const dirs = [0, 1, 2].map((i) => mkdtempSync(join(tmpdir(), `holdfast-bench-pgbouncer-${i}-`)));
  const scriptDir = mkdtempSync(join(tmpdir(), 'holdfast-bench-pgbouncer-script-'));
  const servers: Server[] = [];
  let bouncer: PgBouncer | undefined;
  try {
    const merchant = shared?.merchant ?? (await setUp(db, PGBOUNCER_ORDERS));
    if (!shared) await db.query('vacuum (analyze) orders, payments, journal_entries, postings, jobs, captures, reversals');
    const range = shared?.range ?? new OrderRange(1, PGBOUNCER_ORDERS);
    bouncer = await startPgBouncer(scratch.url, [{ alias: 'holdfast', poolSize: CONNECTIONS }]);
    const dir = (i: number) => defined(dirs[i], 'a data directory');
    const direct = await startHoldfast({ DATABASE_URL: scratch.url, HOLDFAST_DATA_DIR: dir(0) }, WORKERS);
    servers.push(direct);
    const unprepared = await startHoldfast({ DATABASE_URL: scratch.url, HOLDFAST_DB_PREPARED: 'off', HOLDFAST_DATA_DIR: dir(1) }, WORKERS);
    servers.push(unprepared);
    const pooled = await startHoldfast(
      { DATABASE_URL: bouncer.url('holdfast'), HOLDFAST_DB_PREPARED: 'off', HOLDFAST_DATA_DIR: dir(2) },
      WORKERS,
    );
    servers.push(pooled);
    log(
      `pgbouncer: ${shared?.orders ?? PGBOUNCER_ORDERS} orders; Holdfast direct (prepared statements), direct with HOLDFAST_DB_PREPARED=off, ` +
        `and through PgBouncer (transaction pooling, ${CONNECTIONS} server connections, unnamed statements), ${plural(direct.workers, 'worker')} each; ` +
        `pgbench -M extended direct and through PgBouncer; load average ${loadavgAtStart.toFixed(2)}`,
    );
    const bearer = await token(direct.baseUrl, merchant);
    for (const server of servers)
      await closedLoop(server.baseUrl, { connections: CONNECTIONS, durationS: WARMUP_S, next: pineLabsCaptures(range, bearer) });
    const scriptFile = join(scriptDir, 'capture.pgbench.sql');
    const { script, defines } = pgbenchScript({
      merchantId: merchant.merchant_id,
      orderAmount: ORDER_AMOUNT,
      captureAmount: CAPTURE_AMOUNT,
    });
    writeScript(scriptFile, script);
    const pgbench = ensurePgbench(log);
    const metered = async (serverCpu: () => number, work: () => Promise<{ run: LoadResult; extraMs?: number }>) => {
      await db.query('checkpoint');
      const meter = startCpuMeter(scratch.name, () => serverCpu() + pgbouncerCpuMs());
      const bouncerBefore = pgbouncerCpuMs();
      const { run, extraMs } = await work();
      const bouncerMs = pgbouncerCpuMs() - bouncerBefore;
      const cpu = meter.stop(run.ok, extraMs);
      const per = Math.round((bouncerMs / Math.max(1, run.ok)) * 1000) / 1000;
      // The meter counted PgBouncer with the server: shown apart.
      return { run, cpu: { ...cpu, server: Math.round((cpu.server - per) * 1000) / 1000, pgbouncer: per } };
    };
    const http = (server: Server, what: string, round: number) =>
      metered(
        () => treeCpuMs(server.process.pid),
        async () => {
          const run = await closedLoop(server.baseUrl, {
            connections: CONNECTIONS,
            durationS: ROUND_S,
            next: pineLabsCaptures(range, bearer),
          });
          describe(`round ${round}: Holdfast Pine Labs capture ${what}, ${CONNECTIONS} connections`, run);
          return { run };
        },
      );
    // pgbench opens its 16 connections afresh each time: on a server other work shares, it may find
    // none left (max_connections); that side of the round is then left out rather than the step.
    const bench = (url: string, what: string, round: number) =>
      metered(
        () => 0,
        async () => {
          const r = await runPgbench({
            pgbench,
            url,
            scriptFile,
            defines,
            clients: CONNECTIONS,
            threads: Math.min(CONNECTIONS, availableParallelism()),
            durationS: ROUND_S,
            mode: 'extended',
            range,
          });
          log(
            `round ${round}: pgbench -M extended ${what}, ${CONNECTIONS} clients: ${fmt(r.tps, 0)} tps, p50 ${fmt(r.p50Ms, 2)} ms (${r.failed} failed)`,
          );
          const run: LoadResult = {
            ok: r.transactions,
            failed: r.failed,
            durationS: ROUND_S,
            rps: r.tps,
            p50Ms: r.p50Ms,
            p90Ms: NaN,
            p99Ms: r.p99Ms,
            maxMs: NaN,
            exhausted: false,
          };
          return { run, extraMs: r.clientCpuMs };
        },
      );
    const rounds: PgBouncerRound[] = [];
    const pooler = defined(bouncer, 'PgBouncer');
    for (let round = 1; round <= HEADLINE_ROUNDS; round++) {
      const orNothing = async (step: () => Promise<Measured>) => {
        try {
          return await step();
        } catch (error) {
          log(`  ! ${(error instanceof Error ? error.message : String(error)).split('\n').slice(-2).join(' ')}`);
          return undefined;
        }
      };
      const steps: [keyof PgBouncerRound, () => Promise<Measured | undefined>][] = [
        ['direct', () => http(direct, 'straight on PostgreSQL', round)],
        ['through_pgbouncer', () => http(pooled, 'through PgBouncer', round)],
        ['direct_unprepared', () => http(unprepared, 'straight, HOLDFAST_DB_PREPARED=off', round)],
        ['pgbench_direct', () => orNothing(() => bench(scratch.url, 'straight on PostgreSQL', round))],
        ['pgbench_through_pgbouncer', () => orNothing(() => bench(pooler.url('holdfast'), 'through PgBouncer', round))],
      ];
      // Which side goes first rotates: a shared machine's speed drifts within a round too.
      const order = steps.map((_, i) => defined(steps[(i + round - 1) % steps.length], 'a step'));
      const measured: Partial<PgBouncerRound> = {};
      for (const [key, step] of order) {
        const m = await step();
        if (m) measured[key] = m;
      }
      rounds.push(measured as PgBouncerRound);
    }
    if (range.used > range.isize) log('  ! the PgBouncer step wrapped around the seeded orders (some captured twice): raise --orders');
    const figures = pgbouncerFigures(rounds, {
      connections: CONNECTIONS,
      workers: direct.workers,
      orders: shared?.orders ?? PGBOUNCER_ORDERS,
      loadavgAtStart,
    });
    for (const line of describePgbouncer(figures)) log(line);
    return figures;
  } finally {
    for (const server of servers) await server.process.stop();
    await bouncer?.stop();
    if (!shared) await db.close();
    for (const d of [...dirs, scriptDir]) rmSync(d, { recursive: true, force: true });
    if (!shared) await scratch.drop();
  }
}

/** --tail-only: the capacity at fixed concurrency, then the half-load run with its telemetry (bench/lib/half-load.ts). */
async function tailPhase(): Promise<void> {
  const scratch = await createScratchDatabase('holdfast_bench_tail');
  scratchToDrop.push(scratch);
  const db = openPostgres({ connectionString: scratch.url, maxConnections: 2, statementTimeoutMs: 600_000, queryTimeoutMs: 610_000 });
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-bench-tail-'));
  try {
    const merchant = await setUp(db, ORDERS);
    await db.query('vacuum (analyze) orders, payments, journal_entries, postings, jobs, captures, reversals');
    const server = await startHoldfast(
      { DATABASE_URL: scratch.url, HOLDFAST_DATA_DIR: dir, HOLDFAST_BENCH_TELEMETRY: join(dir, 'telemetry') },
      WORKERS,
    );
    try {
      const range = new OrderRange(1, ORDERS);
      const bearer = await token(server.baseUrl, merchant);
      await closedLoop(server.baseUrl, { connections: CONNECTIONS, durationS: WARMUP_S, next: pineLabsCaptures(range, bearer) });
      await db.query('checkpoint');
      const meter = startCpuMeter(scratch.name, () => treeCpuMs(server.process.pid));
      const full = await closedLoop(server.baseUrl, {
        connections: CONNECTIONS,
        durationS: ROUND_S,
        next: pineLabsCaptures(range, bearer),
      });
      const cpu = meter.stop(full.ok);
      describe(`Holdfast Pine Labs capture, ${CONNECTIONS} connections, ${plural(server.workers, 'worker')}`, full);
      describeCpu('Holdfast', cpu);
      const rate = Math.max(1, Math.round(full.rps / 2));
      // --tail-compare NAME=VALUE: a second Holdfast with that in its environment, the two measured in alternation.
      const [name, value] = (opts['tail-compare'] ?? '').split('=');
      const other =
        name && value !== undefined
          ? await startHoldfast(
              {
                DATABASE_URL: scratch.url,
                HOLDFAST_DATA_DIR: join(dir, 'b'),
                HOLDFAST_BENCH_TELEMETRY: join(dir, 'telemetry-b'),
                [name]: value,
              },
              WORKERS,
            )
          : undefined;
      if (other) await closedLoop(other.baseUrl, { connections: CONNECTIONS, durationS: WARMUP_S, next: pineLabsCaptures(range, bearer) });
      const sides = other
        ? [
            { what: 'as built', server },
            { what: `${name}=${value}`, server: other },
          ]
        : [{ what: 'as built', server }];
      for (let round = 1; round <= (other ? 2 : 1); round++) {
        for (const side of round % 2 === 1 ? sides : [...sides].reverse()) {
          const { half, telemetry } = await measureHalfLoad({
            baseUrl: side.server.baseUrl,
            serverPid: side.server.process.pid,
            telemetryDir: defined(side.server.telemetryDir, 'the telemetry directory'),
            db,
            database: scratch.name,
            rate,
            durationS: DURATION,
            cores: availableParallelism(),
            cpuMsPerCapture: cpu.server + cpu.postgres + cpu.load_generator,
            next: pineLabsCaptures(range, bearer),
          });
          describe(`${side.what}: Holdfast Pine Labs capture, ${rate}/s open model (half load)`, half);
          log(
            `  p99 / p50 ${fmt(half.p99Ms / half.p50Ms, 2)}; load average ${loadavg()
              .map((l) => l.toFixed(2))
              .join(' ')}`,
          );
          for (const line of describeHalfLoad(telemetry)) log(`  ${line}`);
        }
      }
      await other?.process.stop();
    } finally {
      await server.process.stop();
    }
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
    await scratch.drop();
  }
}

/**
 * --scaling-large N: the scaling row's large point on a database of its own, seeded with N orders
 * as the large one is, with its own Holdfast, warmed up; close() stops and drops them.
 */
async function scalingDatabase(orders: number, env: (url: string) => Record<string, string>) {
  const scratch = await createScratchDatabase('holdfast_bench_scaling');
  scratchToDrop.push(scratch);
  const db = openPostgres({ connectionString: scratch.url, maxConnections: 2, statementTimeoutMs: 1_800_000, queryTimeoutMs: 1_810_000 });
  const seedStart = performance.now();
  const merchant = await setUp(db, orders, (done) => {
    if (done % 1_000_000 === 0 || done === orders) log(`  scaling: seeded ${done} orders`);
  });
  await db.query('vacuum (analyze) orders, payments, journal_entries, postings, jobs');
  log(`scaling: ${orders} orders seeded and vacuumed in ${((performance.now() - seedStart) / 1000).toFixed(0)} s on ${scratch.name}`);
  const server = await startHoldfast(env(scratch.url), WORKERS);
  const bearer = await token(server.baseUrl, merchant);
  const range = new OrderRange(1, orders);
  await closedLoop(server.baseUrl, { connections: CONNECTIONS, durationS: WARMUP_S, next: pineLabsCaptures(range, bearer) });
  return {
    server,
    db,
    range,
    bearer,
    async close() {
      await server.process.stop();
      await db.close();
      await scratch.drop();
    },
  };
}

/** The storage step: a scratch database of `orders` captured orders (lib/seed.ts), then each table's size per order. */
async function storagePhase(orders: number): Promise<StorageFigures> {
  const scratch = await createScratchDatabase('holdfast_bench_storage');
  scratchToDrop.push(scratch);
  const db = openPostgres({ connectionString: scratch.url, maxConnections: 2, statementTimeoutMs: 600_000, queryTimeoutMs: 610_000 });
  try {
    const keys = await migrateWithKeys(db);
    const merchant = await createMerchant({ db, clock: systemClock, keys }, { name: 'Bench merchant' });
    const seedStart = performance.now();
    await seedCapturedOrders(db, merchant.merchant_id, 1, orders);
    log(`storage: seeded ${orders} captured orders in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`);
    await db.query('vacuum (analyze)');
    const figures = await measureStorage(db, orders);
    for (const line of describeStorage(figures)) log(line);
    return figures;
  } finally {
    await db.close();
    await scratch.drop();
  }
}

/** --pgbouncer-only: the figures go into the last run's results as `pgbouncer`, every other figure kept. */
function recordPgbouncer(figures: PgBouncerCaptureFigures): void {
  console.log(`\n${JSON.stringify({ pgbouncer: figures }, null, 2)}`);
  const file = join(ROOT, 'bench/results/latest.json');
  if (!existsSync(file)) {
    log('no bench/results/latest.json to add these figures to: run the whole bench first');
    return;
  }
  const results = { ...(JSON.parse(readFileSync(file, 'utf8')) as BenchResults), pgbouncer: figures };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`added the figures to bench/results/latest.json as pgbouncer (the others are of ${results.date})`);
}

/** --storage-only: the step's figures replace `storage` in the last run's results, every other figure kept. */
function recordStorage(figures: StorageFigures): void {
  const file = join(ROOT, 'bench/results/latest.json');
  if (!existsSync(file)) {
    log('no bench/results/latest.json to add these figures to: run the whole bench first');
    return;
  }
  const results = { ...(JSON.parse(readFileSync(file, 'utf8')) as BenchResults), storage: figures };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(ROOT, 'bench/results/latest.md'), renderMarkdown(results));
  if (opts.record) writeFileSync(join(ROOT, 'bench/RESULTS.md'), renderMarkdown(results, true));
  log(`added the figures to bench/results/latest.json${opts.record ? ' and bench/RESULTS.md' : ''} (the others are of ${results.date})`);
}

/** --upstream-only: the step's figures replace `upstream` in the last run's results, every other figure kept. */
function recordUpstream(figures: UpstreamCaptureFigures): void {
  const file = join(ROOT, 'bench/results/latest.json');
  if (!existsSync(file)) {
    console.log(`\n${JSON.stringify(figures, null, 2)}`);
    log('no bench/results/latest.json to add these figures to: run the whole bench first');
    return;
  }
  const results = { ...(JSON.parse(readFileSync(file, 'utf8')) as BenchResults), upstream: figures };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(ROOT, 'bench/results/latest.md'), renderMarkdown(results));
  if (opts.record) writeFileSync(join(ROOT, 'bench/RESULTS.md'), renderMarkdown(results, true));
  console.log(`\n${renderTable(results)}`);
  log(`added the figures to bench/results/latest.json${opts.record ? ' and bench/RESULTS.md' : ''} (the others are of ${results.date})`);
}

/** The embedded PGlite: its raw loop and Holdfast on it, alternating (bench/lib/pglite-phase.ts). */
function pglitePhase(): Promise<PgliteFigures> {
  return measurePglite({
    orders: PGLITE_ORDERS,
    connections: CONNECTIONS,
    warmupS: WARMUP_S,
    secondsPerRound: ROUND_S,
    rounds: HEADLINE_ROUNDS,
    threads: PGLITE_THREADS,
    log,
    describe,
    setUp: (lite, orders) => setUp(lite, orders),
    async startHoldfast(env) {
      const server = await startHoldfast(env, 1);
      return {
        baseUrl: server.baseUrl,
        peakRssMb: () => Math.max(...processMemory(server, 'holdfast-pglite').map((m) => m.peak_rss_mb)),
        stop: () => server.process.stop(),
      };
    },
    token,
    captures: pineLabsCaptures,
    closedLoop,
  });
}

/** --pglite-only: the step's figures replace `pglite` in the last run's results, every other figure kept. */
function recordPglite(figures: PgliteFigures): void {
  const file = join(ROOT, 'bench/results/latest.json');
  if (!existsSync(file)) {
    console.log(`\n${JSON.stringify({ pglite: figures }, null, 2)}`);
    log('no bench/results/latest.json to add these figures to: run the whole bench first');
    return;
  }
  const results = { ...(JSON.parse(readFileSync(file, 'utf8')) as BenchResults), pglite: figures };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(ROOT, 'bench/results/latest.md'), renderMarkdown(results));
  if (opts.record) writeFileSync(join(ROOT, 'bench/RESULTS.md'), renderMarkdown(results, true));
  console.log(`\n${renderTable(results)}`);
  log(`added the figures to bench/results/latest.json${opts.record ? ' and bench/RESULTS.md' : ''} (the others are of ${results.date})`);
}

async function main(): Promise<void> {
  log(
    `${quick ? 'quick' : 'full'} run: ${ORDERS} orders, ${CONNECTIONS} connections, ${DURATION} s per measurement, ${WORKERS} Holdfast worker(s)`,
  );
  // Needs no build: nothing is started, the tables are seeded directly.
  if (opts['storage-only']) {
    recordStorage(await storagePhase(ORDERS));
    return;
  }
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) {
    log('no build found: npm run build');
    const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  if (opts['admin-search-only']) {
    const figures = await adminSearchPhase();
    console.log(`\n${JSON.stringify(figures, null, 2)}`);
    return;
  }
  if (opts['upstream-only']) {
    recordUpstream(await upstreamPhase());
    return;
  }
  if (opts['pgbouncer-only']) {
    recordPgbouncer(await pgbouncerPhase());
    return;
  }
  if (opts['tail-only']) {
    await tailPhase();
    return;
  }
  if (opts['pglite-only']) {
    recordPglite(await pglitePhase());
    return;
  }
  const pgbench = ensurePgbench(log);
  const machine = await describeMachine(adminUrl(), pgbenchVersion(pgbench));
  if (machine.loadavg_at_start > 0.5)
    log(`! the machine is busy (load average ${machine.loadavg_at_start}): other work shares the cores, figures will be lower and noisier`);
  if (!holdfastSupportsWorkers()) log(`this build has no "start --workers": Holdfast runs as one process`);

  let drift: DriftReport | undefined;
  if (!opts['skip-drift']) {
    log('drift check: recording the SQL of one real Pine Labs capture');
    drift = await checkDrift({ quiet: true });
    if (!drift.identical || drift.seedProblems.length > 0) {
      printReport(drift);
      log(
        '! the baselines run bench/capture-statements.ts, which differs from what Holdfast sends now (above): see bench/README.md, The statement list',
      );
    } else log(`drift check: bench/capture-statements.ts matches (${drift.pinelabs.length} statements per capture)`);
  }

  const scratch: ScratchDatabase = await createScratchDatabase('holdfast_bench');
  if (!opts['keep-db']) scratchToDrop.push(scratch);
  const scratchSmall: ScratchDatabase = await createScratchDatabase('holdfast_bench_small');
  scratchToDrop.push(scratchSmall);
  log(`scratch databases ${scratch.name} (${ORDERS} orders) and ${scratchSmall.name} (${SMALL} orders)`);
  // Seeding batches take longer than a request's statement timeout on a busy machine.
  const db = openPostgres({ connectionString: scratch.url, maxConnections: 4, statementTimeoutMs: 600_000, queryTimeoutMs: 610_000 });
  const dbSmall = openPostgres({ connectionString: scratchSmall.url, maxConnections: 2 });
  let holdfast: Server | undefined;
  const results: Partial<BenchResults> = {};
  const dataDirs: string[] = [];
  try {
    // -- N orders, and a second database of 10k for the scaling comparison ----------------------
    const seedStart = performance.now();
    const merchant = await setUp(db, ORDERS, (done) => {
      if (done % 200_000 === 0 || done === ORDERS) log(`  seeded ${done} orders`);
    });
    const merchantSmall = await setUp(dbSmall, SMALL);
    log(`seeding took ${((performance.now() - seedStart) / 1000).toFixed(0)} s; vacuum analyze`);
    const tables = 'orders, payments, journal_entries, postings, jobs, captures, reversals';
    await db.query(`vacuum (analyze) ${tables}`);
    await dbSmall.query(`vacuum (analyze) ${tables}`);
    const small = new OrderRange(1, SMALL);
    const large = new OrderRange(1, ORDERS);
    const env = (url: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'holdfast-bench-'));
      dataDirs.push(dir);
      return { DATABASE_URL: url, HOLDFAST_DATA_DIR: dir, HOLDFAST_BENCH_TELEMETRY: join(dir, 'telemetry') };
    };
    if (opts.profile) {
      await profileCaptures(env(scratch.url), large, merchant);
      return;
    }
    holdfast = await startHoldfast(env(scratch.url), WORKERS);
    const holdfastSmall = await startHoldfast(env(scratchSmall.url), WORKERS);
    log(
      `Holdfast started (${holdfast.workers} worker${holdfast.workers === 1 ? '' : 's'}, pid ${holdfast.process.pid}), and a second one on the ${SMALL}-order database`,
    );
    const bearer = await token(holdfast.baseUrl, merchant);
    const bearerSmall = await token(holdfastSmall.baseUrl, merchantSmall);
    await closedLoop(holdfast.baseUrl, { connections: CONNECTIONS, durationS: WARMUP_S, next: pineLabsCaptures(large, bearer) });
    await closedLoop(holdfastSmall.baseUrl, { connections: CONNECTIONS, durationS: WARMUP_S, next: pineLabsCaptures(small, bearerSmall) });

    // -- latency against table size: one connection (each capture alone, so the latency is the
    // work's, not a queue's), the two sizes in alternation, each round right after a checkpoint ----
    const atScale =
      SCALING_LARGE === ORDERS
        ? { server: holdfast, db, range: large, bearer, close: () => Promise.resolve() }
        : await scalingDatabase(SCALING_LARGE, env);
    const rounds: { small: LoadResult; large: LoadResult }[] = [];
    for (let round = 0; round < SCALING_ROUNDS; round++) {
      await dbSmall.query('checkpoint');
      const atSmallRound = await closedLoop(holdfastSmall.baseUrl, {
        connections: 1,
        durationS: SCALING_S,
        next: pineLabsCaptures(small, bearerSmall),
      });
      await atScale.db.query('checkpoint');
      const atLargeRound = await closedLoop(atScale.server.baseUrl, {
        connections: 1,
        durationS: SCALING_S,
        next: pineLabsCaptures(atScale.range, atScale.bearer),
      });
      rounds.push({ small: atSmallRound, large: atLargeRound });
    }
    await holdfastSmall.process.stop();
    await atScale.close();
    const median = (values: number[]) =>
      defined([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)], 'the median of no values');
    const atSmall = { p50Ms: median(rounds.map((r) => r.small.p50Ms)), p99Ms: median(rounds.map((r) => r.small.p99Ms)) };
    const atLarge = { p50Ms: median(rounds.map((r) => r.large.p50Ms)), p99Ms: median(rounds.map((r) => r.large.p99Ms)) };
    log(
      `scaling, 1 connection, ${SCALING_ROUNDS} alternating rounds: p50 ${rounds.map((r) => fmt(r.small.p50Ms, 2)).join(' / ')} ms at ${SMALL} orders, ` +
        `${rounds.map((r) => fmt(r.large.p50Ms, 2)).join(' / ')} ms at ${SCALING_LARGE} (medians ${fmt(atSmall.p50Ms, 2)} and ${fmt(atLarge.p50Ms, 2)})`,
    );
    for (const r of rounds) for (const x of [r.small, r.large]) if (x.failed || x.exhausted) describe('  scaling round', x);

    // -- captures at fixed concurrency, then latency at half that rate -------------------------
    // Each measured phase starts right after a checkpoint, so each pays the same full-page writes.
    const checkpoint = () => db.query('checkpoint');
    // The headline: Holdfast, the naive handler and pgbench doing the same captures, measured in
    // alternating rounds; each figure is the median of its rounds. A shared VM's speed drifts by
    // tens of percent from one minute to the next, and a ratio of two figures taken minutes apart
    // would compare two moments rather than two programs.
    //
    // Worker count: on a small machine that PostgreSQL shares, fewer Node processes than cores can
    // do more (a process batches more per event-loop turn, and fewer processes compete with the
    // database's for the cores). Unless --workers is given, Holdfast and the naive handler are
    // both measured at one process per core and at one process; each is credited with its faster
    // setting, and every figure is reported.
    const sweep = opts.workers === undefined && holdfastSupportsWorkers() && WORKERS > 1 ? [WORKERS, 1] : [WORKERS];
    const holdfasts = new Map<number, Server>([[holdfast.workers, holdfast]]);
    for (const workers of sweep) if (!holdfasts.has(workers)) holdfasts.set(workers, await startHoldfast(env(scratch.url), workers));
    const naives = new Map<number, { process: Launched; url: string }>();
    for (const workers of sweep) naives.set(workers, await startNaive(scratch.url, merchant.merchant_id, workers));
    for (const server of holdfasts.values())
      await closedLoop(server.baseUrl, { connections: CONNECTIONS, durationS: WARMUP_S, next: pineLabsCaptures(large, bearer) });
    for (const naive of naives.values())
      await closedLoop(naive.url, { connections: CONNECTIONS, durationS: WARMUP_S, next: pineLabsCaptures(large, 'none') });
    const scriptFile = join(ROOT, 'bench/capture.pgbench.sql');
    const { script, defines } = pgbenchScript({
      merchantId: merchant.merchant_id,
      orderAmount: ORDER_AMOUNT,
      captureAmount: CAPTURE_AMOUNT,
    });
    writeScript(scriptFile, script);

    type Measured = { run: LoadResult; cpu: CpuShare; walBytes: number };
    // WAL written per capture (cluster-wide, so autovacuum's share is in it too): page images after
    // each checkpoint dominate it, which is what the fillfactor of orders and payments cuts.
    const walLsn = async () =>
      defined((await db.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn'))[0], 'the WAL position').lsn;
    const walPerCapture = async (since: string, captures: number) =>
      Number(
        defined(
          (await db.query<{ bytes: string }>('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::bigint as bytes', [since]))[0],
          'the WAL since a position',
        ).bytes,
      ) / Math.max(1, captures);
    const holdfastRuns = new Map<number, Measured[]>(sweep.map((w) => [w, []]));
    const naiveRuns = new Map<number, Measured[]>(sweep.map((w) => [w, []]));
    const pgbenchRuns: { result: PgbenchResult; cpu: CpuShare; walBytes: number }[] = [];
    const measureHttp = async (url: string, pid: number, auth: string): Promise<Measured> => {
      await checkpoint();
      const lsn = await walLsn();
      const meter = startCpuMeter(scratch.name, () => treeCpuMs(pid));
      const run = await closedLoop(url, { connections: CONNECTIONS, durationS: ROUND_S, next: pineLabsCaptures(large, auth) });
      const cpu = meter.stop(run.ok);
      return { run, cpu, walBytes: await walPerCapture(lsn, run.ok) };
    };
    for (let round = 1; round <= HEADLINE_ROUNDS; round++) {
      for (const [workers, server] of holdfasts) {
        const m = await measureHttp(server.baseUrl, server.process.pid, bearer);
        defined(holdfastRuns.get(workers), `the Holdfast runs at ${workers} workers`).push(m);
        describe(`round ${round}: Holdfast Pine Labs capture, ${CONNECTIONS} connections, ${plural(workers, 'worker')}`, m.run);
      }
      for (const [workers, naive] of naives) {
        const m = await measureHttp(naive.url, naive.process.pid, 'none');
        defined(naiveRuns.get(workers), `the naive runs at ${workers} processes`).push(m);
        describe(`round ${round}: naive Fastify + pg handler, ${CONNECTIONS} connections, ${plural(workers, 'process')}`, m.run);
      }
      await checkpoint();
      const lsn = await walLsn();
      const meter = startCpuMeter(scratch.name, () => 0);
      const result = await runPgbench({
        pgbench,
        url: scratch.url,
        scriptFile,
        defines,
        clients: CONNECTIONS,
        threads: Math.min(CONNECTIONS, availableParallelism()),
        durationS: ROUND_S,
        mode: PGBENCH_MODE,
        range: large,
      });
      const cpu = meter.stop(result.transactions, result.clientCpuMs);
      pgbenchRuns.push({ result, cpu, walBytes: await walPerCapture(lsn, result.transactions) });
      log(
        `round ${round}: pgbench (${PGBENCH_MODE}), ${CONNECTIONS} clients: ${fmt(result.tps, 0)} tps, p50 ${fmt(result.p50Ms, 2)} ms (${result.failed} failed)`,
      );
    }
    const medianOf = <T>(runs: T[], rate: (t: T) => number): T =>
      defined([...runs].sort((x, y) => rate(x) - rate(y))[Math.floor(runs.length / 2)], 'the median of no runs');
    const holdfastMedians = sweep.map((workers) => ({
      workers,
      ...medianOf(defined(holdfastRuns.get(workers), 'Holdfast runs'), (m) => m.run.rps),
    }));
    const naiveMedians = sweep.map((workers) => ({
      workers,
      ...medianOf(defined(naiveRuns.get(workers), 'naive runs'), (m) => m.run.rps),
    }));
    const bestOf = <T extends { run: LoadResult }>(xs: T[]): T => xs.reduce((x, y) => (y.run.rps > x.run.rps ? y : x));
    const { run: pinelabs, cpu: holdfastCpu, workers: holdfastWorkers } = bestOf(holdfastMedians);
    const { run: naiveRun, cpu: naiveCpu, workers: naiveWorkers } = bestOf(naiveMedians);
    const { result: pgb, cpu: pgbenchCpu, walBytes: pgbenchWal } = medianOf(pgbenchRuns, (r) => r.result.tps);
    for (const m of holdfastMedians) {
      describe(`Holdfast Pine Labs capture, ${plural(m.workers, 'worker')}, median of ${HEADLINE_ROUNDS}`, m.run);
      describeCpu('Holdfast', m.cpu);
      log(`  WAL per capture: ${fmt(m.walBytes / 1024, 1)} KiB`);
    }
    for (const m of naiveMedians) {
      describe(`naive Fastify + pg handler, ${plural(m.workers, 'process')}, median of ${HEADLINE_ROUNDS}`, m.run);
      describeCpu('naive', m.cpu);
    }
    log(
      `pgbench (${PGBENCH_MODE}), ${CONNECTIONS} clients, median of ${HEADLINE_ROUNDS}: ${fmt(pgb.tps, 0)} tps, p50 ${fmt(pgb.p50Ms, 2)} ms, p99 ${fmt(pgb.p99Ms, 2)} ms`,
    );
    describeCpu('pgbench', pgbenchCpu);
    log(`  WAL per capture: ${fmt(pgbenchWal / 1024, 1)} KiB`);
    for (const naive of naives.values()) await naive.process.stop();
    for (const [workers, server] of holdfasts) if (workers !== holdfastWorkers) await server.process.stop();
    holdfast = defined(holdfasts.get(holdfastWorkers), `the Holdfast server at ${holdfastWorkers} workers`);
    if (sweep.length > 1) log(`  the rest of the run uses Holdfast at ${plural(holdfastWorkers, 'worker')} (the faster)`);
    await checkpoint();
    const juspay = await closedLoop(holdfast.baseUrl, {
      connections: CONNECTIONS,
      durationS: DURATION,
      next: juspayCaptures(large, merchant.api_key),
    });
    describe(`Holdfast Juspay capture, ${CONNECTIONS} connections`, juspay);
    const halfRate = Math.max(1, Math.round(pinelabs.rps / 2));
    const { half, telemetry: halfTelemetry } = await measureHalfLoad({
      baseUrl: holdfast.baseUrl,
      serverPid: holdfast.process.pid,
      telemetryDir: defined(holdfast.telemetryDir, 'the telemetry directory'),
      db,
      database: scratch.name,
      rate: halfRate,
      durationS: DURATION,
      cores: availableParallelism(),
      cpuMsPerCapture: holdfastCpu.server + holdfastCpu.postgres + holdfastCpu.load_generator,
      next: pineLabsCaptures(large, bearer),
    });
    describe(`Holdfast Pine Labs capture, ${halfRate}/s open model (half load)`, half);
    if (half.exhausted || half.rps < halfRate * 0.95) log(`  ! achieved ${fmt(half.rps, 0)}/s of the ${halfRate}/s asked`);
    for (const line of describeHalfLoad(halfTelemetry)) log(`  ${line}`);

    const flow = await flowLoop(holdfast.baseUrl, {
      connections: CONNECTIONS,
      durationS: DURATION,
      clientId: merchant.client_id,
      clientSecret: merchant.client_secret,
      amount: ORDER_AMOUNT,
      captureAmount: CAPTURE_AMOUNT,
    });
    describe(`full flow (token, order, payment, capture), ${CONNECTIONS} connections: ${fmt(flow.flowsPerS, 0)} flows/s; requests`, flow);

    const memory = processMemory(holdfast, 'holdfast');
    await holdfast.process.stop();
    holdfast = undefined;
    await db.query(`delete from jobs where kind <> 'order.auto_void'`);

    // -- pgbench's other modes: unnamed statements, and one client alone ---------------------
    // node-postgres sends unnamed statements (parse, bind, execute each time): pgbench's extended mode.
    const pgbExtended =
      PGBENCH_MODE === 'extended'
        ? pgb
        : await runPgbench({
            pgbench,
            url: scratch.url,
            scriptFile,
            defines,
            clients: CONNECTIONS,
            threads: Math.min(CONNECTIONS, availableParallelism()),
            durationS: SHORT_S,
            mode: 'extended',
            range: large,
          });
    log(`pgbench (extended, as node-postgres sends), ${CONNECTIONS} clients: ${fmt(pgbExtended.tps, 0)} tps`);
    // One client: each statement's own cost in the database, with nothing queued in front of it.
    const pgb1 = await runPgbench({
      pgbench,
      url: scratch.url,
      scriptFile,
      defines,
      clients: 1,
      threads: 1,
      durationS: SHORT_S,
      mode: PGBENCH_MODE,
      range: large,
    });
    const perStatement = CAPTURE_STATEMENTS.map((st, i) => ({ id: st.id, ms: pgb1.statementMs[i] ?? NaN }));
    log(
      `pgbench, 1 client: ${fmt(pgb1.tps, 0)} tps, p50 ${fmt(pgb1.p50Ms, 2)} ms; ms per statement: ${perStatement.map((p) => `${p.id} ${fmt(p.ms, 3)}`).join(', ')}`,
    );
    if (large.used > large.isize) log('  ! pgbench wrapped around the seeded orders (some captured twice): raise --orders');
    await db.query(`delete from jobs where kind <> 'order.auto_void'`);
    const tableSizes = await db.query<{ rel: string; mb: number }>(
      `select relname as rel, round(pg_total_relation_size(oid) / 1048576.0)::int as mb from pg_class where relname in ('orders', 'payments', 'journal_entries', 'postings', 'jobs') order by relname`,
    );

    // -- PgBouncer, on the same database and its orders not yet captured -------------------------
    let pgbouncer: PgBouncerCaptureFigures | undefined;
    if (!opts['skip-pgbouncer'])
      try {
        pgbouncer = await pgbouncerPhase({ scratch, db, merchant, range: large, orders: ORDERS });
      } catch (error) {
        // The other figures stand: the step needs PgBouncer installed and about 80 free connections.
        log(`! the PgBouncer step failed, left out: ${error instanceof Error ? error.message : String(error)}`);
      }

    // -- PGlite (bench/lib/pglite-phase.ts) --------------------------------------------------------
    let pglite: BenchResults['pglite'] = { captures_per_s: null, p50_ms: null, p99_ms: null, orders: 0, peak_rss_mb: null };
    if (!opts['skip-pglite']) pglite = await pglitePhase();

    const peak = Math.max(...memory.map((m) => m.peak_rss_mb));
    Object.assign(results, {
      date: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      capture: {
        holdfast_rps: round(pinelabs.rps, 1),
        pgbench_tps: round(pgb.tps, 1),
        naive_rps: round(naiveRun.rps, 1),
        ratio_vs_pgbench: round(pinelabs.rps / pgb.tps, 3),
        ratio_vs_naive: round(pinelabs.rps / naiveRun.rps, 3),
        p50_ms: round(pinelabs.p50Ms),
        p99_ms: round(pinelabs.p99Ms),
        p50_ms_at_half_load: round(half.p50Ms),
        p99_ms_at_half_load: round(half.p99Ms),
        half_load_rps: halfRate,
        half_load_achieved_rps: round(half.rps, 1),
        half_load_service_p99_ms: round(half.serviceP99Ms),
        half_load_telemetry: halfTelemetry,
        juspay_rps: round(juspay.rps, 1),
        juspay_ratio: round(juspay.rps / pinelabs.rps, 3),
        p99_over_p50_at_half_load: round(half.p99Ms / half.p50Ms, 2),
        by_workers: holdfastMedians.map((b) => ({
          workers: b.workers,
          rps: round(b.run.rps, 1),
          p50_ms: round(b.run.p50Ms),
          p99_ms: round(b.run.p99Ms),
          cpu_ms_per_capture: b.cpu,
          wal_bytes_per_capture: Math.round(b.walBytes),
        })),
        naive_by_workers: naiveMedians.map((b) => ({
          workers: b.workers,
          rps: round(b.run.rps, 1),
          p50_ms: round(b.run.p50Ms),
          p99_ms: round(b.run.p99Ms),
          cpu_ms_per_capture: b.cpu,
          wal_bytes_per_capture: Math.round(b.walBytes),
        })),
        pgbench_wal_bytes_per_capture: Math.round(pgbenchWal),
        rounds: HEADLINE_ROUNDS,
        seconds_per_round: ROUND_S,
        pgbench_tps_by_round: pgbenchRuns.map((r) => round(r.result.tps, 1)),
        juspay_p50_ms: round(juspay.p50Ms),
        juspay_p99_ms: round(juspay.p99Ms),
        naive_p50_ms: round(naiveRun.p50Ms),
        naive_p99_ms: round(naiveRun.p99Ms),
        pgbench_p50_ms: round(pgb.p50Ms),
        pgbench_p99_ms: round(pgb.p99Ms),
        pgbench_mode: PGBENCH_MODE,
        pgbench_1_client_p50_ms: round(pgb1.p50Ms),
        pgbench_extended_tps: round(pgbExtended.tps, 1),
        failed: { pinelabs: pinelabs.failed, juspay: juspay.failed, half_load: half.failed, naive: naiveRun.failed, pgbench: pgb.failed },
      },
      flow: { flows_per_s: round(flow.flowsPerS, 1), requests_per_s: round(flow.rps, 1), failed: flow.failed },
      pglite,
      scaling: {
        p50_ms_10k: round(atSmall.p50Ms),
        p50_ms_1m: round(atLarge.p50Ms),
        ratio: round(atLarge.p50Ms / atSmall.p50Ms, 3),
        p99_ms_10k: round(atSmall.p99Ms),
        p99_ms_1m: round(atLarge.p99Ms),
        orders_small: SMALL,
        orders_large: SCALING_LARGE,
        connections: 1,
        rounds: SCALING_ROUNDS,
        seconds_per_round: SCALING_S,
        table_mb: Object.fromEntries(tableSizes.map((t) => [t.rel, t.mb])),
      },
      cpu_ms_per_capture: { holdfast: holdfastCpu, naive: naiveCpu, pgbench: pgbenchCpu },
      memory: {
        peak_rss_mb: round(peak, 1),
        total_peak_rss_mb: round(
          memory.reduce((s, m) => s + m.peak_rss_mb, 0),
          1,
        ),
        processes: memory,
      },
      statements: {
        per_capture: CAPTURE_STATEMENTS.length,
        transactions: CAPTURE_STATEMENTS.filter((s) => s.sql.trim().toUpperCase() === 'BEGIN').length,
        holdfast_recorded: drift?.pinelabs.length ?? null,
        juspay_recorded: drift?.juspay.length ?? null,
        background_recorded: drift?.background.length ?? null,
        under_load_request_per_capture: drift ? round(drift.underLoad.requestPerCapture, 2) : null,
        under_load_background_per_capture: drift ? round(drift.underLoad.backgroundPerCapture, 2) : null,
        bench_list_matches: drift ? drift.identical : null,
        seed_matches: drift ? drift.seedProblems.length === 0 : null,
        pgbench_ms_1_client: perStatement.map((p) => ({ id: p.id, ms: round(p.ms, 3) })),
      },
      settings: {
        orders: ORDERS,
        connections: CONNECTIONS,
        duration_s: DURATION,
        holdfast_workers: holdfastWorkers,
        holdfast_workers_applied: holdfastSupportsWorkers(),
        naive_workers: naiveWorkers,
        pool_per_process: poolPerProcess(holdfastWorkers),
        order_amount: ORDER_AMOUNT,
        capture_amount: CAPTURE_AMOUNT,
      },
      machine: { ...machine, loadavg_at_end: defined(loadavg()[0], 'the 1-minute load average') },
      run_seconds: Math.round((performance.now() - started) / 1000),
    } satisfies BenchResults);
    if (pgbouncer) results.pgbouncer = pgbouncer;
    if (!opts['skip-admin-search']) results.admin_search = await adminSearchPhase();
    if (!opts['skip-upstream']) results.upstream = await upstreamPhase();
    // Captured orders on a database of their own: the large one's orders are mostly still authorized.
    results.storage = await storagePhase(STORAGE_ORDERS);
  } finally {
    await stopAll();
    await db.close();
    await dbSmall.close();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    if (opts['keep-db']) log(`kept database ${scratch.name}`);
    await Promise.all(scratchToDrop.map((d) => d.drop()));
  }

  const final = results as BenchResults;
  const json = `${JSON.stringify(final, null, 2)}\n`;
  writeFileSync(join(ROOT, 'bench/results/latest.json'), json);
  writeFileSync(join(ROOT, 'bench/results/latest.md'), renderMarkdown(final));
  if (opts.record) writeFileSync(join(ROOT, 'bench/RESULTS.md'), renderMarkdown(final, true));
  console.log(`\n${renderTable(final)}`);
  log(`wrote bench/results/latest.json${opts.record ? ' and bench/RESULTS.md' : ''}`);
}

const scratchToDrop: ScratchDatabase[] = [];
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: stopping the processes the bench started`);
    void stopAll()
      .then(() => Promise.all(scratchToDrop.map((d) => d.drop())))
      .catch(() => undefined)
      .finally(() => process.exit(130));
  });
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    await stopAll();
    process.exit(1);
  },
);
