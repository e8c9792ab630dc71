import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { defined } from './checks.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const HOLDFAST_BIN = `${ROOT}bin/holdfast.js`;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export interface Launched {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Every process we started, so an interrupted run can end them (by pid). */
const launched = new Set<Launched>();

/** Starts a command and resolves once `ready` appears in its output (stdout or stderr). */
export function launch(command: string, args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 60_000): Promise<Launched> {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: ROOT,
  });
  let output = '';
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const handle: Launched = {
    child,
    pid: child.pid ?? -1,
    output: () => output,
    async stop(graceMs = 10_000) {
      launched.delete(handle);
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
  launched.add(handle);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${args.join(' ')} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(handle);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${signal ?? code}) before it was ready:\n${output}`));
    });
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...launched].map((l) => l.stop(3000)));
}

/** A process and all its descendants (Linux /proc). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = defined(out[i], `process ${i} of the tree`);
    try {
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const file = `/proc/${p}/task/${task}/children`;
        if (!existsSync(file)) continue;
        for (const c of readFileSync(file, 'utf8').split(/\s+/).filter(Boolean)) out.push(Number(c));
      }
    } catch {
      // gone
    }
  }
  return out;
}

/** Peak (VmHWM) and current (VmRSS) resident memory in MB, per process. */
export function memoryOf(pids: number[]): { pid: number; peakMb: number; rssMb: number }[] {
  const read = (pid: number) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { pid, peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
    } catch {
      return undefined;
    }
  };
  return pids.map(read).filter((m): m is NonNullable<typeof m> => m !== undefined && Number.isFinite(m.peakMb));
}

/** Whether the built CLI knows `start --workers N` (the lead's cluster mode). */
export function holdfastSupportsWorkers(): boolean {
  try {
    return readFileSync(`${ROOT}dist/cli/main.js`, 'utf8').includes('--workers');
  } catch {
    return false;
  }
}
