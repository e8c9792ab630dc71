import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { TEST_MASTER_KEY } from './test-database.js';

const BIN = join(process.cwd(), 'bin', 'holdfast.js');

/** `holdfast start` running as a process of its own (the compiled CLI, as an operator runs it). */
export interface HoldfastProcess {
  baseUrl: string;
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr together. */
  output: () => string;
  /** Stops it (SIGTERM, then SIGKILL after a few seconds) and removes its data directory; safe to call twice. */
  stop: () => Promise<void>;
}

/**
 * Starts `holdfast start --workers 1` with the test master key, metrics off and a data directory of
 * its own, on `databaseUrl` (PostgreSQL) or, without one, on the embedded database in that
 * directory (`dataDir`, when given, is used instead and left in place). Resolves once it listens.
 */
export async function startHoldfastProcess(options: { databaseUrl?: string; dataDir?: string } = {}): Promise<HoldfastProcess> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'holdfast-process-'));
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'start', '--workers', '1'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOLDFAST_MASTER_KEY: TEST_MASTER_KEY,
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      HOLDFAST_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      HOLDFAST_METRICS_PORT: 'off',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else
      child.once('exit', () => {
        resolve();
      });
  });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => {
          child.kill('SIGKILL');
        }, 5000);
        await exited;
        clearTimeout(killer);
      }
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };
  const deadline = Date.now() + 60_000;
  while (!output.includes('Holdfast listening') && child.exitCode === null && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  if (!output.includes('Holdfast listening')) {
    await stop();
    throw new Error(`holdfast start did not come up:\n${output}`);
  }
  return { baseUrl: `http://127.0.0.1:${port}`, child, output: () => output, stop };
}
