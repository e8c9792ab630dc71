import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads the V8 CPU profiles a run wrote (`node --cpu-prof`, one file per process) and sums self
 * time per function and per origin (Holdfast's src, each npm package, Node internals, GC, idle).
 * The files themselves open as flame graphs in Chrome DevTools (Performance → Load profile) or
 * https://www.speedscope.app.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  files: string[];
  /** Busy (non-idle) milliseconds across the profiles. */
  busyMs: number;
  byOrigin: { origin: string; ms: number; share: number }[];
  byFunction: { fn: string; ms: number; share: number }[];
  /** The hottest of Holdfast's own functions (src/, dist/), further down the list than byFunction reaches. */
  holdfastFunctions: { fn: string; ms: number; share: number }[];
}

function originOf(url: string, name: string): string {
  if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') return name;
  if (url.includes('/node_modules/')) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.slice(url.lastIndexOf('/node_modules/')));
    return m?.[1] ?? 'node_modules';
  }
  if (url.includes('/dist/') || url.includes('/src/')) return 'holdfast';
  if (url.startsWith('node:') || url === '') return 'node internals';
  return 'other';
}

/**
 * A span of the monotonic clock, in microseconds: `process.hrtime.bigint() / 1000n` reads the clock
 * V8 stamps profile samples with, so the bench can count only the samples taken while it measured
 * (no start-up, no warm-up, no shutdown).
 */
export interface SampleWindow {
  fromUs: number;
  toUs: number;
}

export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

export function summarizeProfiles(dir: string, top = 25, windows?: SampleWindow[]): ProfileSummary {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const byOrigin = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const holdfastFunctions = new Map<string, number>();
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    let at = profile.startTime;
    profile.samples.forEach((id, i) => {
      at += profile.timeDeltas[i] ?? 0;
      if (windows && !windows.some((w) => at >= w.fromUs && at <= w.toUs)) return;
      const node = nodes.get(id);
      if (!node) return;
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      const { functionName, url, lineNumber } = node.callFrame;
      const origin = originOf(url, functionName);
      byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + ms);
      if (origin === '(idle)') return;
      const where = url ? `${url.replace(/^.*\/(node_modules|dist|src)\//, '$1/')}:${lineNumber + 1}` : '';
      const key = `${functionName || '(anonymous)'} ${where}`.trim();
      byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
      if (origin === 'holdfast') holdfastFunctions.set(key, (holdfastFunctions.get(key) ?? 0) + ms);
    });
  }
  const busyMs = [...byOrigin].filter(([o]) => o !== '(idle)').reduce((s, [, ms]) => s + ms, 0);
  const rank = (m: Map<string, number>) =>
    [...m]
      .filter(([k]) => k !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .map(([k, ms]) => ({ ms: Math.round(ms), share: busyMs > 0 ? Math.round((ms / busyMs) * 1000) / 10 : 0, k }));
  return {
    files,
    busyMs: Math.round(busyMs),
    byOrigin: rank(byOrigin).map(({ k, ms, share }) => ({ origin: k, ms, share })),
    byFunction: rank(byFunction)
      .slice(0, top)
      .map(({ k, ms, share }) => ({ fn: k, ms, share })),
    holdfastFunctions: rank(holdfastFunctions)
      .slice(0, top)
      .map(({ k, ms, share }) => ({ fn: k, ms, share })),
  };
}

export function renderProfileSummary(s: ProfileSummary, perRequest?: number): string {
  const per = (ms: number) => (perRequest ? ` ${(ms / perRequest).toFixed(3)} ms/req` : '');
  const lines = [`CPU profile: ${s.files.length} process(es), ${s.busyMs} ms busy${per(s.busyMs)}`, '  by origin:'];
  for (const o of s.byOrigin.slice(0, 15))
    lines.push(`    ${o.share.toFixed(1).padStart(5)}%  ${String(o.ms).padStart(6)} ms  ${o.origin}`);
  lines.push('  hottest functions (self time):');
  for (const f of s.byFunction) lines.push(`    ${f.share.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(6)} ms  ${f.fn}`);
  lines.push("  Holdfast's own hottest functions (self time):");
  for (const f of s.holdfastFunctions) lines.push(`    ${f.share.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(6)} ms  ${f.fn}`);
  return lines.join('\n');
}
