/**
 * The fault plan: for each request, how much latency to add and which transport fault (if any) to
 * inject, drawn from a seeded PRNG so that a run can be replayed with the same `seed`.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
// Mersenne Twister rather than xoroshiro128+: the latter's first outputs for small seeds are all ~1.0.
import { mersenne } from 'pure-rand/generator/mersenne';

/** Transport faults, one at most per request. */
export type Fault =
  /** Destroy the socket (TCP reset); see {@link FaultSettings.resetPoint} for whether the operation was applied. */
  | 'reset'
  /** Answer `503` without doing anything. */
  | 'error'
  /** Never answer and do nothing: hold the socket until the client gives up. */
  | 'timeout'
  /** Apply the operation, then never answer. */
  | 'late_success';

/** Fault settings of the simulator. Every rate is a share of requests; together they may not exceed 1. */
export interface FaultSettings {
  /** Seed of the PRNG that draws latencies and faults. Default: random (printed by the CLI). */
  seed: number;
  /** Median added latency in ms of the log-normal distribution; 0 (default) adds none. */
  latencyMedianMs: number;
  /** 99th percentile of the added latency in ms, at least the median. Default: 5 × the median. */
  latencyP99Ms: number;
  /** Share of requests that get no answer and have no effect. Default 0. */
  timeoutRate: number;
  /** Share of requests answered `503` with no effect. Default 0. */
  errorRate: number;
  /** Share of requests whose connection is reset. Default 0. */
  resetRate: number;
  /** Whether a reset happens before the operation is applied (no effect) or after it. Default `before`. */
  resetPoint: 'before' | 'after';
  /** Share of requests that are applied and then never answered. Default 0. */
  lateSuccessRate: number;
  /** Whether inquiries (GET) suffer latency and faults too. Default false: only POST operations do. */
  faultInquiries: boolean;
}

type RateName = 'resetRate' | 'errorRate' | 'timeoutRate' | 'lateSuccessRate';

/** The draws are made in this order along one uniform number, so each rate is exact. */
const RATE_OF: ReadonlyArray<[Fault, RateName]> = [
  ['reset', 'resetRate'],
  ['error', 'errorRate'],
  ['timeout', 'timeoutRate'],
  ['late_success', 'lateSuccessRate'],
];

export const DEFAULT_LATENCY_P99_FACTOR = 5;
/** No draw from the long tail waits longer than this multiple of the p99 (a log-normal is unbounded). */
const LATENCY_CAP_FACTOR = 10;
/** z of the 99th percentile of the standard normal distribution. */
const Z_99 = 2.3263478740408408;

export function defaultFaultSettings(overrides: Partial<FaultSettings> = {}): FaultSettings {
  const median = overrides.latencyMedianMs ?? 0;
  return {
    seed: overrides.seed ?? Math.floor(Math.random() * 0x1_0000_0000),
    latencyMedianMs: median,
    latencyP99Ms: overrides.latencyP99Ms ?? median * DEFAULT_LATENCY_P99_FACTOR,
    timeoutRate: overrides.timeoutRate ?? 0,
    errorRate: overrides.errorRate ?? 0,
    resetRate: overrides.resetRate ?? 0,
    resetPoint: overrides.resetPoint ?? 'before',
    lateSuccessRate: overrides.lateSuccessRate ?? 0,
    faultInquiries: overrides.faultInquiries ?? false,
  };
}

/** Everything wrong with the settings, one sentence each, named as the settings are. */
export function faultSettingsProblems(settings: FaultSettings): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(settings.seed) || settings.seed < 0 || settings.seed > 0xffff_ffff)
    problems.push('seed must be an integer from 0 to 4294967295');
  if (!(settings.latencyMedianMs >= 0) || !Number.isFinite(settings.latencyMedianMs)) problems.push('latencyMedianMs must be a number ≥ 0');
  if (!(settings.latencyP99Ms >= settings.latencyMedianMs) || !Number.isFinite(settings.latencyP99Ms))
    problems.push('latencyP99Ms must be a number ≥ latencyMedianMs');
  for (const [, name] of RATE_OF) {
    const rate = settings[name];
    if (!(rate >= 0 && rate <= 1)) problems.push(`${name} must be a number from 0 to 1`);
  }
  const total = totalFaultRate(settings);
  if (total > 1 + 1e-9)
    problems.push(`the fault rates are shares of requests and must add up to at most 1 (they add up to ${round(total)})`);
  // Settings may come from JavaScript or JSON, so the union type is checked at run time.
  if (!RESET_POINTS.includes(settings.resetPoint)) problems.push('resetPoint must be "before" or "after"');
  return problems;
}

const RESET_POINTS: readonly string[] = ['before', 'after'];

export function totalFaultRate(settings: FaultSettings): number {
  return RATE_OF.reduce((sum, [, name]) => sum + settings[name], 0);
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** What the plan decided for one request. */
export interface FaultDraw {
  latencyMs: number;
  fault: Fault | null;
}

export interface FaultPlan {
  readonly settings: FaultSettings;
  /** The draw for the next request; `inquiry` draws are quiet unless `faultInquiries`. */
  next(request: { inquiry: boolean }): FaultDraw;
}

export function createFaultPlan(settings: FaultSettings): FaultPlan {
  const problems = faultSettingsProblems(settings);
  if (problems.length > 0) throw new RangeError(`Invalid acquirer fault settings: ${problems.join('; ')}`);
  const rng = mersenne(settings.seed);
  const uniform = () => uniformFloat64(rng);
  const latency = logNormalLatency(settings.latencyMedianMs, settings.latencyP99Ms, uniform);
  return {
    settings,
    next({ inquiry }) {
      if (inquiry && !settings.faultInquiries) return { latencyMs: 0, fault: null };
      const latencyMs = latency();
      const roll = uniform();
      let threshold = 0;
      for (const [fault, name] of RATE_OF) {
        threshold += settings[name];
        if (roll < threshold) return { latencyMs, fault };
      }
      return { latencyMs, fault: null };
    },
  };
}

/**
 * Latency with a long tail: log-normal with the given median and 99th percentile
 * (μ = ln median, σ = ln(p99 / median) / z₀.₉₉), the usual shape of network and bank response times.
 */
export function logNormalLatency(medianMs: number, p99Ms: number, uniform: () => number): () => number {
  if (medianMs <= 0) return () => 0;
  const mu = Math.log(medianMs);
  const sigma = Math.log(p99Ms / medianMs) / Z_99;
  const cap = p99Ms * LATENCY_CAP_FACTOR;
  return () => Math.min(cap, Math.round(Math.exp(mu + sigma * standardNormal(uniform))));
}

/** Box–Muller: one standard normal value from two uniform ones. */
function standardNormal(uniform: () => number): number {
  const u = 1 - uniform(); // (0, 1]: the logarithm stays finite
  const v = uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
