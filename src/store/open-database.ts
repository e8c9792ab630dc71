import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import type { Db } from './db.js';
import { openPglite } from './pglite-db.js';
import { openPgliteWorker } from './pglite-worker-db.js';
import { openPostgres } from './postgres-db.js';

export class DatabaseInUseError extends Error {
  constructor(dataDir: string) {
    super(
      `The embedded database in ${dataDir} is in use by another Holdfast process (is "holdfast start" running?). ` +
        'To make a change while it runs, set HOLDFAST_ADMIN_URL to its address (e.g. http://127.0.0.1:8080) and ' +
        'HOLDFAST_ADMIN_TOKEN to an admin token ("holdfast admin token create") and run the command again: merchant create, ' +
        'set-webhook, disable, enable, redirect-keys and webhooks replay then go through its admin API. Otherwise stop that ' +
        'process first, or set DATABASE_URL to a PostgreSQL database, which any number of processes can share.',
    );
    this.name = 'DatabaseInUseError';
  }
}

/**
 * PostgreSQL when a URL is given; otherwise the embedded PGlite in `<dataDir>/pgdata`, which
 * belongs to one process at a time (guarded by a lock file), on the thread that serves HTTP or on a
 * worker thread of its own (`pgliteThread`, bench/README.md "Embedded engine: in-thread vs worker").
 */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  dbPoolSize?: number;
  dbConnectTimeoutMs?: number;
  dbStatementTimeoutMs?: number;
  dbQueryTimeoutMs?: number;
  dbPreparedStatements?: boolean;
  pgliteThread?: 'main' | 'worker';
}): Promise<Db> {
  if (options.databaseUrl) {
    return openPostgres({
      connectionString: options.databaseUrl,
      maxConnections: options.dbPoolSize,
      connectTimeoutMs: options.dbConnectTimeoutMs,
      statementTimeoutMs: options.dbStatementTimeoutMs,
      queryTimeoutMs: options.dbQueryTimeoutMs,
      preparedStatements: options.dbPreparedStatements,
    });
  }
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, { lockfilePath: join(dataDir, 'holdfast.lock'), stale: 15_000, update: 5_000 });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') throw new DatabaseInUseError(dataDir);
    throw error;
  }
  try {
    const pgdata = join(dataDir, 'pgdata');
    const db = options.pgliteThread === 'worker' ? await openPgliteWorker(pgdata) : await openPglite(pgdata);
    return {
      ...db,
      async close() {
        await db.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}
