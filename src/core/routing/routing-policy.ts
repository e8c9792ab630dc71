/**
 * A validated rules file in the form the choice works on (docs/routing.md): settings filled in
 * with their defaults, durations in milliseconds, each gateway list marked weighted or not.
 */
import ms from 'ms';
import {
  DEFAULT_CIRCUIT_FAILURES,
  DEFAULT_COOLDOWN,
  DEFAULT_EXPLORATION,
  DEFAULT_MIN_SAMPLE,
  DEFAULT_WINDOW,
  type GatewayListSpec,
  type MatchSpec,
  type RoutingRulesFile,
} from './rules-schema.js';

export interface GatewayEntry {
  /** The account as the file names it (after `routing set`, always its id). */
  account: string;
  /** Its share of the volume split; null in a list without weights. */
  weight: number | null;
}

export interface GatewayListPolicy {
  weighted: boolean;
  entries: GatewayEntry[];
}

export interface RoutingRule {
  name: string;
  match: MatchSpec;
  gateways: GatewayListPolicy;
}

export interface SuccessRatePolicy {
  enabled: boolean;
  /** How many of the latest final outcomes per account and network count. */
  window: number;
  /** Outcomes an account needs on a network before its rate may move it. */
  minSample: number;
  /** Share of authorizations that keep the rule's order, so every account keeps being measured. */
  exploration: number;
}

export interface CircuitPolicy {
  /** Consecutive transport failures that open an account's circuit. */
  failures: number;
  cooldownMs: number;
}

export interface RoutingPolicy {
  rules: RoutingRule[];
  default: GatewayListPolicy;
  successRate: SuccessRatePolicy;
  circuit: CircuitPolicy;
}

export const MIN_COOLDOWN_MS = 1000;
export const MAX_COOLDOWN_MS = 3_600_000;

/** A cooldown such as `30s` or `2m` in ms, or undefined unless it has a unit and lies within 1 s to 1 h. */
export function parseCooldown(text: string): number | undefined {
  if (!/^\s*\d+(\.\d+)?\s*[a-z]+\s*$/i.test(text)) return undefined;
  const value = ms(text.trim() as ms.StringValue);
  return Number.isFinite(value) && value >= MIN_COOLDOWN_MS && value <= MAX_COOLDOWN_MS ? value : undefined;
}

export const DEFAULT_SUCCESS_RATE: SuccessRatePolicy = {
  enabled: false,
  window: DEFAULT_WINDOW,
  minSample: DEFAULT_MIN_SAMPLE,
  exploration: DEFAULT_EXPLORATION,
};

export const DEFAULT_CIRCUIT: CircuitPolicy = {
  failures: DEFAULT_CIRCUIT_FAILURES,
  cooldownMs: parseCooldown(DEFAULT_COOLDOWN) ?? 30_000,
};

export function toGatewayList(spec: GatewayListSpec): GatewayListPolicy {
  const weighted = spec.some((entry) => typeof entry !== 'string');
  return {
    weighted,
    entries: spec.map((entry) =>
      typeof entry === 'string' ? { account: entry, weight: null } : { account: entry.account, weight: entry.weight },
    ),
  };
}

/** The policy of a file that passed validation (rules-validation.ts). */
export function toRoutingPolicy(file: RoutingRulesFile): RoutingPolicy {
  const rate = file.success_rate;
  const cooldown = file.circuit?.cooldown;
  return {
    rules: file.rules.map((rule) => ({ name: rule.name, match: rule.match, gateways: toGatewayList(rule.gateways) })),
    default: toGatewayList(file.default),
    successRate: {
      enabled: rate?.enabled ?? DEFAULT_SUCCESS_RATE.enabled,
      window: rate?.window ?? DEFAULT_SUCCESS_RATE.window,
      minSample: rate?.min_sample ?? DEFAULT_SUCCESS_RATE.minSample,
      exploration: rate?.exploration ?? DEFAULT_SUCCESS_RATE.exploration,
    },
    circuit: {
      failures: file.circuit?.failures ?? DEFAULT_CIRCUIT.failures,
      cooldownMs: cooldown === undefined ? DEFAULT_CIRCUIT.cooldownMs : (parseCooldown(cooldown) ?? DEFAULT_CIRCUIT.cooldownMs),
    },
  };
}
