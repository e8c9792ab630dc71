/**
 * The job runner and a database that goes away (docs/database-faults.md), cut for real through a
 * loopback proxy: polling carries on through the outage, a job whose run the database cut short
 * is handed back without spending an attempt, and it runs once the database is back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isUnavailable } from '../../src/domain/errors.js';
import { JobRunner, type JobHandler } from '../../src/jobs/job-runner.js';
import type { Job } from '../../src/store/jobs-repository.js';
import { enqueueJob } from '../../src/store/jobs-repository.js';
import { openProxiedDatabase, type ProxiedDatabase } from '../helpers/proxied-server.js';
import { onPostgres } from '../helpers/test-database.js';
import { TestClock } from '../helpers/test-server.js';

/** Resolves once `condition` holds, checking after each turn of `tick`. */
async function until(condition: () => boolean | Promise<boolean>, tick: () => Promise<void>): Promise<void> {
  while (!(await condition())) await tick();
}
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

describe(
  'the job runner when the database goes away',
  { skip: !onPostgres && 'PostgreSQL only (set TEST_DATABASE_URL): the embedded database cannot vanish' },
  () => {
    let database: ProxiedDatabase;
    const clock = new TestClock(Date.UTC(2026, 0, 1));
    before(async () => {
      database = await openProxiedDatabase();
    });
    after(() => database.close());

    const enqueue = (key: string, kind: string) =>
      database.direct.transaction((tx) => enqueueJob(tx, { kind, key, payload: {}, runAt: clock.now(), maxAttempts: 1 }, clock.now()));
    const jobRow = async (key: string) =>
      (
        await database.direct.query<{ attempts: number; locked_by: string | null }>(
          'select attempts, locked_by from jobs where job_key = $1',
          [key],
        )
      )[0];

    it('a run cut short by the database spends no attempt: handed back when it returns, the job runs then, even on its last attempt', async () => {
      const runs: Job[] = [];
      const handlers: Record<string, JobHandler> = {
        'test.cut': {
          run: async (job) => {
            runs.push(job);
            if (runs.length === 1) {
              // The database goes away in the middle of the job's work.
              database.proxy.refuse();
              database.proxy.drop();
            }
            await database.db.query('select 1');
          },
          giveUp: async () => {
            assert.fail('a job must not give up for want of a database');
          },
        },
      };
      const runner = new JobRunner(database.db, clock, handlers);
      await enqueue('cut-1', 'test.cut');
      await assert.rejects(runner.runDue(), (error) => isUnavailable(error));
      assert.deepEqual(
        await jobRow('cut-1'),
        { attempts: 1, locked_by: runner.workerId },
        'still claimed: it could not be handed back yet',
      );

      database.proxy.restore();
      assert.equal(await runner.runDue(), 1);
      assert.equal(runs.length, 2);
      assert.equal(runs[1]!.attempts, 1, 'the cut run was not counted');
      assert.equal(await jobRow('cut-1'), undefined, 'done');
    });

    it('polling carries on through an outage and picks the work up when the database is back', async () => {
      const ran: string[] = [];
      let failedPolls = 0;
      const runner = new JobRunner(
        database.db,
        clock,
        { 'test.later': { run: async (job) => void ran.push(job.key) } },
        {
          pollMs: 10,
          onError: (error) => {
            if (isUnavailable(error)) failedPolls += 1;
          },
        },
      );
      database.proxy.refuse();
      database.proxy.drop();
      runner.start();
      try {
        await enqueue('later-1', 'test.later');
        await until(() => failedPolls >= 3, pause);
        assert.deepEqual(ran, [], 'nothing ran while the database was away');
        database.proxy.restore();
        await until(() => ran.length > 0, pause);
        assert.deepEqual(ran, ['later-1']);
        await until(async () => (await jobRow('later-1')) === undefined, pause);
      } finally {
        await runner.stop();
      }
    });
  },
);
