/**
 * The database-fault run (docs/database-faults.md): one Holdfast under the mixed load, with every
 * call retried under its Request-ID after a 503, reaches PostgreSQL through a loopback proxy while
 * the database fails three ways — its backends killed by pg_terminate_backend (for real), a
 * restart (the proxy cuts every connection and refuses new ones for 2 s, or with `realRestart` the
 * given command restarts the server) and 10 s unreachable (the proxy freezes every connection and
 * answers none: only timeouts notice). The run counts the answers, watches /readyz, and needs
 * Holdfast to live through it all and reconnect by itself.
 */
import { execSync, type ChildProcess } from 'node:child_process';
import type pg from 'pg';
import { startTcpProxy, throughProxy, type TcpProxy } from '../../test/helpers/tcp-proxy.js';
import { launch, sleep, type Merchant } from './harness.js';
import { mixedLoad } from './load.js';

/** Holdfast's database settings for the run: short enough that a 10 s outage is met by many timeouts. */
export const DB_FAULT_ENV = {
  HOLDFAST_DB_CONNECT_TIMEOUT: '2s',
  HOLDFAST_DB_STATEMENT_TIMEOUT: '3s',
  HOLDFAST_DB_QUERY_TIMEOUT: '4s',
  HOLDFAST_READY_TIMEOUT: '1s',
};

const RESTART_MS = 2000;
const UNREACHABLE_MS = 10_000;

export async function openProxy(serverUrl: string): Promise<TcpProxy> {
  const url = new URL(serverUrl);
  return startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
}

export { throughProxy };

export async function runDbFaults(options: {
  env: Record<string, string>;
  merchant: Merchant;
  random: () => number;
  proxy: TcpProxy;
  /** Holdfast's database, reached directly (not through the proxy). */
  db: pg.Pool;
  children: ChildProcess[];
  /** A shell command that restarts PostgreSQL, to use instead of the simulated restart (by hand only). */
  realRestart: string | undefined;
}) {
  const { env, proxy, db, children } = options;
  const api = `http://127.0.0.1:${env.PORT}`;
  const server = await launch(['start', '--workers', '1'], env, /Holdfast listening/);
  children.push(server.child);
  let exits = 0;
  server.child.once('exit', () => (exits += 1));

  const load = mixedLoad({ api, merchant: options.merchant, random: options.random, retry: true, requestTimeoutMs: 15_000 });
  await load.login();
  const phase = { stopped: false };
  const running = load.run(6, () => phase.stopped);
  const readyz = { ready: 0, unavailable: 0, other: 0, last: 0 };
  const probing = (async () => {
    while (!phase.stopped) {
      const status = await fetch(`${api}/readyz`, { signal: AbortSignal.timeout(5000) }).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) readyz.ready += 1;
      else if (status === 503) readyz.unavailable += 1;
      else readyz.other += 1;
      await sleep(250);
    }
  })();

  const faults = {
    backend_terminations: 0,
    backends_terminated: 0,
    restarts: 0,
    restart: options.realRestart ? 'real' : 'simulated',
    unreachable_ms: 0,
  };
  const terminate = async () => {
    // Materialized first: the planner may otherwise call pg_terminate_backend before the other conditions.
    const result = await db.query<{ n: number }>(`with holdfast as materialized (
        select pid from pg_stat_activity where datname = current_database() and application_name = 'holdfast')
      select count(*)::int as n from holdfast where pg_terminate_backend(pid)`);
    faults.backend_terminations += 1;
    faults.backends_terminated += result.rows[0]?.n ?? 0;
  };

  await sleep(3000);
  const openedBeforeFaults = proxy.stats.accepted;
  for (let round = 0; round < 3; round++) {
    await terminate();
    await sleep(1500);
  }
  await sleep(1000);
  if (options.realRestart) {
    execSync(options.realRestart, { stdio: 'inherit' });
  } else {
    proxy.refuse();
    proxy.drop();
    await sleep(RESTART_MS);
    proxy.restore();
  }
  faults.restarts += 1;
  await sleep(4000);
  proxy.blackhole();
  await sleep(UNREACHABLE_MS);
  proxy.restore();
  faults.unreachable_ms = UNREACHABLE_MS;
  await sleep(4000);
  phase.stopped = true;
  await Promise.all([running, probing]);
  const final = await fetch(`${api}/readyz`).then(
    (r) => r.status,
    () => 0,
  );
  readyz.last = final;

  return {
    load,
    exits: () => exits,
    report: {
      faults,
      readyz,
      database_connections_opened: proxy.stats.accepted,
      reconnects: proxy.stats.accepted - openedBeforeFaults,
      connections_cut_by_proxy: proxy.stats.dropped,
      connections_refused_by_proxy: proxy.stats.refused,
    },
    async stopHoldfast() {
      if (server.child.exitCode !== null) return;
      const exited = new Promise((r) => server.child.once('exit', r));
      server.child.kill('SIGTERM');
      await exited;
    },
  };
}
