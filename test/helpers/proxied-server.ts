import { openPostgres } from '../../src/store/postgres-db.js';
import { startTcpProxy, throughProxy, type TcpProxy } from './tcp-proxy.js';
import { openTestDatabase } from './test-database.js';
import { startTestServer, type TestServer } from './test-server.js';

export interface ProxiedServer extends TestServer {
  /** Between Holdfast and PostgreSQL: cut it, refuse, blackhole, restore. */
  proxy: TcpProxy;
  /** The same database, reached directly: for checks while Holdfast's way to it is cut. */
  direct: Awaited<ReturnType<typeof openTestDatabase>>;
}

/**
 * In-process Holdfast on a fresh PostgreSQL database reached through a loopback proxy
 * (tcp-proxy.ts), with short database timeouts so a silent network is noticed quickly. PostgreSQL
 * only: the embedded database cannot be taken away.
 */
export async function startProxiedServer(env: NodeJS.ProcessEnv = {}): Promise<ProxiedServer> {
  const direct = await openTestDatabase();
  if (!direct.url) throw new Error('startProxiedServer needs TEST_DATABASE_URL (PostgreSQL)');
  const target = new URL(direct.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const db = openPostgres({
    connectionString: throughProxy(direct.url, proxy),
    maxConnections: 5,
    connectTimeoutMs: 1000,
    statementTimeoutMs: 2000,
    queryTimeoutMs: 3000,
  });
  const server = await startTestServer({ HOLDFAST_READY_TIMEOUT: '1s', ...env }, { db });
  return {
    ...server,
    proxy,
    direct,
    async close() {
      await server.close();
      await proxy.close();
      await direct.close();
    },
  };
}
