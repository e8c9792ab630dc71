import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { onPostgres, TEST_DATABASE_URL, TEST_MASTER_KEY } from '../helpers/test-database.js';

describe('crash safety (scripts/crash-safety.ts)', () => {
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

  it(
    'a front Holdfast routing 50/50 over Pine Labs Online and Juspay upstream Holdfasts, killed five times under mixed load: nothing acknowledged lost, every front order agrees with its upstream order, every ledger balances, no ended attempt holds money upstream',
    { skip: !onPostgres && 'runs on PostgreSQL (set TEST_DATABASE_URL): the embedded database belongs to one process', timeout: 295_000 },
    () => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/crash-safety.ts', '--chain', '--kills', '5', '--seed', '42'], {
        env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL },
        encoding: 'utf8',
        timeout: 285_000,
      });
      const report = run.stdout.slice(run.stdout.indexOf('{'));
      console.log(report);
      assert.equal(run.status, 0, `crash-safety --chain failed:\n${run.stdout}\n${run.stderr.slice(-2000)}`);
      const summary = JSON.parse(report);
      assert.ok(summary.kills >= 5);
      assert.equal(summary.acknowledged_missing, 0);
      assert.equal(summary.applied_twice, 0);
      assert.equal(summary.late_authorizations_not_voided, 0);
      assert.equal(summary.orders_balanced, summary.orders);
      assert.equal(summary.jobs_failed, 0);
      assert.equal(summary.webhook_events_delivered, summary.webhook_events);
      assert.ok(
        summary.acknowledged.capture > 0 && summary.acknowledged.refund > 0 && summary.acknowledged.cancel > 0,
        'the load exercised every operation',
      );
      const { chain } = summary;
      assert.ok(chain.attempts_by_gateway['pinelabs-online'] > 0 && chain.attempts_by_gateway.juspay > 0, 'both upstreams were used');
      assert.equal(chain.upstream_orders_read, chain.attempts, 'every front attempt was looked up at its upstream');
      assert.ok(chain.orders_compared > 0);
      assert.equal(chain.orders_agreeing, chain.orders_compared, 'every settled front order agrees with its upstream order');
      assert.equal(chain.ended_attempts_holding_money, 0);
      assert.equal(chain.double_authorizations, 0);
      // Only attempts whose Juspay upstream order never got its transaction may still be pending (chain-checks.ts).
      assert.equal(summary.outstanding_after_sync, chain.attempts_awaiting_upstream_order_expiry);
      for (const [kind, upstream] of Object.entries<Record<string, number>>(summary.upstreams)) {
        assert.equal(upstream.orders_balanced, upstream.orders, `${kind}: every ledger balances`);
        assert.equal(upstream.outstanding_after_sync, 0, `${kind}: nothing pending`);
        assert.equal(upstream.jobs_failed, 0, `${kind}: no job gave up`);
        assert.equal(upstream.webhook_events_delivered, upstream.webhook_events, `${kind}: every webhook reached the front`);
      }
    },
  );

  it(
    'the database fails under mixed load (backends terminated, a restart, 10 s unreachable): 503s, never a crash, a hang or a 500; reconnected; nothing acknowledged lost or applied twice, ledgers balance, every job and webhook runs',
    { skip: !onPostgres && 'runs on PostgreSQL (set TEST_DATABASE_URL): the embedded database cannot fail this way', timeout: 180_000 },
    () => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/crash-safety.ts', '--db-faults', '--seed', '42'], {
        env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL },
        encoding: 'utf8',
        timeout: 170_000,
      });
      const report = run.stdout.slice(run.stdout.indexOf('{'));
      console.log(report);
      assert.equal(run.status, 0, `crash-safety --db-faults failed:\n${run.stdout}\n${run.stderr.slice(-2000)}`);
      const summary = JSON.parse(report);
      assert.equal(summary.holdfast_exits, 0, 'Holdfast lived through every fault');
      assert.ok(summary.faults.backends_terminated > 0 && summary.faults.restarts === 1 && summary.faults.unreachable_ms === 10_000);
      assert.ok(summary.answered_503 > 0 && summary.readyz.unavailable > 0, 'the faults were seen');
      assert.deepEqual(
        Object.keys(summary.answered_other).filter((status) => Number(status) >= 500),
        [],
        'no 5xx but 503',
      );
      assert.equal(summary.requests_without_answer, 0, 'every request was answered');
      assert.equal(summary.error_bodies_with_internals, 0);
      assert.ok(summary.reconnects > 0);
      assert.equal(summary.readyz.last, 200, '/readyz is 200 again');
      assert.equal(summary.acknowledged_missing, 0);
      assert.equal(summary.applied_twice, 0);
      assert.equal(summary.orders_balanced, summary.orders);
      assert.equal(summary.outstanding_after_sync, 0);
      assert.equal(summary.jobs_failed, 0);
      assert.equal(summary.webhook_events_delivered, summary.webhook_events);
    },
  );
});
