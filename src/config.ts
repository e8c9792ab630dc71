import { existsSync } from 'node:fs';
import type { RequestLimitSettings } from './api/rate-limits.js';
import { parseMasterKeyHex } from './core/keys/master-key.js';
import { MAX_ORDER_LIFETIME_MS } from './domain/order-expiry.js';
import type { CardTestingRules } from './core/card-testing.js';
import { parseDuration } from './duration.js';
import { loadLimitSettings } from './limits-config.js';

/** The validated environment. Built once at start-up; frozen. */
export interface Config {
  /** Listening port (Default: 8080). */
  port: number;
  /** Listening address (Default: 127.0.0.1). */
  host: string;
  /** `postgres://` URL selects PostgreSQL; undefined selects the embedded PGlite (Default). */
  databaseUrl: string | undefined;
  /** PostgreSQL connections per process (HOLDFAST_DB_POOL, default 10). */
  dbPoolSize: number;
  /** How long to wait for a PostgreSQL connection before answering 503 (HOLDFAST_DB_CONNECT_TIMEOUT, default 5s). */
  dbConnectTimeoutMs: number;
  /** PostgreSQL's statement_timeout for Holdfast's connections (HOLDFAST_DB_STATEMENT_TIMEOUT, default 10s). */
  dbStatementTimeoutMs: number;
  /** How long to wait for any answer on an open connection (HOLDFAST_DB_QUERY_TIMEOUT, default the statement timeout + 5s). */
  dbQueryTimeoutMs: number;
  /**
   * Whether statements with parameters are named prepared statements (HOLDFAST_DB_PREPARED, default on).
   * `off` is for a transaction pooler such as PgBouncer in front of PostgreSQL (docs/database-faults.md).
   */
  dbPreparedStatements: boolean;
  /**
   * Where the embedded PGlite runs (HOLDFAST_PGLITE_THREAD): `worker`, a thread of its own (Default), so Postgres
   * works while the HTTP thread parses and answers; or `main`, the thread that serves HTTP (bench/README.md,
   * "Embedded engine: in-thread vs worker").
   */
  pgliteThread: 'main' | 'worker';
  /** How long /readyz waits for its trivial query before answering 503 (HOLDFAST_READY_TIMEOUT, default 2s). */
  readyTimeoutMs: number;
  /** The oldest a due job may wait before /readyz answers 503 (HOLDFAST_READY_JOB_LAG, default 5m). */
  readyJobLagMs: number;
  /** Port of the Prometheus listener on `host` (HOLDFAST_METRICS_PORT, default 9464; `off`: none). */
  metricsPort: number | undefined;
  /** Where PGlite keeps its files and sandbox.json is written (Default: ./.holdfast). */
  dataDir: string;
  /** PEM files; both set → serve HTTPS. */
  tls: { certFile: string; keyFile: string } | undefined;
  /** Base of links Holdfast hands out, such as challenge_url (Default: http(s)://host:port). */
  publicUrl: string;
  /** Whether HOLDFAST_PUBLIC_URL set it (otherwise links follow the port really bound). */
  publicUrlExplicit: boolean;
  /** How long an authorization may wait for capture (Default: 7d). */
  captureWindowMs: number;
  /** Delays between webhook delivery attempts (Default: 1m,5m,5m,10m×5,1h×5,6h×3). */
  webhookRetryScheduleMs: number[];
  /** Delivery attempts of events delivered longer ago than this are deleted (Default: 30d); undefined (`off`): kept for ever. */
  webhookAttemptRetentionMs: number | undefined;
  /** Stored reply bodies of Request-IDs older than this are dropped, the keys kept (Default: 30d); undefined (`off`): kept for ever. */
  requestReplyRetentionMs: number | undefined;
  /** Rows of job_runs (the history of background job runs) older than this are deleted (Default: 30d); undefined (`off`): kept for ever. */
  jobRunRetentionMs: number | undefined;
  /** Rows of the API call log older than this are deleted (Default: 30d); undefined (`off`): kept for ever. */
  apiCallRetentionMs: number | undefined;
  /** pino level (Default: info). */
  logLevel: string;
  /** Connector given to merchants created without one: `sandbox` (Default) or `http-acquirer`. */
  defaultConnector: 'sandbox' | 'http-acquirer';
  /** Base URL of the acquirer (`holdfast acquirer`) the http-acquirer connector talks to. */
  acquirerUrl: string | undefined;
  /** How long the http-acquirer connector waits for an answer before the outcome is unknown (Default: 5s). */
  acquirerTimeoutMs: number;
  /**
   * How long a call to an upstream gateway account (docs/gateways.md) may take before its outcome
   * is unknown (HOLDFAST_UPSTREAM_TIMEOUT, default 30s).
   */
  upstreamTimeoutMs: number;
  /** Delay before the first status inquiry of an unanswered operation; doubles after each (Default: 10s). */
  syncDelayMs: number;
  /** Status inquiries before an outcome is flagged for manual review (Default: 10). */
  syncAttempts: number;
  /** How long a 3-D Secure challenge accepts an OTP (Default: 10m). */
  challengeTtlMs: number;
  /** The master key that seals every data key (HOLDFAST_MASTER_KEY, 64 hex characters); never stored in the database. */
  masterKey: Buffer | undefined;
  /** A file holding the master key (HOLDFAST_MASTER_KEY_FILE); with neither, the embedded database keeps one in its data directory. */
  masterKeyFile: string | undefined;
  /** How long an order that nobody paid takes a payment, unless its request says otherwise (Default: 24h). */
  orderTtlMs: number;
  /** Request limits and card-testing protection (docs/rate-limits.md). */
  requestLimits: RequestLimitSettings;
  cardTesting: CardTestingRules;
  /** Redis that shares the request limits between processes (HOLDFAST_REDIS_URL); unset: each process counts alone. */
  redis: { url: string; prefix: string } | undefined;
  /** An operator's session ends after this long without a call (HOLDFAST_ADMIN_SESSION_IDLE, default 30m). */
  adminSessionIdleMs: number;
  /** An operator's session ends this long after sign-in at the latest (HOLDFAST_ADMIN_SESSION_MAX, default 12h). */
  adminSessionMaxMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const DEFAULT_RETRY_SCHEDULE = '1m,5m,5m,10m,10m,10m,10m,10m,1h,1h,1h,1h,1h,6h,6h,6h';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export { parseDuration };

/** The duration in `env[name]` (or `fallback` when unset); a bad value is added to `problems`. */
function duration(env: NodeJS.ProcessEnv, name: string, fallback: string, problems: string[]): number | undefined {
  const value = parseDuration(env[name] || fallback);
  if (value === undefined) problems.push(`${name} must be a duration such as ${fallback} or 500ms, got "${env[name]}"`);
  return value;
}

/** A switch such as HOLDFAST_DB_PREPARED: `on` or `off` (unset or empty: the default). */
function parseOnOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean, problems: string[]): boolean {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (value === 'on') return true;
  if (value === 'off') return false;
  problems.push(`${name} must be on or off, got "${value}"`);
  return fallback;
}

/** HOLDFAST_METRICS_PORT: a port (0: any free one), or `off` for no metrics listener. */
function parseMetricsPort(value: string | undefined, problems: string[]): number | undefined {
  if (value === undefined || value === '') return 9464;
  if (value.toLowerCase() === 'off') return undefined;
  const port = Number(value);
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  problems.push(`HOLDFAST_METRICS_PORT must be an integer from 0 to 65535 or off, got "${value}"`);
  return undefined;
}

/** A retention window in `env[name]`: a duration (Default: 30d), or `off` to keep everything. */
function parseRetention(env: NodeJS.ProcessEnv, name: string, problems: string[]): number | undefined {
  const value = env[name];
  if (value !== undefined && value.trim().toLowerCase() === 'off') return undefined;
  const ms = parseDuration(value || '30d');
  if (ms === undefined) problems.push(`${name} must be a duration such as 30d or 12h, or off, got "${value}"`);
  return ms;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];

  const port = env.PORT === undefined || env.PORT === '' ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be an integer from 0 to 65535, got "${env.PORT}"`);

  const host = env.HOST || '127.0.0.1';

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for the embedded database)');
  }

  const dbPoolSize = env.HOLDFAST_DB_POOL === undefined || env.HOLDFAST_DB_POOL === '' ? 10 : Number(env.HOLDFAST_DB_POOL);
  if (!Number.isInteger(dbPoolSize) || dbPoolSize < 1 || dbPoolSize > 1000)
    problems.push(`HOLDFAST_DB_POOL must be a whole number from 1 to 1000, got "${env.HOLDFAST_DB_POOL}"`);

  const dbConnectTimeoutMs = duration(env, 'HOLDFAST_DB_CONNECT_TIMEOUT', '5s', problems);
  const dbStatementTimeoutMs = duration(env, 'HOLDFAST_DB_STATEMENT_TIMEOUT', '10s', problems);
  // Longer than the statement timeout by default, so the server's own cancel normally comes first.
  const dbQueryTimeoutMs = duration(env, 'HOLDFAST_DB_QUERY_TIMEOUT', `${(dbStatementTimeoutMs ?? 10_000) + 5000}ms`, problems);
  const dbPreparedStatements = parseOnOff(env, 'HOLDFAST_DB_PREPARED', true, problems);
  const pgliteThread = env.HOLDFAST_PGLITE_THREAD || 'worker';
  if (pgliteThread !== 'main' && pgliteThread !== 'worker')
    problems.push(`HOLDFAST_PGLITE_THREAD must be main or worker, got "${env.HOLDFAST_PGLITE_THREAD}"`);
  const readyTimeoutMs = duration(env, 'HOLDFAST_READY_TIMEOUT', '2s', problems);
  const readyJobLagMs = duration(env, 'HOLDFAST_READY_JOB_LAG', '5m', problems);
  const metricsPort = parseMetricsPort(env.HOLDFAST_METRICS_PORT, problems);

  const dataDir = env.HOLDFAST_DATA_DIR || './.holdfast';

  let tls: Config['tls'];
  const certFile = env.HOLDFAST_TLS_CERT || undefined;
  const keyFile = env.HOLDFAST_TLS_KEY || undefined;
  if (certFile || keyFile) {
    if (!certFile || !keyFile) problems.push('HOLDFAST_TLS_CERT and HOLDFAST_TLS_KEY must be set together');
    else {
      if (!existsSync(certFile)) problems.push(`HOLDFAST_TLS_CERT: no file at ${certFile}`);
      if (!existsSync(keyFile)) problems.push(`HOLDFAST_TLS_KEY: no file at ${keyFile}`);
      tls = { certFile, keyFile };
    }
  }

  let publicUrl = env.HOLDFAST_PUBLIC_URL || `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  try {
    const url = new URL(publicUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    publicUrl = publicUrl.replace(/\/+$/, '');
  } catch {
    problems.push(`HOLDFAST_PUBLIC_URL must be an http(s) URL, got "${env.HOLDFAST_PUBLIC_URL}"`);
  }

  const captureWindowMs = parseDuration(env.HOLDFAST_CAPTURE_WINDOW || '7d');
  if (captureWindowMs === undefined)
    problems.push(`HOLDFAST_CAPTURE_WINDOW must be a duration such as 7d or 12h, got "${env.HOLDFAST_CAPTURE_WINDOW}"`);

  const schedule = (env.HOLDFAST_WEBHOOK_RETRY_SCHEDULE || DEFAULT_RETRY_SCHEDULE).split(',').map((s) => parseDuration(s));
  if (schedule.some((d) => d === undefined)) {
    problems.push(
      `HOLDFAST_WEBHOOK_RETRY_SCHEDULE must be comma-separated durations such as 1m,5m,5m,10m, got "${env.HOLDFAST_WEBHOOK_RETRY_SCHEDULE}"`,
    );
  }

  const webhookAttemptRetentionMs = parseRetention(env, 'HOLDFAST_WEBHOOK_ATTEMPT_RETENTION', problems);
  const requestReplyRetentionMs = parseRetention(env, 'HOLDFAST_REQUEST_REPLY_RETENTION', problems);
  const jobRunRetentionMs = parseRetention(env, 'HOLDFAST_JOB_RUN_RETENTION', problems);
  const apiCallRetentionMs = parseRetention(env, 'HOLDFAST_API_CALL_RETENTION', problems);

  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);

  const defaultConnector = env.HOLDFAST_CONNECTOR || 'sandbox';
  if (defaultConnector !== 'sandbox' && defaultConnector !== 'http-acquirer') {
    problems.push(`HOLDFAST_CONNECTOR must be sandbox or http-acquirer, got "${defaultConnector}"`);
  }
  const acquirerUrl = env.HOLDFAST_ACQUIRER_URL || undefined;
  if (acquirerUrl !== undefined && !/^https?:\/\/\S+$/.test(acquirerUrl))
    problems.push(`HOLDFAST_ACQUIRER_URL must be an http(s) URL, got "${acquirerUrl}"`);
  if (defaultConnector === 'http-acquirer' && !acquirerUrl) problems.push('HOLDFAST_CONNECTOR=http-acquirer needs HOLDFAST_ACQUIRER_URL');
  const acquirerTimeoutMs = parseDuration(env.HOLDFAST_ACQUIRER_TIMEOUT || '5s');
  if (acquirerTimeoutMs === undefined)
    problems.push(`HOLDFAST_ACQUIRER_TIMEOUT must be a duration such as 5s or 800ms, got "${env.HOLDFAST_ACQUIRER_TIMEOUT}"`);

  const upstreamTimeoutMs = duration(env, 'HOLDFAST_UPSTREAM_TIMEOUT', '30s', problems);

  const syncDelayMs = parseDuration(env.HOLDFAST_SYNC_DELAY || '10s');
  if (syncDelayMs === undefined) problems.push(`HOLDFAST_SYNC_DELAY must be a duration such as 10s, got "${env.HOLDFAST_SYNC_DELAY}"`);
  const challengeTtlMs = parseDuration(env.HOLDFAST_CHALLENGE_TTL || '10m');
  if (challengeTtlMs === undefined)
    problems.push(`HOLDFAST_CHALLENGE_TTL must be a duration such as 10m, got "${env.HOLDFAST_CHALLENGE_TTL}"`);
  const orderTtlMs = parseDuration(env.HOLDFAST_ORDER_TTL || '24h');
  if (orderTtlMs === undefined || orderTtlMs < 1000 || orderTtlMs > MAX_ORDER_LIFETIME_MS)
    problems.push(`HOLDFAST_ORDER_TTL must be a duration from 1s to 180d such as 30m or 24h, got "${env.HOLDFAST_ORDER_TTL}"`);
  const syncAttempts =
    env.HOLDFAST_SYNC_ATTEMPTS === undefined || env.HOLDFAST_SYNC_ATTEMPTS === '' ? 10 : Number(env.HOLDFAST_SYNC_ATTEMPTS);
  if (!Number.isInteger(syncAttempts) || syncAttempts < 1 || syncAttempts > 100)
    problems.push(`HOLDFAST_SYNC_ATTEMPTS must be a whole number from 1 to 100, got "${env.HOLDFAST_SYNC_ATTEMPTS}"`);

  const masterKeyHex = env.HOLDFAST_MASTER_KEY || undefined;
  const masterKeyFile = env.HOLDFAST_MASTER_KEY_FILE || undefined;
  const masterKey = masterKeyHex === undefined ? undefined : parseMasterKeyHex(masterKeyHex);
  // The value itself is never echoed: it is the one secret that opens every other.
  if (masterKeyHex !== undefined && !masterKey) problems.push('HOLDFAST_MASTER_KEY must be 64 hexadecimal characters (32 bytes)');
  if (masterKeyHex !== undefined && masterKeyFile !== undefined)
    problems.push('Set HOLDFAST_MASTER_KEY or HOLDFAST_MASTER_KEY_FILE, not both');
  if (masterKeyFile !== undefined && !existsSync(masterKeyFile)) problems.push(`HOLDFAST_MASTER_KEY_FILE: no file at ${masterKeyFile}`);
  const limits = loadLimitSettings(env, problems);
  const adminSessionIdleMs = duration(env, 'HOLDFAST_ADMIN_SESSION_IDLE', '30m', problems);
  const adminSessionMaxMs = duration(env, 'HOLDFAST_ADMIN_SESSION_MAX', '12h', problems);

  if (
    problems.length > 0 ||
    captureWindowMs === undefined ||
    acquirerTimeoutMs === undefined ||
    upstreamTimeoutMs === undefined ||
    syncDelayMs === undefined ||
    challengeTtlMs === undefined ||
    dbConnectTimeoutMs === undefined ||
    dbStatementTimeoutMs === undefined ||
    dbQueryTimeoutMs === undefined ||
    readyTimeoutMs === undefined ||
    orderTtlMs === undefined ||
    readyJobLagMs === undefined ||
    adminSessionIdleMs === undefined ||
    adminSessionMaxMs === undefined
  ) {
    throw new ConfigError(problems);
  }
  return Object.freeze({
    port,
    host,
    databaseUrl,
    dbPoolSize,
    dbConnectTimeoutMs,
    dbStatementTimeoutMs,
    dbQueryTimeoutMs,
    dbPreparedStatements,
    pgliteThread: pgliteThread === 'main' ? 'main' : 'worker',
    readyTimeoutMs,
    readyJobLagMs,
    metricsPort,
    dataDir,
    tls,
    publicUrl,
    publicUrlExplicit: Boolean(env.HOLDFAST_PUBLIC_URL),
    captureWindowMs,
    webhookRetryScheduleMs: schedule as number[],
    webhookAttemptRetentionMs,
    requestReplyRetentionMs,
    jobRunRetentionMs,
    apiCallRetentionMs,
    logLevel,
    defaultConnector: defaultConnector as Config['defaultConnector'],
    acquirerUrl,
    acquirerTimeoutMs,
    upstreamTimeoutMs,
    syncDelayMs,
    syncAttempts,
    challengeTtlMs,
    masterKey,
    masterKeyFile,
    orderTtlMs,
    ...limits,
    adminSessionIdleMs,
    adminSessionMaxMs,
  });
}
