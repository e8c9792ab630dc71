import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JobRunner, RetryLater, type JobHandler } from '../../src/jobs/job-runner.js';
import type { Db } from '../../src/store/db.js';
import { claimDueJobs, enqueueJob } from '../../src/store/jobs-repository.js';
import { migrate } from '../../src/store/migrate.js';
import { openPostgres } from '../../src/store/postgres-db.js';
import { onPostgres, openTestDatabase } from '../helpers/test-database.js';
import { TestClock } from '../helpers/test-server.js';

describe(`jobs as rows (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  let db: Db & { url?: string };
  const clock = new TestClock(Date.UTC(2026, 0, 1));
  before(async () => {
    db = await openTestDatabase();
    await migrate(db);
  });
  after(() => db.close());

  const enqueue = (key: string, kind = 'test.count', runAt = clock.now(), maxAttempts = 3) =>
    db.transaction((tx) => enqueueJob(tx, { kind, key, payload: { key }, runAt, maxAttempts }, clock.now()));

  it('a job key replaces the pending job instead of adding one', async () => {
    await enqueue('same', 'test.noop', new Date(clock.now().getTime() + 60_000));
    await enqueue('same', 'test.noop', new Date(clock.now().getTime() + 120_000));
    const rows = await db.query<{ n: number; run_at: Date }>(
      "select count(*)::int as n, max(run_at) as run_at from jobs where job_key = 'same'",
    );
    assert.equal(rows[0]!.n, 1);
    assert.equal(new Date(rows[0]!.run_at).getTime(), clock.now().getTime() + 120_000);
    await db.query("delete from jobs where job_key = 'same'");
  });

  it('runs only due jobs; retries with backoff; gives up after the last attempt', async () => {
    const runs: string[] = [];
    let gaveUp = 0;
    const handlers: Record<string, JobHandler> = {
      'test.flaky': {
        backoffMs: (attempt) => attempt * 1000,
        run: (job) => {
          runs.push(`${job.key}#${job.attempts}`);
          return Promise.reject(new RetryLater('not yet'));
        },
        giveUp: () => {
          gaveUp += 1;
          return Promise.resolve();
        },
      },
    };
    const runner = new JobRunner(db, clock, handlers);
    await enqueue('later', 'test.flaky', new Date(clock.now().getTime() + 5000));
    assert.equal(await runner.runDue(), 0);
    clock.advance(5000);
    assert.equal(await runner.runDue(), 1);
    assert.equal(await runner.runDue(), 0, 'the retry waits for its backoff (1 s)');
    clock.advance(1000);
    await runner.runDue();
    clock.advance(2000);
    await runner.runDue();
    clock.advance(60_000);
    await runner.runDue();
    assert.deepEqual(runs, ['later#1', 'later#2', 'later#3']);
    assert.equal(gaveUp, 1);
    const job = (
      await db.query<{ attempts: number; failed_at: Date | null; last_error: string }>(
        "select attempts, failed_at, last_error from jobs where job_key = 'later'",
      )
    )[0]!;
    assert.equal(job.attempts, 3);
    assert.ok(job.failed_at);
    assert.equal(job.last_error, 'not yet');
  });

  it('a job claimed by a worker that died is taken again once its lease expires', async () => {
    await enqueue('orphan', 'test.done');
    const claimed = await claimDueJobs(db, 'dead-worker', clock.now(), new Date(clock.now().getTime() + 30_000), 10);
    assert.deepEqual(
      claimed.map((j) => j.key),
      ['orphan'],
    );
    let ran = 0;
    const runner = new JobRunner(db, clock, {
      'test.done': {
        run: () => {
          ran += 1;
          return Promise.resolve();
        },
      },
    });
    assert.equal(await runner.runDue(), 0, 'leased to the dead worker');
    clock.advance(30_001);
    assert.equal(await runner.runDue(), 1);
    assert.equal(ran, 1);
    assert.equal((await db.query("select * from jobs where job_key = 'orphan'")).length, 0);
  });

  it('two workers on separate connections share 200 jobs without running any twice', async () => {
    const counts = new Map<string, number>();
    const handler: JobHandler = {
      run: async (job) => {
        counts.set(job.key, (counts.get(job.key) ?? 0) + 1);
        await new Promise((r) => setImmediate(r));
      },
    };
    for (let i = 0; i < 200; i++) await enqueue(`share-${i}`, 'test.share');
    // On PostgreSQL the second worker has its own pool: really concurrent claims.
    const second = onPostgres && db.url ? openPostgres({ connectionString: db.url }) : db;
    const a = new JobRunner(db, clock, { 'test.share': handler }, { batchSize: 7 });
    const b = new JobRunner(second, clock, { 'test.share': handler }, { batchSize: 5 });
    const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue()]);
    if (second !== db) await second.close();
    assert.equal(ranA + ranB, 200);
    assert.equal(counts.size, 200);
    assert.ok(
      [...counts.values()].every((n) => n === 1),
      'no job ran twice',
    );
    if (onPostgres) assert.ok(ranA > 0 && ranB > 0, `both workers took jobs (${ranA} / ${ranB})`);
  });
});
