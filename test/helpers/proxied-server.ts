import type { Db } from '../../src/store/db.js';
import { openPostgres } from '../../src/store/postgres-db.js';
import { startTcpProxy, throughProxy, type TcpProxy } from './tcp-proxy.js';
import { openTestDatabase } from './test-database.js';
import { startTestServer, type TestServer } from './test-server.js';

export interface ProxiedDatabase {
  /** Holdfast's way to the database, through the proxy (Holdfast's pool, application_name holdfast). */
  db: Db;
  /** Between `db` and PostgreSQL: cut it, refuse, blackhole, restore. */
  proxy: TcpProxy;
  /** The same database, reached directly: for checks while the proxied way is cut. */
  direct: Awaited<ReturnType<typeof openTestDatabase>>;
  close(): Promise<void>;
}

/**
 * A fresh PostgreSQL test database reached through a loopback proxy (tcp-proxy.ts), with short
 * timeouts so a silent network is noticed quickly. PostgreSQL only: the embedded database cannot
 * be taken away.
 */
export async function openProxiedDatabase(): Promise<ProxiedDatabase> {
  const direct = await openTestDatabase();
  if (!direct.url) throw new Error('a proxied database needs TEST_DATABASE_URL (PostgreSQL)');
  const target = new URL(direct.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const db = openPostgres({
    connectionString: throughProxy(direct.url, proxy),
    maxConnections: 5,
    connectTimeoutMs: 1000,
    statementTimeoutMs: 2000,
    queryTimeoutMs: 3000,
  });
  return {
    db,
    proxy,
    direct,
    async close() {
      proxy.restore();
      await db.close();
      await proxy.close();
      await direct.close();
    },
  };
}

export interface ProxiedServer extends TestServer, Omit<ProxiedDatabase, 'db' | 'close'> {}

/** In-process Holdfast on a proxied database (openProxiedDatabase). */
export async function startProxiedServer(env: NodeJS.ProcessEnv = {}): Promise<ProxiedServer> {
  const database = await openProxiedDatabase();
  const server = await startTestServer({ HOLDFAST_READY_TIMEOUT: '1s', ...env }, { db: database.db });
  return {
    ...server,
    proxy: database.proxy,
    direct: database.direct,
    async close() {
      database.proxy.restore();
      await server.close(); // closes database.db too
      await database.proxy.close();
      await database.direct.close();
    },
  };
}
