import { readFileSync } from 'node:fs';
import { cpus, availableParallelism, loadavg, release, totalmem, platform } from 'node:os';
import { defined } from './checks.js';
import { adminQuery } from './scratch-db.js';

export interface Machine {
  cpu: string;
  cores: number;
  memory_gb: number;
  os: string;
  node: string;
  postgres: string;
  postgres_settings: Record<string, string>;
  pgbench: string;
  /** 1-minute load average when the run started: other work on the machine shows here. */
  loadavg_at_start: number;
}

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    return `${/^PRETTY_NAME="?([^"\n]+)"?/m.exec(text)?.[1] ?? platform()} (kernel ${release()})`;
  } catch {
    return `${platform()} ${release()}`;
  }
}

export async function describeMachine(url: string, pgbench: string): Promise<Machine> {
  const version = (await adminQuery<{ v: string }>(url, 'select version() as v'))[0]?.v ?? '';
  const settings = await adminQuery<{ name: string; setting: string; unit: string | null }>(
    url,
    `select name, setting, unit from pg_settings where name in
       ('shared_buffers', 'synchronous_commit', 'fsync', 'max_connections', 'wal_level', 'effective_cache_size', 'max_wal_size', 'checkpoint_timeout')`,
  );
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: osName(),
    node: process.version,
    postgres: version.split(',')[0] ?? version,
    postgres_settings: Object.fromEntries(settings.map((s) => [s.name, unitValue(s.setting, s.unit)])),
    pgbench,
    loadavg_at_start: defined(loadavg()[0], 'the 1-minute load average'),
  };
}

/** pg_settings' value in its unit: 16384 × 8kB → 128MB, 300 s → 300s. */
function unitValue(setting: string, unit: string | null): string {
  if (!unit || !/^\d+$/.test(setting)) return setting;
  if (unit === '8kB') return `${(Number(setting) * 8) / 1024}MB`;
  return `${setting}${unit}`;
}
