/**
 * Crash safety, measured: Holdfast on PostgreSQL with the HTTP acquirer (faults on) under a mixed
 * load, then left to settle and checked: every operation answered 2xx is stored, nothing was
 * applied twice, every order's ledger balances, nothing is left pending, no job gave up, and every
 * state change's webhook was delivered. Prints the counts as JSON; exit 1 on any failure.
 *
 * Three runs (docs/database-faults.md for the second):
 *   - default: Holdfast is killed with SIGKILL at random moments and started again (`--kills`);
 *   - `--db-faults`: Holdfast lives on while its database fails: backends terminated, a restart,
 *     10 s unreachable, through a loopback proxy; `--real-restart "CMD"` restarts the server with
 *     CMD instead (by hand only: it breaks every other user of that server);
 *   - `--chain`: the killed Holdfast sits in front of two upstream Holdfasts (Pine Labs Online and
 *     Juspay, each with a faulty acquirer behind it) and routes 50/50 between them; besides the
 *     checks above, every front order must agree with its upstream order and no attempt the front
 *     ended may still hold money upstream (scripts/crash/chain.ts, scripts/crash/chain-checks.ts).
 *
 * Usage: DATABASE_URL=postgres://… (a server to create scratch databases on)
 *   npx tsx scripts/crash-safety.ts [--kills 6] [--seed 42] [--chain | --db-faults [--real-restart "pg_ctlcluster 15 main restart"]]
 */
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startChain } from './crash/chain.js';
import { awaitingUpstreamExpiry, checkChain, checkUpstream, upstreamReaders } from './crash/chain-checks.js';
import { checkOutcome, settle } from './crash/checks.js';
import { DB_FAULT_ENV, openProxy, runDbFaults, throughProxy } from './crash/db-faults.js';
import {
  createMerchant,
  createScratchDatabase,
  holdfastEnv,
  seededRandom,
  startAcquirer,
  startReceiver,
  type Launched,
  type ScratchDatabase,
} from './crash/harness.js';
import { runKills } from './crash/kills.js';
import type { LoadCounts } from './crash/load.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '6' },
    seed: { type: 'string', default: '42' },
    'db-faults': { type: 'boolean', default: false },
    chain: { type: 'boolean', default: false },
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
if (values.chain && values['db-faults']) {
  console.error('--chain and --db-faults are two runs: give one');
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

/** A pool for the checks on one scratch database. */
function checkPool(url: string): pg.Pool {
  const db = new pg.Pool({ connectionString: url, max: 2, application_name: 'holdfast-crash-check' });
  db.on('error', () => {}); // dropping the scratch database at the end ends its idle connections
  return db;
}

/** The `--chain` run: the front killed under load, then both hops settled and checked. */
async function chainRun(): Promise<void> {
  const receiver = await startReceiver();
  const made = { scratches: [] as ScratchDatabase[], processes: [] as Launched[] };
  const children: ChildProcess[] = [];
  const pools: pg.Pool[] = [];
  const started = Date.now();
  const timings: Record<string, number> = {};
  const lap = (name: string) => (timings[name] = Date.now() - started - Object.values(timings).reduce((sum, ms) => sum + ms, 0));
  try {
    const chain = await startChain({ serverUrl, seed, receiverUrl: receiver.url, made });
    const front = checkPool(chain.front.scratch.url);
    const upstreamDbs = chain.upstreams.map((u) => checkPool(u.scratch.url));
    pools.push(front, ...upstreamDbs);
    lap('setup');
    const run = await runKills({ kills: Number(values.kills), env: chain.front.env, merchant: chain.front.merchant, random, children });
    lap('kills');
    // The front's status sync waits on the upstreams' own: settled together.
    const readers = upstreamReaders(chain.upstreams);
    await settle(pools, 150_000, async () => (await awaitingUpstreamExpiry(front, readers)).size);
    lap('settle');
    const awaiting = await awaitingUpstreamExpiry(front, readers);
    const compared = await checkChain(front, readers, awaiting);
    await run.stopFinal();
    const outcome = await checkOutcome(front, run.load.acks, receiver.received, awaiting.size);
    const upstreams = await Promise.all(upstreamDbs.map(checkUpstream));
    const problems = [...outcome.problems, ...compared.problems, ...upstreams.flatMap((u) => u.problems)];
    if (run.kills < 5) problems.push('fewer than 5 kills');
    lap('checks');
    const report = {
      mode: 'chain',
      kills: run.kills,
      timings_ms: timings,
      ...loadSummary(run.load.counts),
      ...outcome.summary,
      chain: compared.summary,
      upstreams: Object.fromEntries(chain.upstreams.map((u, i) => [u.kind, upstreams[i]?.summary])),
    };
    console.log(JSON.stringify({ ...report, problems: problems.slice(0, 20) }, null, 2));
    process.exitCode = problems.length === 0 ? 0 : 1;
  } finally {
    for (const child of [...children, ...made.processes.map((p) => p.child)]) if (child.exitCode === null) child.kill('SIGKILL');
    receiver.server.close();
    await Promise.all(pools.map((db) => db.end()));
    for (const scratch of made.scratches) await scratch.drop();
  }
}

async function main() {
  if (values.chain) return chainRun();
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
      await settle([db], 60_000);
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
      await settle([db], 120_000);
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
