/**
 * What both crash-safety runs share (scripts/crash-safety.ts): a seeded random source, starting
 * holdfast commands, a scratch database, the faulty acquirer, the webhook receiver and the merchant.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

export const BIN = new URL('../../bin/holdfast.js', import.meta.url).pathname;

/** mulberry32: a small seeded PRNG so a run can be repeated. */
export function seededRandom(initial: number): () => number {
  let seed = initial;
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `value`, which the caller knows is there; throws naming `what` if it is not. */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`crash-safety: ${what} is missing`);
  return value;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export interface Launched {
  child: ChildProcess;
  output: () => string;
}

/** Starts a holdfast command and resolves once `ready` appears in its output. */
export function launch(args: string[], env: Record<string, string>, ready: RegExp): Promise<Launched> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`holdfast ${args[0]} did not start: ${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`holdfast ${args[0]} exited ${code}: ${output}`));
    });
  });
}

/** A database of its own on the server at `serverUrl`, dropped by `drop()`. */
export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(serverUrl: string): Promise<ScratchDatabase> {
  const name = `holdfast_crash_${randomBytes(4).toString('hex')}`;
  // A pool, not a client: it reconnects by itself if the server restarts during the run.
  const admin = new pg.Pool({ connectionString: serverUrl, max: 1, application_name: 'holdfast-crash-admin' });
  admin.on('error', () => {});
  // Under scripts/run-tests.mjs, a copy of the run's migrated image (test/helpers/database-image.ts): no migrations to wait for.
  const image = process.env.HOLDFAST_TEST_POSTGRES_IMAGE;
  await admin.query(image ? `create database ${name} template ${image}` : `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** The webhook receiver: counts each delivery by its webhook-id. */
export async function startReceiver(): Promise<{ url: string; received: Map<string, number>; server: Server }> {
  const received = new Map<string, number>();
  const server = createServer((req, res) => {
    const id = String(req.headers['webhook-id'] ?? '');
    req.resume();
    req.on('end', () => {
      received.set(id, (received.get(id) ?? 0) + 1);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

/** The acquirer simulator with its faults on: timeouts, 503s, resets, late successes. */
export async function startAcquirer(seed: number): Promise<{ url: string; launched: Launched }> {
  const port = await freePort();
  const launched = await launch(
    [
      'acquirer',
      '--port',
      String(port),
      '--seed',
      String(seed),
      '--latency-median-ms',
      '3',
      '--latency-p99-ms',
      '40',
      '--timeout-rate',
      '0.03',
      '--error-rate',
      '0.03',
      '--reset-rate',
      '0.02',
      '--late-success-rate',
      '0.03',
      '--log-level',
      'warn',
    ],
    {},
    /listening on/,
  );
  return { url: `http://127.0.0.1:${port}`, launched };
}

/**
 * The environment of every Holdfast process of one run. One master key for them all: Holdfast on
 * PostgreSQL needs one, and processes sharing a database must share it.
 */
export async function holdfastEnv(
  databaseUrl: string,
  acquirerUrl: string | undefined,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  return {
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    HOLDFAST_MASTER_KEY: randomBytes(32).toString('hex'),
    ...(acquirerUrl === undefined ? {} : { HOLDFAST_ACQUIRER_URL: acquirerUrl }),
    HOLDFAST_ACQUIRER_TIMEOUT: '300ms',
    HOLDFAST_SYNC_DELAY: '700ms',
    HOLDFAST_SYNC_ATTEMPTS: '40',
    HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '200ms,500ms,1s,1s,2s,2s,5s,5s,5s',
    LOG_LEVEL: 'error',
    ...extra,
  };
}

export interface Merchant {
  client_id: string;
  client_secret: string;
}

/**
 * Runs one holdfast command to its end and returns what it printed. Not spawnSync: the proxy of
 * the database-fault run lives in this process and must keep forwarding meanwhile.
 */
export async function holdfastCommand(env: Record<string, string>, args: string[]): Promise<string> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`holdfast ${args.slice(0, 2).join(' ')} failed: ${stderr}`);
  return stdout;
}

/** A merchant on the http-acquirer connector whose webhooks go to `webhookUrl`. */
export async function createMerchant(env: Record<string, string>, webhookUrl: string): Promise<Merchant> {
  const args = ['merchant', 'create', '--name', 'Crash test', '--webhook-url', webhookUrl, '--connector', 'http-acquirer', '--json'];
  return JSON.parse(await holdfastCommand(env, args)) as Merchant;
}
