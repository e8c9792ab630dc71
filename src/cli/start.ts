import cluster from 'node:cluster';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import { createMerchant, hasMerchants } from '../core/merchants.js';
import { ensureFirstOperator } from '../core/admin/operators.js';
import { scheduleRetention } from '../core/retention.js';
import { createLogger } from '../logger.js';
import { clusterMetricsListener, reportToPrimary } from '../metrics/cluster-metrics.js';
import { appMetricsListener, serveMetricsOrWarn } from '../metrics/serve-metrics.js';
import { openDatabase } from '../store/open-database.js';
import { compileWasmOnceWhenCalled } from '../store/pglite-db.js';
import { startRuntimeTelemetry } from '../metrics/runtime-telemetry.js';

/**
 * `holdfast start [--workers N]`: migrate, make sure a sandbox merchant exists, and serve (API and
 * background jobs) until a signal. With PostgreSQL, N worker processes (Node cluster; default: one
 * per core) share the port and the job table; the embedded database allows one process.
 */
export async function runStart(args: string[] = []): Promise<void> {
  const { values } = parseArgs({ args, options: { workers: { type: 'string' } }, strict: true });
  const config = loadConfig();
  const workers = values.workers === undefined ? (config.databaseUrl ? availableParallelism() : 1) : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64)
    throw new Error(`--workers must be a whole number from 1 to 64, got "${values.workers}"`);
  if (workers > 1 && !config.databaseUrl) {
    throw new Error('--workers above 1 needs DATABASE_URL (PostgreSQL): the embedded database belongs to one process at a time');
  }
  if (workers === 1) return serve(config, true);
  if (cluster.isPrimary) return supervise(config, workers);
  return serve(config, false);
}

/** One process serving HTTP and running jobs; `setUp` also migrates, creates the sandbox merchant and announces. */
async function serve(config: Config, setUp: boolean): Promise<void> {
  const logger = createLogger(config.logLevel);
  // Only the benchmark sets it (bench/README.md, Where the tail comes from).
  const telemetry = startRuntimeTelemetry(process.env.HOLDFAST_BENCH_TELEMETRY);
  if (config.databaseUrl === undefined) compileWasmOnceWhenCalled();
  const db = await openDatabase(config);
  const app = await createApp({ config, db, logger, databaseGauges: setUp });
  if (!setUp) reportToPrimary(app.metrics.registry);
  if (setUp) await ensureSandboxMerchant(app.ctx, config.dataDir, config.defaultConnector);
  const firstAdmin = setUp ? await ensureFirstOperator(app.ctx) : undefined;
  await app.server.listen({ port: config.port, host: config.host });
  await scheduleRetention(app.ctx, config);
  app.jobs.start();
  if (setUp)
    await serveMetricsOrWarn(appMetricsListener(app.metrics), config, (m) => {
      logger.warn(m);
    });
  if (setUp) announce(config, db.kind, 1, firstAdmin);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await db.close();
    telemetry?.write();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** The cluster primary: sets up once, forks the workers, replaces any that dies, stops them on a signal. */
async function supervise(config: Config, workers: number): Promise<void> {
  const db = await openDatabase(config);
  let firstAdmin: FirstAdmin | undefined;
  try {
    const app = await createApp({ config, db, logger: createLogger('warn') });
    await ensureSandboxMerchant(app.ctx, config.dataDir, config.defaultConnector);
    firstAdmin = await ensureFirstOperator(app.ctx);
    await app.close();
  } finally {
    await db.close();
  }
  await serveMetricsOrWarn(clusterMetricsListener(config), config, console.error);
  let stopping = false;
  let listening = 0;
  const fork = () => {
    const worker = cluster.fork();
    worker.once('listening', () => {
      listening += 1;
      if (listening === workers) announce(config, 'postgres', workers, firstAdmin);
    });
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`Holdfast worker ${worker.process.pid} exited (${signal || String(code)}); starting another`);
    fork();
  });
  for (let i = 0; i < workers; i++) fork();
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    const exitWhenDone = () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      else setTimeout(exitWhenDone, 50);
    };
    exitWhenDone();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

type FirstAdmin = Awaited<ReturnType<typeof ensureFirstOperator>>;

/** Where the metrics are served (HOLDFAST_METRICS_PORT on the same host), or that they are off. */
function metricsUrl(config: Config): string {
  const port = config.metricsPort;
  if (port === undefined) return 'off (HOLDFAST_METRICS_PORT=off)';
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${port}/metrics`;
}

/** The start banner: where Holdfast listens, its pages, and on first start the dashboard's one-time admin password. */
function announce(config: Config, kind: 'pglite' | 'postgres', workers: number, firstAdmin: FirstAdmin): void {
  const where = kind === 'pglite' ? `embedded database in ${resolve(config.dataDir)}` : 'PostgreSQL';
  const base = config.publicUrl;
  const lines = [
    `Holdfast listening on ${base} (${where}, ${workers} worker${workers === 1 ? '' : 's'})`,
    `  Front door:  ${base}/`,
    `  Dashboard:   ${base}/dashboard`,
    `  API docs:    ${base}/docs`,
    `  Health:      ${base}/healthz  ${base}/readyz`,
    `  Metrics:     ${metricsUrl(config)}`,
  ];
  if (firstAdmin) {
    lines.push(
      `Created the dashboard operator ${firstAdmin.email}; its one-time password (shown once): ${firstAdmin.oneTimePassword}`,
      `Sign in at ${base}/dashboard with ${firstAdmin.email} and the password above; you will be asked to choose a new one.`,
    );
  }
  console.log(lines.join('\n'));
}

/** On first start, create a sandbox merchant, print its credentials and keep them in <data dir>/sandbox.json. */
async function ensureSandboxMerchant(ctx: Parameters<typeof createMerchant>[0], dataDir: string, connector: string): Promise<void> {
  const file = join(resolve(dataDir), 'sandbox.json');
  if (await hasMerchants(ctx)) {
    if (existsSync(file)) console.log(`Sandbox merchant credentials: ${file}`);
    return;
  }
  const credentials = await createMerchant(ctx, { name: 'Sandbox merchant', connector });
  mkdirSync(resolve(dataDir), { recursive: true });
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  console.log(`Created a sandbox merchant (credentials also in ${file}):\n${JSON.stringify(credentials, null, 2)}`);
}
