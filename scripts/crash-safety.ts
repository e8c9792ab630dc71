/**
 * Crash safety, measured: Holdfast on PostgreSQL with the HTTP acquirer (faults on) under a mixed
 * load, then left to settle and checked: every operation answered 2xx is stored, nothing was
 * applied twice, every order's ledger balances, nothing is left pending, no job gave up, and every
 * state change's webhook was delivered. Prints the counts as JSON; exit 1 on any failure.
 *
 * Two runs (docs/database-faults.md for the second):
 *   - default: Holdfast is killed with SIGKILL at random moments and started again (`--kills`);
 *   - `--db-faults`: Holdfast lives on while its database fails: backends terminated, a restart,
 *     10 s unreachable, through a loopback proxy; `--real-restart "CMD"` restarts the server with
 *     CMD instead (by hand only: it breaks every other user of that server).
 *
 * Usage: DATABASE_URL=postgres://… (a server to create a scratch database on)
 *   npx tsx scripts/crash-safety.ts [--kills 6] [--seed 42] [--db-faults [--real-restart "pg_ctlcluster 15 main restart"]]
 */
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { checkOutcome, settle } from './crash/checks.js';
import { DB_FAULT_ENV, openProxy, runDbFaults, throughProxy } from './crash/db-faults.js';
import { createMerchant, createScratchDatabase, holdfastEnv, seededRandom, startAcquirer, startReceiver } from './crash/harness.js';
import { runKills } from './crash/kills.js';
import type { LoadCounts } from './crash/load.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '6' },
    seed: { type: 'string', default: '42' },
    'db-faults': { type: 'boolean', default: false },
    'real-restart': { type: 'string' },
  },
});
const seed = Number(values.seed);
const random = seededRandom(seed);

const baseUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!baseUrl) {
  console.error('crash-safety needs DATABASE_URL (or TEST_DATABASE_URL) pointing at a PostgreSQL server');
  process.exit(2);
}
/** The PostgreSQL server, known to be set past the check above. */
const serverUrl: string = baseUrl;
if (values['real-restart'] !== undefined && !values['db-faults']) {
  console.error('--real-restart goes with --db-faults');
  process.exit(2);
}

function loadSummary(counts: LoadCounts) {
  return {
    requests: counts.requests,
    answered_2xx: counts.answered2xx,
    answered_503: counts.answered503,
    answered_other: counts.answeredOther,
    requests_without_answer: counts.withoutAnswer,
    retries: counts.retries,
    error_bodies_with_internals: counts.leakyErrorBodies,
    slowest_answer_ms: counts.slowestAnswerMs,
  };
}

async function main() {
  const scratch = await createScratchDatabase(serverUrl);
  const children: ChildProcess[] = [];
  const receiver = await startReceiver();
  const db = new pg.Pool({ connectionString: scratch.url, max: 2, application_name: 'holdfast-crash-check' });
  db.on('error', () => {}); // dropping the scratch database at the end ends its idle connections
  const proxy = values['db-faults'] ? await openProxy(serverUrl) : undefined;
  try {
    const acquirer = await startAcquirer(seed);
    children.push(acquirer.launched.child);
    const databaseUrl = proxy ? throughProxy(scratch.url, proxy) : scratch.url;
    const env = await holdfastEnv(databaseUrl, acquirer.url, proxy ? DB_FAULT_ENV : {});
    const merchant = await createMerchant(env, receiver.url);

    let report: Record<string, unknown>;
    const problems: string[] = [];
    if (proxy) {
      const run = await runDbFaults({ env, merchant, random, proxy, db, children, realRestart: values['real-restart'] });
      await settle(db, 60_000);
      const exits = run.exits();
      await run.stopHoldfast();
      const outcome = await checkOutcome(db, run.load.acks, receiver.received);
      const counts = run.load.counts;
      problems.push(...outcome.problems);
      if (exits > 0) problems.push('Holdfast exited during the faults');
      const not503 = Object.keys(counts.answeredOther).filter((status) => Number(status) >= 500);
      if (not503.length > 0) problems.push(`5xx answers other than 503: ${not503.join(', ')}`);
      if (counts.withoutAnswer > 0) problems.push(`${counts.withoutAnswer} requests got no answer`);
      if (counts.leakyErrorBodies > 0) problems.push(`${counts.leakyErrorBodies} error bodies named internals`);
      if (counts.answered503 === 0 || run.report.readyz.unavailable === 0) problems.push('the faults were never seen (no 503)');
      if (run.report.readyz.last !== 200) problems.push(`/readyz answers ${run.report.readyz.last} after the faults`);
      if (run.report.reconnects === 0) problems.push('Holdfast never reconnected');
      report = { mode: 'db-faults', ...run.report, holdfast_exits: exits, ...loadSummary(counts), ...outcome.summary };
    } else {
      const run = await runKills({ kills: Number(values.kills), env, merchant, random, children });
      await settle(db, 120_000);
      await run.stopFinal();
      const outcome = await checkOutcome(db, run.load.acks, receiver.received);
      problems.push(...outcome.problems);
      if (run.kills < 5) problems.push('fewer than 5 kills');
      report = { mode: 'kills', kills: run.kills, ...loadSummary(run.load.counts), ...outcome.summary };
    }
    console.log(JSON.stringify({ ...report, problems: problems.slice(0, 20) }, null, 2));
    process.exitCode = problems.length === 0 ? 0 : 1;
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    receiver.server.close();
    await proxy?.close();
    await db.end();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
