import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defined } from './checks.js';
import { percentile } from './load.js';
import { treeCpuMs } from './cpu.js';
import type { OrderRange } from './orders.js';

/** pgbench's path; installs it from Debian's packages (as root, non-interactively) when missing. */
export function ensurePgbench(log: (line: string) => void): string {
  const find = () => {
    const onPath = spawnSync('sh', ['-c', 'command -v pgbench'], { encoding: 'utf8' }).stdout.trim();
    if (onPath) return onPath;
    for (const dir of existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort().reverse() : []) {
      const candidate = `/usr/lib/postgresql/${dir}/bin/pgbench`;
      if (existsSync(candidate)) return candidate;
    }
    return '';
  };
  let path = find();
  if (path) return path;
  if (process.getuid?.() !== 0) {
    throw new Error(
      'pgbench is missing and this is not root: install it (Debian: apt-get install postgresql-client or postgresql-contrib) and run again',
    );
  }
  log('pgbench is missing: installing it from Debian packages (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  // PostgreSQL 16+ ships pgbench in the client package; up to 15 it comes with the server (contrib).
  for (const pkg of ['postgresql-client', 'postgresql-contrib']) {
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { stdio: 'inherit', env });
    path = find();
    if (path) return path;
  }
  throw new Error('could not install pgbench (tried postgresql-client and postgresql-contrib)');
}

export function pgbenchVersion(path: string): string {
  return spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

export interface PgbenchResult {
  tps: number;
  transactions: number;
  failed: number;
  latencyAvgMs: number;
  p50Ms: number;
  p99Ms: number;
  /** Average latency of each SQL statement of the script, in order (pgbench -r). */
  statementMs: number[];
  /** CPU ms pgbench itself used (sampled while it ran). */
  clientCpuMs: number;
  output: string;
}

/**
 * Runs `scriptFile` with `clients` clients for `durationS` seconds. The script's order mapping
 * starts at the range's next capture; the range is advanced by the transactions run.
 */
export async function runPgbench(options: {
  pgbench: string;
  url: string;
  scriptFile: string;
  defines: Record<string, string>;
  clients: number;
  threads: number;
  durationS: number;
  mode: 'prepared' | 'extended' | 'simple';
  range: OrderRange;
}): Promise<PgbenchResult> {
  const logDir = mkdtempSync(join(tmpdir(), 'holdfast-pgbench-'));
  const defines = {
    ...options.defines,
    iter: '0',
    kbase: String(options.range.used),
    nclients: String(options.clients),
    ibase: String(options.range.ibase),
    isize: String(options.range.isize),
    stride: String(options.range.stride),
  };
  const args = [
    '-n',
    '-M',
    options.mode,
    '-c',
    String(options.clients),
    '-j',
    String(options.threads),
    '-T',
    String(options.durationS),
    '-f',
    options.scriptFile,
    '-r',
    '-l',
    '--log-prefix',
    join(logDir, 'tx'),
    ...Object.entries(defines).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
    options.url,
  ];
  try {
    let clientCpuMs = 0;
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(options.pgbench, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const sampler = setInterval(() => {
        if (child.pid) clientCpuMs = Math.max(clientCpuMs, treeCpuMs(child.pid));
      }, 200);
      child.once('exit', () => {
        clearInterval(sampler);
      });
      let text = '';
      child.stdout.on('data', (c: Buffer) => {
        text += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        text += c.toString();
      });
      child.once('error', reject);
      child.once('exit', (code) => {
        if (code === 0) resolve(text);
        else reject(new Error(`pgbench exited ${code}:\n${text.slice(0, 3000)}`));
      });
    });
    const num = (re: RegExp) => Number(re.exec(output)?.[1] ?? NaN);
    // Per-transaction log lines: client_id transaction_no latency_us script_no epoch_s epoch_us.
    const latencies: number[] = [];
    let mostByOneClient = 0;
    for (const file of readdirSync(logDir)) {
      for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
        const fields = line.split(' ');
        if (fields.length < 3) continue;
        latencies.push(Number(fields[2]) / 1000);
        mostByOneClient = Math.max(mostByOneClient, Number(fields[1]) + 1);
      }
    }
    latencies.sort((a, b) => a - b);
    const transactions = num(/number of transactions actually processed: (\d+)/);
    // Client c took captures k = kbase + c + clients × j: the next free k is past the busiest client's
    // last one (one more each, for a transaction cut short at the end of the run).
    options.range.advance(options.clients * (mostByOneClient + 1));
    return {
      tps: num(/tps = ([\d.]+) \(without initial connection time\)/),
      transactions,
      failed: num(/number of failed transactions: (\d+)/) || 0,
      latencyAvgMs: num(/latency average = ([\d.]+) ms/),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      statementMs: statementLatencies(output),
      clientCpuMs,
      output,
    };
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

export function writeScript(file: string, script: string): void {
  writeFileSync(file, script);
}

/** pgbench -r's report: one line per script command, "latency failures command"; meta-commands (\set) left out. */
function statementLatencies(output: string): number[] {
  const at = output.indexOf('statement latencies in milliseconds');
  if (at < 0) return [];
  const out: number[] = [];
  for (const line of output.slice(at).split('\n').slice(1)) {
    const m = /^\s+([\d.]+)\s+(?:\d+\s+)?(\S.*)$/.exec(line);
    if (!m) break;
    if (!defined(m[2], 'the statement column of a pgbench latency line').startsWith('\\')) out.push(Number(m[1]));
  }
  return out;
}
