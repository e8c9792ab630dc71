/**
 * The settings of docs/rate-limits.md: their defaults, 0 for "off", and every bad value named in
 * the one start-up error, as config.ts does for the others.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('limit settings', () => {
  it('defaults: failed authentications limited, hosted pages per IP, no merchant limit, no Redis', () => {
    const config = loadConfig({});
    assert.deepEqual(config.requestLimits, { windowMs: 60_000, authFailures: 20, authFailuresPerIp: 100, hosted: 300, merchant: 0 });
    assert.deepEqual(config.cardTesting, { windowMs: 3_600_000, cardDeclines: 10, merchantDeclines: 100 });
    assert.equal(config.redis, undefined);
  });

  it('each can be set, 0 turns one off, and Redis takes a URL and a prefix', () => {
    const config = loadConfig({
      HOLDFAST_RATE_LIMIT_WINDOW: '30s',
      HOLDFAST_RATE_LIMIT_AUTH_FAILURES: '0',
      HOLDFAST_RATE_LIMIT_MERCHANT: '600',
      HOLDFAST_REDIS_URL: 'redis://127.0.0.1:6379/2',
      HOLDFAST_REDIS_PREFIX: 'shop-a:',
    });
    assert.equal(config.requestLimits.windowMs, 30_000);
    assert.equal(config.requestLimits.authFailures, 0);
    assert.equal(config.requestLimits.merchant, 600);
    assert.deepEqual(config.redis, { url: 'redis://127.0.0.1:6379/2', prefix: 'shop-a:' });
  });

  it('bad values are all named at once', () => {
    const env = {
      HOLDFAST_RATE_LIMIT_WINDOW: '60',
      HOLDFAST_RATE_LIMIT_AUTH_FAILURES: '-1',
      HOLDFAST_RATE_LIMIT_AUTH_FAILURES_PER_IP: '2.5',
      HOLDFAST_RATE_LIMIT_HOSTED: 'lots',
      HOLDFAST_RATE_LIMIT_MERCHANT: '1000001',
      HOLDFAST_CARD_TESTING_WINDOW: 'soon',
      HOLDFAST_CARD_TESTING_MERCHANT_DECLINES: '1e3',
      HOLDFAST_REDIS_URL: 'http://127.0.0.1:6379',
      HOLDFAST_REDIS_PREFIX: 'has space',
    };
    assert.throws(
      () => loadConfig(env),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of Object.keys(env))
          assert.ok(
            error.problems.some((p) => p.startsWith(name)),
            `${name} is named`,
          );
        return true;
      },
    );
  });
});
