import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, parseDuration } from '../../src/config.js';

describe('configuration from the environment', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.publicUrl, 'http://127.0.0.1:8080');
    assert.equal(config.captureWindowMs, 7 * 24 * 3600 * 1000);
    assert.equal(config.webhookRetryScheduleMs[0], 60_000);
    assert.ok(Object.isFrozen(config));
  });
  it('parses durations and retry schedules', () => {
    assert.equal(parseDuration('12h'), 12 * 3600 * 1000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('100'), undefined, 'a bare number has no unit');
    assert.equal(parseDuration('-1m'), undefined);
    assert.deepEqual(loadConfig({ HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '1s,2s,5m' }).webhookRetryScheduleMs, [1000, 2000, 300_000]);
  });
  it('names every bad value in one error', () => {
    try {
      loadConfig({
        PORT: '70000',
        HOLDFAST_TLS_CERT: '/nope.pem',
        HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '1m,,x',
        HOLDFAST_PUBLIC_URL: 'ftp://x',
      });
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 4);
      assert.match(error.message, /PORT/);
      assert.match(error.message, /HOLDFAST_TLS_CERT and HOLDFAST_TLS_KEY must be set together/);
      assert.match(error.message, /HOLDFAST_WEBHOOK_RETRY_SCHEDULE/);
      assert.match(error.message, /HOLDFAST_PUBLIC_URL/);
    }
  });
  it('bounds a call to an upstream gateway account (HOLDFAST_UPSTREAM_TIMEOUT)', () => {
    assert.equal(loadConfig({}).upstreamTimeoutMs, 30_000);
    assert.equal(loadConfig({ HOLDFAST_UPSTREAM_TIMEOUT: '45s' }).upstreamTimeoutMs, 45_000);
    for (const bad of ['30', 'soon', '0s']) {
      assert.throws(() => loadConfig({ HOLDFAST_UPSTREAM_TIMEOUT: bad }), /HOLDFAST_UPSTREAM_TIMEOUT must be a duration/);
    }
  });
  it('keeps delivered webhook attempts and Request-ID replies 30 days unless told otherwise', () => {
    assert.equal(loadConfig({}).webhookAttemptRetentionMs, 30 * 24 * 3600 * 1000);
    assert.equal(loadConfig({ HOLDFAST_WEBHOOK_ATTEMPT_RETENTION: '7d' }).webhookAttemptRetentionMs, 7 * 24 * 3600 * 1000);
    assert.equal(loadConfig({ HOLDFAST_WEBHOOK_ATTEMPT_RETENTION: 'off' }).webhookAttemptRetentionMs, undefined);
    assert.equal(loadConfig({}).requestReplyRetentionMs, 30 * 24 * 3600 * 1000);
    assert.equal(loadConfig({ HOLDFAST_REQUEST_REPLY_RETENTION: 'OFF' }).requestReplyRetentionMs, undefined);
    assert.equal(loadConfig({}).jobRunRetentionMs, 30 * 24 * 3600 * 1000);
    assert.equal(loadConfig({ HOLDFAST_JOB_RUN_RETENTION: '2d' }).jobRunRetentionMs, 2 * 24 * 3600 * 1000);
    assert.equal(loadConfig({ HOLDFAST_JOB_RUN_RETENTION: 'off' }).jobRunRetentionMs, undefined);
    assert.equal(loadConfig({}).apiCallRetentionMs, 30 * 24 * 3600 * 1000);
    assert.equal(loadConfig({ HOLDFAST_API_CALL_RETENTION: '7d' }).apiCallRetentionMs, 7 * 24 * 3600 * 1000);
    assert.equal(loadConfig({ HOLDFAST_API_CALL_RETENTION: 'off' }).apiCallRetentionMs, undefined);
    assert.throws(
      () => loadConfig({ HOLDFAST_WEBHOOK_ATTEMPT_RETENTION: '30' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /HOLDFAST_WEBHOOK_ATTEMPT_RETENTION must be a duration such as 30d or 12h, or off, got "30"/);
        return true;
      },
    );
  });
  it('selects PostgreSQL by URL', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).databaseUrl, 'postgres://u@h/db');
  });
  it('sizes the PostgreSQL pool per process', () => {
    assert.equal(loadConfig({}).dbPoolSize, 10);
    assert.equal(loadConfig({ HOLDFAST_DB_POOL: '16' }).dbPoolSize, 16);
    for (const bad of ['0', '2.5', 'many'])
      assert.throws(() => loadConfig({ HOLDFAST_DB_POOL: bad }), /HOLDFAST_DB_POOL must be a whole number/);
  });
  it('sends named prepared statements unless HOLDFAST_DB_PREPARED=off (for a transaction pooler)', () => {
    assert.equal(loadConfig({}).dbPreparedStatements, true);
    assert.equal(loadConfig({ HOLDFAST_DB_PREPARED: 'on' }).dbPreparedStatements, true);
    assert.equal(loadConfig({ HOLDFAST_DB_PREPARED: 'off' }).dbPreparedStatements, false);
    for (const bad of ['yes', 'false', 'OFF'])
      assert.throws(() => loadConfig({ HOLDFAST_DB_PREPARED: bad }), new RegExp(`HOLDFAST_DB_PREPARED must be on or off, got "${bad}"`));
  });
  it('bounds every wait on the database, and /readyz', () => {
    const defaults = loadConfig({});
    assert.equal(defaults.dbConnectTimeoutMs, 5000);
    assert.equal(defaults.dbStatementTimeoutMs, 10_000);
    assert.equal(defaults.dbQueryTimeoutMs, 15_000, 'the statement timeout + 5 s');
    assert.equal(defaults.readyTimeoutMs, 2000);
    assert.equal(loadConfig({ HOLDFAST_DB_STATEMENT_TIMEOUT: '30s' }).dbQueryTimeoutMs, 35_000, 'follows a longer statement timeout');
    const set = loadConfig({
      HOLDFAST_DB_CONNECT_TIMEOUT: '1s',
      HOLDFAST_DB_STATEMENT_TIMEOUT: '2s',
      HOLDFAST_DB_QUERY_TIMEOUT: '3s',
      HOLDFAST_READY_TIMEOUT: '500ms',
    });
    assert.deepEqual([set.dbConnectTimeoutMs, set.dbStatementTimeoutMs, set.dbQueryTimeoutMs, set.readyTimeoutMs], [1000, 2000, 3000, 500]);
    for (const name of [
      'HOLDFAST_DB_CONNECT_TIMEOUT',
      'HOLDFAST_DB_STATEMENT_TIMEOUT',
      'HOLDFAST_DB_QUERY_TIMEOUT',
      'HOLDFAST_READY_TIMEOUT',
    ])
      assert.throws(() => loadConfig({ [name]: '5' }), new RegExp(`${name} must be a duration`));
  });
});
