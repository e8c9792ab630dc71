import type { RequestLimitSettings } from './api/rate-limits.js';
import type { CardTestingRules } from './core/card-testing.js';
import { parseDuration } from './duration.js';

/** The settings of docs/rate-limits.md, as config.ts validates the others: every bad value is a named problem. */
export interface LimitSettings {
  requestLimits: RequestLimitSettings;
  cardTesting: CardTestingRules;
  redis: { url: string; prefix: string } | undefined;
}

const MAX_COUNT = 1_000_000;

export function loadLimitSettings(env: NodeJS.ProcessEnv, problems: string[]): LimitSettings {
  const count = (name: string, fallback: number): number => {
    const text = env[name];
    const value = text === undefined || text === '' ? fallback : /^\d{1,7}$/.test(text) ? Number(text) : NaN;
    if (value <= MAX_COUNT) return value;
    problems.push(`${name} must be a whole number from 0 (no limit) to ${MAX_COUNT}, got "${text}"`);
    return fallback;
  };
  const duration = (name: string, fallback: string): number => {
    const value = parseDuration(env[name] || fallback);
    if (value !== undefined) return value;
    problems.push(`${name} must be a duration such as ${fallback}, got "${env[name]}"`);
    return parseDuration(fallback) ?? 0;
  };

  const requestLimits: RequestLimitSettings = {
    windowMs: duration('HOLDFAST_RATE_LIMIT_WINDOW', '1m'),
    authFailures: count('HOLDFAST_RATE_LIMIT_AUTH_FAILURES', 20),
    authFailuresPerIp: count('HOLDFAST_RATE_LIMIT_AUTH_FAILURES_PER_IP', 100),
    hosted: count('HOLDFAST_RATE_LIMIT_HOSTED', 300),
    merchant: count('HOLDFAST_RATE_LIMIT_MERCHANT', 0),
  };
  const cardTesting: CardTestingRules = {
    windowMs: duration('HOLDFAST_CARD_TESTING_WINDOW', '1h'),
    cardDeclines: count('HOLDFAST_CARD_TESTING_CARD_DECLINES', 10),
    merchantDeclines: count('HOLDFAST_CARD_TESTING_MERCHANT_DECLINES', 100),
  };

  const url = env.HOLDFAST_REDIS_URL || undefined;
  if (url !== undefined && !/^rediss?:\/\/\S+$/.test(url))
    problems.push(`HOLDFAST_REDIS_URL must be a redis:// or rediss:// URL, got "${url}"`);
  const prefix = env.HOLDFAST_REDIS_PREFIX ?? 'holdfast:';
  if (!/^\S{1,100}$/.test(prefix)) problems.push(`HOLDFAST_REDIS_PREFIX must be 1 to 100 characters without spaces, got "${prefix}"`);

  return { requestLimits, cardTesting, redis: url ? { url, prefix } : undefined };
}
