import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { isUnavailable } from '../domain/errors.js';
import { asUnavailable, isConnectionFailure } from './connection-failure.js';
import type { Db, Queryable } from './db.js';

const types = {
  getTypeParser(oid: Parameters<typeof pg.types.getTypeParser>[0], format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  },
};

/**
 * Statements with parameters are sent as named prepared statements: each connection parses and
 * plans them once instead of on every call (the benchmark measured this as the largest cost of
 * unnamed statements). The name is derived from the text, so the same SQL shares one name.
 * Without `named`, they go as the unnamed statement, still with their parameters apart from the
 * text: a named statement lives on one server connection, which a transaction pooler hands to
 * another client after each transaction (docs/database-faults.md).
 */
const statementNames = new Map<string, string>();
function statement(sql: string, params: readonly unknown[], named: boolean): pg.QueryConfig | string {
  if (params.length === 0) return sql;
  if (!named) return { text: sql, values: params as unknown[] };
  let name = statementNames.get(sql);
  if (!name) {
    name = `hf_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: params as unknown[] };
}

/**
 * Told how long each statement or transaction waited for a pooled connection, and of each new
 * connection the pool opens, when something listens (the benchmark's runtime telemetry,
 * src/metrics/runtime-telemetry.ts); otherwise the wait is not timed.
 */
export interface PoolObserver {
  waited(ms: number): void;
  connected(): void;
}
let poolObserver: PoolObserver | undefined;
export function observePool(observer: PoolObserver): void {
  poolObserver = observer;
}

export interface PostgresOptions {
  connectionString: string;
  /** Pool size per process (Default: 10). */
  maxConnections?: number;
  /** How long to wait for a connection, new or from the pool, before the database counts as unavailable (Default: 5 s). */
  connectTimeoutMs?: number;
  /** How long the server may run one statement before it cancels it (statement_timeout; Default: 10 s). */
  statementTimeoutMs?: number;
  /** How long to wait for any answer on an open connection, the guard against a network that went silent (Default: 15 s). */
  queryTimeoutMs?: number;
  /** The name the server shows for these connections in pg_stat_activity (Default: holdfast; the URL's application_name wins). */
  applicationName?: string;
  /**
   * Named prepared statements (Default: true). False for a transaction pooler such as PgBouncer:
   * statements go unnamed, and the statement timeout, which such a pooler refuses as a startup
   * parameter, is set per transaction with SET LOCAL instead (docs/database-faults.md).
   */
  preparedStatements?: boolean;
  /**
   * How long a connection may sit idle in the pool before it is closed (Default: 0, never). Closing
   * them is what node-postgres does by default (10 s), and it made the latency tail worse: the pool
   * hands out its most recently used connection first, so at a steady moderate rate the ones
   * deeper in the idle list go quiet and are closed, and the next burst waits for new connections,
   * each a new PostgreSQL backend whose caches and prepared statements start cold (bench/README.md,
   * Where the tail comes from). The pool is bounded by `maxConnections` either way; kept, those
   * connections stay open while the process runs, so the pool size times the processes must fit
   * the server's max_connections (as it must at full load already).
   */
  idleTimeoutMs?: number;
}

const DEFAULTS = {
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 10_000,
  queryTimeoutMs: 15_000,
  applicationName: 'holdfast',
  preparedStatements: true,
  idleTimeoutMs: 0,
};

/**
 * PostgreSQL through a node-postgres pool that outlives the server: a connection that dies (the
 * backend terminated, the server restarting, the network gone) fails only the statement using it,
 * as the catalogue's `unavailable` (connection-failure.ts), and the pool opens new connections on
 * demand once the server is back. Every wait is bounded: a statement fails after at most the
 * connect timeout plus the query timeout, so a request never hangs on a database that is gone
 * (docs/database-faults.md).
 */
export function openPostgres(options: PostgresOptions): Db {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const named = settings.preparedStatements;
  const begin = named ? 'BEGIN' : `BEGIN; SET LOCAL statement_timeout = ${Math.trunc(settings.statementTimeoutMs)}`;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    types,
    application_name: settings.applicationName,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    // 0: never (pg-pool closes an idle connection only when this is set).
    idleTimeoutMillis: settings.idleTimeoutMs,
    // A transaction pooler answers this startup parameter with "unsupported startup parameter":
    // through one, each transaction sets it for itself (`begin`).
    ...(named ? { statement_timeout: settings.statementTimeoutMs } : {}),
    // Above the statement timeout, so a slow statement is normally cancelled by the server first
    // (its connection stays usable); this one fires only when the server stopped answering.
    query_timeout: settings.queryTimeoutMs,
    // Keeps idle connections alive through firewalls and lets the kernel notice a peer that
    // vanished; what bounds a request is the query timeout above.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle client's error (e.g. the server restarting) must not crash the process: the pool
  // drops that client and opens a new one when next asked.
  pool.on('error', () => {});
  pool.on('connect', () => poolObserver?.connected());
  return {
    kind: 'postgres',
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const query = statement(sql, params, named);
      try {
        if (poolObserver) return await timedQuery<Row>(pool, query, poolObserver);
        const result = typeof query === 'string' ? await pool.query(query) : await pool.query(query);
        return result.rows as Row[];
      } catch (error) {
        throw asUnavailable(error);
      }
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        const asked = poolObserver ? performance.now() : 0;
        client = await pool.connect();
        poolObserver?.waited(performance.now() - asked);
      } catch (error) {
        throw asUnavailable(error);
      }
      // A checked-out client has no pool listener: a connection lost between two statements
      // would otherwise be an unhandled 'error' event, which ends the process. The statement
      // that follows fails on its own.
      const ignoreLostConnection = () => {};
      client.on('error', ignoreLostConnection);
      const release = (destroy = false) => {
        client.removeListener('error', ignoreLostConnection);
        client.release(destroy);
      };
      const tx: Queryable = {
        async query<Row>(sql: string, params: readonly unknown[] = []) {
          const query = statement(sql, params, named);
          try {
            const result = typeof query === 'string' ? await client.query(query) : await client.query(query);
            return result.rows as Row[];
          } catch (error) {
            throw asUnavailable(error);
          }
        },
      };
      try {
        await client.query(begin);
        const value = await work(tx);
        // A connection lost while COMMIT is on its way leaves the outcome unknown: the caller
        // answers `unavailable`, and the request's idempotency key makes sending it again safe.
        await client.query('COMMIT');
        release();
        return value;
      } catch (error) {
        if (isConnectionFailure(error) || isUnavailable(error)) {
          release(true);
        } else {
          try {
            await client.query('ROLLBACK');
            release();
          } catch {
            release(true);
          }
        }
        throw asUnavailable(error);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** pool.query's own steps (a client, the statement, the client back; dropped after an error), with the wait for the client timed. */
async function timedQuery<Row>(pool: pg.Pool, query: pg.QueryConfig | string, observer: PoolObserver): Promise<Row[]> {
  const asked = performance.now();
  const client = await pool.connect();
  observer.waited(performance.now() - asked);
  try {
    const result = typeof query === 'string' ? await client.query(query) : await client.query(query);
    client.release();
    return result.rows as Row[];
  } catch (error) {
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

/** The options that were given, so an explicit undefined does not hide a default. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
