/**
 * Where the CPU goes during a measurement (Linux /proc): the server under test (a process tree),
 * PostgreSQL (working for the scratch database), the load generator, and the rest of the machine. Divided by the answers, it says how
 * many CPU milliseconds one capture costs each party; on a saturated machine, throughput is the
 * cores' milliseconds per second over their sum.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { defined } from './checks.js';
import { processTree } from './processes.js';

const TICK_MS = 10; // USER_HZ = 100 on Linux

function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** utime + stime of one process, ms (fields 14 and 15 of stat; index 11 and 12 after the name). */
export function processCpuMs(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) * TICK_MS : 0;
}

export function treeCpuMs(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + processCpuMs(p), 0);
}

/**
 * PostgreSQL's CPU for some databases: their backends (process title "postgres: user DB host…"),
 * its autovacuum workers, and the server's shared helpers (WAL writer, checkpointer, background
 * writer), which work for every database but mostly for the one under load. Other databases'
 * backends (other work on the same server) are left out. Backends come and go (pgbench's end
 * with the run), so the processes are sampled while the measurement runs.
 */
class PostgresCpu {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;
  private started = false;

  constructor(private readonly databases: readonly string[]) {
    this.sample();
    for (const [pid, ms] of this.last) this.first.set(pid, ms);
    this.started = true;
    this.timer = setInterval(() => {
      this.sample();
    }, 200);
  }

  private sample(): void {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      let title: string;
      try {
        if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
        title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch {
        continue;
      }
      const words = title.split(/\s+/);
      const shared = /^postgres: (checkpointer|walwriter|background writer|autovacuum launcher|logical replication launcher)/.test(title);
      const ours = words[0] === 'postgres:' && this.databases.some((d) => words.includes(d));
      if (!shared && !ours) continue;
      const ms = processCpuMs(pid);
      if (this.started && !this.first.has(pid)) this.first.set(pid, 0); // a backend started during the measurement
      this.last.set(pid, Math.max(this.last.get(pid) ?? 0, ms));
    }
  }

  stop(): number {
    this.sample();
    clearInterval(this.timer);
    let total = 0;
    for (const [pid, ms] of this.last) total += ms - (this.first.get(pid) ?? 0);
    return total;
  }
}

/** Busy CPU time of the whole machine, ms (all cores: user, nice, system, irq, softirq, steal). */
export function machineBusyMs(): number {
  const f = defined(readFileSync('/proc/stat', 'utf8').split('\n')[0], 'the first line of /proc/stat')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return ((f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0)) * TICK_MS;
}

export interface CpuShare {
  /** CPU ms per answer: the server under test (Holdfast, the naive handler, or pgbench itself). */
  server: number;
  postgres: number;
  /** The bench process (autocannon and the other drivers); 0 for pgbench, which is its own client. */
  load_generator: number;
  /** Everything else on the machine during the measurement (other work, other databases, the kernel's own). */
  other: number;
  /** Machine busy time over the wall time, in cores (2 = both cores saturated). */
  busy_cores: number;
}

export interface CpuMeter {
  /** Shares per answer, given the answers counted during the measurement; `serverExtraMs`: server CPU read elsewhere (pgbench's own). */
  stop(answers: number, serverExtraMs?: number): CpuShare;
}

/**
 * Starts measuring; `serverCpu` reads the server's cumulative CPU ms (sampled again at stop);
 * `database`: the scratch database's name (or the names, when the servers under test use several).
 */
export function startCpuMeter(database: string | readonly string[], serverCpu: () => number): CpuMeter {
  const t0 = process.hrtime.bigint();
  const s0 = serverCpu();
  const pg = new PostgresCpu(typeof database === 'string' ? [database] : database);
  const b0 = process.cpuUsage();
  const m0 = machineBusyMs();
  return {
    stop(answers, serverExtraMs = 0) {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const server = serverCpu() - s0 + serverExtraMs;
      const postgres = pg.stop();
      const b = process.cpuUsage(b0);
      const bench = (b.user + b.system) / 1000;
      const machine = machineBusyMs() - m0;
      const per = (ms: number) => Math.round((ms / Math.max(1, answers)) * 1000) / 1000;
      return {
        server: per(server),
        postgres: per(postgres),
        load_generator: per(bench),
        other: per(Math.max(0, machine - server - postgres - bench)),
        busy_cores: Math.round((machine / wallMs) * 100) / 100,
      };
    },
  };
}
