import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { onPostgres, TEST_DATABASE_URL, TEST_MASTER_KEY } from '../helpers/test-database.js';

describe('crash safety under SIGKILL (scripts/crash-safety.ts)', () => {
  it(
    'six kills under mixed load through a faulty acquirer: nothing acknowledged lost, ledgers balance, nothing pending, every webhook delivered',
    { skip: !onPostgres && 'runs on PostgreSQL (set TEST_DATABASE_URL): the embedded database belongs to one process', timeout: 300_000 },
    () => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/crash-safety.ts', '--kills', '6', '--seed', '42'], {
        env: { ...process.env, HOLDFAST_MASTER_KEY: TEST_MASTER_KEY, DATABASE_URL: TEST_DATABASE_URL },
        encoding: 'utf8',
        timeout: 280_000,
      });
      const report = run.stdout.slice(run.stdout.indexOf('{'));
      console.log(report);
      assert.equal(run.status, 0, `crash-safety failed:\n${run.stdout}\n${run.stderr.slice(-2000)}`);
      const summary = JSON.parse(report);
      assert.ok(summary.kills >= 5);
      assert.equal(summary.acknowledged_missing, 0);
      assert.equal(summary.orders_balanced, summary.orders);
      assert.equal(summary.outstanding_after_sync, 0);
      assert.equal(summary.webhook_events_delivered, summary.webhook_events);
      assert.ok(
        summary.acknowledged.capture > 0 && summary.acknowledged.refund > 0 && summary.acknowledged.cancel > 0,
        'the load exercised every operation',
      );
    },
  );
});
