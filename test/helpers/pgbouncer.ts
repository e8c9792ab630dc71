import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgBouncerDatabase {
  /** The name clients connect to through PgBouncer. */
  alias: string;
  /** Server connections PgBouncer keeps for it (its `pool_size`). */
  poolSize: number;
  /** The database it leads to on the target server (Default: the target URL's). */
  dbname?: string;
}

export interface PgBouncer {
  /** A connection URL through PgBouncer to `alias` (as the target database's user). */
  url(alias: string): string;
  stop(): Promise<void>;
}

/**
 * Debian's `pgbouncer` on a free loopback port in `pool_mode = transaction`, in front of the
 * database at `targetUrl` (each alias one pool of its own size), with a generated config in a
 * temporary directory. PgBouncer refuses to run as root: started by root, it switches to
 * `nobody` (`-u`), so its directory is made readable by all.
 */
export async function startPgBouncer(
  targetUrl: string,
  databases: PgBouncerDatabase[],
  options: { ignoreStartupParameters?: string[] } = {},
): Promise<PgBouncer> {
  const target = new URL(targetUrl);
  const user = decodeURIComponent(target.username) || 'postgres';
  const dbname = decodeURIComponent(target.pathname.slice(1));
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'holdfast-pgbouncer-'));
  await chmod(dir, 0o755);
  const host = target.hostname;
  const serverPort = target.port || '5432';
  const password = target.password ? ` password=${decodeURIComponent(target.password)}` : '';
  const config = [
    '[databases]',
    ...databases.map(
      (d) => `${d.alias} = host=${host} port=${serverPort} dbname=${d.dbname ?? dbname} user=${user}${password} pool_size=${d.poolSize}`,
    ),
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${join(dir, 'users.txt')}`,
    'pool_mode = transaction',
    'max_client_conn = 200',
    ...(options.ignoreStartupParameters ? [`ignore_startup_parameters = ${options.ignoreStartupParameters.join(',')}`] : []),
    '',
  ].join('\n');
  await writeFile(join(dir, 'pgbouncer.ini'), config, { mode: 0o644 });
  await writeFile(join(dir, 'users.txt'), `"${user}" ""\n`, { mode: 0o644 });
  const asRoot = process.getuid?.() === 0;
  const child = spawn('pgbouncer', [...(asRoot ? ['-u', 'nobody'] : []), join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await listening(child);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: (alias) => `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${alias}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT'); // PgBouncer's immediate shutdown
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once PgBouncer logs that it listens; rejects with its log if it exits first. */
function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('process up')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (error) => {
      reject(new Error(`pgbouncer did not start (is it installed?): ${error.message}`));
    });
    child.once('exit', (code) => {
      reject(new Error(`pgbouncer exited with ${String(code)}:\n${log}`));
    });
  });
}

/** A loopback port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}
