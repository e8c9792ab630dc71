/**
 * Drift check: records the SQL Holdfast really sends to PostgreSQL for one Pine Labs partial
 * capture and compares it with bench/capture-statements.ts, the list the pgbench script and the
 * naive handler execute (rendered by Holdfast's code on a synthetic capture,
 * bench/lib/render-capture.ts: this check shows whether the real request path sends that and
 * nothing else, with the same constants). Also shows what a Juspay capture and the background job the capture
 * schedules send, and checks that a seeded order looks like one authorized through the API.
 *
 *   npx tsx bench/drift-check.ts          exit 0: same statements; 1: drift (the diff is printed)
 *   npx tsx bench/drift-check.ts --json   the recording as JSON
 *
 * How: Holdfast's own composition root, createApp({ config, db, logger }) from src/app.ts, on a
 * scratch PostgreSQL database; node-postgres' Client.query is wrapped to record every text sent
 * (BEGIN and COMMIT included), and the Db facade handed to createApp is wrapped to note the
 * call site (src file and line) of each statement.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createMerchant } from '../src/core/merchants.js';
import type { Db, Queryable } from '../src/store/db.js';
import { openPostgres } from '../src/store/postgres-db.js';
import { CAPTURE_STATEMENTS, normalizeSql, type Statement } from './capture-statements.js';
import { defined, jsonText } from './lib/checks.js';
import { createScratchDatabase } from './lib/scratch-db.js';
import { CAPTURE_AMOUNT, orderId, seedAuthorizedOrders, txnUuid } from './lib/seed.js';

export interface RecordedStatement {
  sql: string;
  params: unknown[];
  /** src/ frames that issued it (store function ← use-case), when known. */
  site: string;
  /** Transaction number (1, 2, …) or 0 outside a transaction. */
  tx: number;
}

export interface DriftReport {
  identical: boolean;
  /** The Pine Labs capture, as recorded. */
  pinelabs: RecordedStatement[];
  juspay: RecordedStatement[];
  /** The remainder-release job the capture schedules, run once by the job runner. */
  background: RecordedStatement[];
  /** Lines of the diff between the bench's list and the recording (empty when identical). */
  diff: string[];
  /** Differences between a seeded order and one authorized through the API (empty when none). */
  seedProblems: string[];
  /** Captures sent 16 at a time with the job runner polling, as in production: round trips per capture, by origin. */
  underLoad: UnderLoad;
}

export interface UnderLoad {
  captures: number;
  /** Statements (BEGIN and COMMIT counted) per capture from the requests, and from the background job runner. */
  requestPerCapture: number;
  backgroundPerCapture: number;
  /** Background statements per capture by the store function that sent them (claimDueJobs, loadAggregate, …). */
  backgroundBySite: Record<string, number>;
}

// ---- recording ---------------------------------------------------------------------------------

interface SiteNote {
  sql: string;
  site: string;
}

let recording: RecordedStatement[] | undefined;
let notes: SiteNote[] = [];
/** While set, every statement through the facade is counted by origin (request or background job). */
let counting: { request: number; background: Map<string, number> } | undefined;

function count(stack: string, statements: number, site: () => string): void {
  if (!counting) return;
  if (!stack.includes('/src/jobs/')) {
    counting.request += statements;
    return;
  }
  const key = site();
  counting.background.set(key, (counting.background.get(key) ?? 0) + statements);
}

function installWireRecorder(): void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown; __benchRecorder?: boolean };
  if (proto.__benchRecorder) return;
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    if (recording) {
      const first = args[0] as string | { text?: string; values?: unknown[] };
      const sql = typeof first === 'string' ? first : (first.text ?? '(query without text)');
      const params: unknown[] = (Array.isArray(args[1]) ? args[1] : typeof first === 'object' ? first.values : undefined) ?? [];
      const note = notes[0] && normalizeSql(notes[0].sql) === normalizeSql(sql) ? notes.shift() : undefined;
      recording.push({ sql, params: [...params], site: note?.site ?? '', tx: 0 });
    }
    return original.apply(this, args);
  };
  proto.__benchRecorder = true;
}

/** src/ frames of the current stack: the store function and the first caller outside src/store. */
function callSite(stack = new Error().stack ?? ''): string {
  const frames = stack.split('\n').slice(1);
  const src = frames
    .map((f) => /at (?:async )?(?:(\S+) )?\(?(.*\/src\/([^:]+)):(\d+):\d+\)?/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      fn: (m[1] ?? '?').replace(/^Object\./, ''),
      file: defined(m[3], 'stack frame file'),
      line: defined(m[4], 'stack frame line'),
    }));
  const store = src.find((f) => f.file.startsWith('store/') && !/-db\.ts$/.test(f.file));
  const caller = src.find((f) => !f.file.startsWith('store/'));
  return [store, caller]
    .filter((f) => f !== undefined)
    .map((f) => `${f.fn} ${f.file}:${f.line}`)
    .join(' ← ');
}

/** The Db facade handed to createApp, noting where each statement comes from. */
function notingDb(db: Db): Db {
  const wrap = <Q extends Queryable>(q: Q): Q =>
    new Proxy(q, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'query' && typeof value === 'function') {
          return (sql: string, params?: readonly unknown[]) => {
            if (recording) notes.push({ sql, site: callSite() });
            if (counting) {
              const stack = new Error().stack ?? '';
              count(
                stack,
                1,
                () =>
                  /at (?:async )?(?:Object\.)?(\w+) \(.*\/src\/store\/(?!\w+-db\.ts)/.exec(stack)?.[1] ??
                  callSite(stack).split(' ')[0] ??
                  '?',
              );
            }
            return (value as Queryable['query']).call(target, sql, params);
          };
        }
        if (prop === 'transaction' && typeof value === 'function') {
          return <T>(work: (tx: Queryable) => Promise<T>) => {
            if (counting) count(new Error().stack ?? '', 2, () => 'BEGIN/COMMIT');
            return (value as Db['transaction']).call(target, (tx: Queryable) => work(wrap(tx)));
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  return wrap(db);
}

async function record(work: () => Promise<void>): Promise<RecordedStatement[]> {
  recording = [];
  notes = [];
  try {
    await work();
    return numberTransactions(recording);
  } finally {
    recording = undefined;
  }
}

function numberTransactions(statements: RecordedStatement[]): RecordedStatement[] {
  let tx = 0;
  let open = false;
  let count = 0;
  for (const s of statements) {
    const head = normalizeSql(s.sql).toUpperCase();
    if (/^(BEGIN|START TRANSACTION)/.test(head)) {
      open = true;
      tx = ++count;
    }
    s.tx = open ? tx : 0;
    if (/^(COMMIT|ROLLBACK|END)\b/.test(head)) open = false;
  }
  return statements;
}

// ---- comparison --------------------------------------------------------------------------------

type Op =
  | { kind: '='; bench: Statement; recorded: RecordedStatement }
  | { kind: '-'; bench: Statement }
  | { kind: '+'; recorded: RecordedStatement };

/** Longest-common-subsequence diff of two statement sequences by normalized SQL. */
function diffStatements(bench: Statement[], recorded: RecordedStatement[]): Op[] {
  const a = bench.map((s) => normalizeSql(s.sql));
  const b = recorded.map((s) => normalizeSql(s.sql));
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  const at = (i: number, j: number): number => defined(lcs[i]?.[j], `LCS cell ${i},${j}`);
  for (let i = a.length - 1; i >= 0; i--) {
    const row = defined(lcs[i], `LCS row ${i}`);
    for (let j = b.length - 1; j >= 0; j--) row[j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j])
      ops.push({ kind: '=', bench: defined(bench[i++], 'bench statement'), recorded: defined(recorded[j++], 'recorded statement') });
    else if (j < b.length && (i === a.length || at(i, j + 1) >= at(i + 1, j)))
      ops.push({ kind: '+', recorded: defined(recorded[j++], 'recorded statement') });
    else ops.push({ kind: '-', bench: defined(bench[i++], 'bench statement') });
  }
  return ops;
}

/**
 * For statements with the same text: each literal of the list is what Holdfast sent (e.g. the
 * order's version, which must be the seeded one), and each variable has one value within a statement.
 */
function paramProblems(ops: Op[]): string[] {
  const problems: string[] = [];
  for (const op of ops) {
    if (op.kind !== '=') continue;
    const { bench, recorded } = op;
    const seen = new Map<string, unknown>();
    bench.args.forEach((arg, i) => {
      const sent = recorded.params[i];
      if (typeof arg !== 'string') {
        if (JSON.stringify(arg.literal) !== JSON.stringify(sent))
          problems.push(
            `  ≠ ${bench.id} $${i + 1}: the list has the constant ${formatParam(arg.literal)}, Holdfast sent ${formatParam(sent)}`,
          );
      } else if (seen.has(arg) && JSON.stringify(seen.get(arg)) !== JSON.stringify(sent)) {
        problems.push(
          `  ≠ ${bench.id} $${i + 1}: ${arg} was ${formatParam(seen.get(arg))} earlier in the statement, Holdfast sent ${formatParam(sent)}`,
        );
      } else seen.set(arg, sent);
    });
    if (recorded.params.length !== bench.args.length)
      problems.push(`  ≠ ${bench.id}: ${bench.args.length} parameters in the list, ${recorded.params.length} sent`);
  }
  return problems;
}

const short = (sql: string, n = 90) => {
  const s = normalizeSql(sql);
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
};

function formatParam(v: unknown): string {
  if (v instanceof Date) return `Date(${v.toISOString()})`;
  const s = jsonText(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

function renderDiff(ops: Op[]): string[] {
  const lines: string[] = [];
  for (const op of ops) {
    if (op.kind === '=') lines.push(`  = ${op.bench.id}`);
    else if (op.kind === '-')
      lines.push(`  - ${op.bench.id}: in bench/capture-statements.ts, not sent by Holdfast's request`, `      ${short(op.bench.sql, 160)}`);
    else {
      const r = op.recorded;
      lines.push(
        `  + sent by Holdfast's request, not in bench/capture-statements.ts${r.site ? ` (${r.site})` : ''}:`,
        `      sql: ${JSON.stringify(normalizeSql(r.sql))}`,
      );
      if (r.params.length) lines.push(`      params: ${r.params.map(formatParam).join(', ')}`);
    }
  }
  return lines;
}

export function printStatements(title: string, statements: RecordedStatement[]): void {
  const txs = new Set(statements.filter((s) => s.tx > 0).map((s) => s.tx)).size;
  console.log(`\n${title}: ${statements.length} statements = ${statements.length} round trips, ${txs} transaction${txs === 1 ? '' : 's'}`);
  statements.forEach((s, n) => {
    const where = s.tx ? `T${s.tx}` : '--';
    console.log(`  ${String(n + 1).padStart(2)} ${where.padEnd(3)} ${short(s.sql, 72).padEnd(72)} ${s.site}`);
  });
}

// ---- the seeded order versus a real one ----------------------------------------------------------

async function compareSeed(db: Queryable, real: string, seeded: string): Promise<string[]> {
  const problems: string[] = [];
  const exact: Record<'orders' | 'payments', string[]> = {
    orders: ['dialect', 'amount', 'currency', 'pre_auth', 'state', 'version', 'details', 'return_url', 'customer', 'review_reason'],
    payments: [
      'amount',
      'currency',
      'method',
      'status',
      'card_bin',
      'card_last4',
      'card_network',
      'card_expiry_month',
      'card_expiry_year',
      'connector',
      'challenge_id',
      'error_code',
      'error_message',
    ],
  };
  for (const table of ['orders', 'payments'] as const) {
    const column = table === 'orders' ? 'id' : 'order_id';
    const [a] = await db.query(`select * from ${table} where ${column} = $1`, [real]);
    const [b] = await db.query(`select * from ${table} where ${column} = $1`, [seeded]);
    if (!a || !b) {
      problems.push(`${table}: row missing (real: ${!!a}, seeded: ${!!b})`);
      continue;
    }
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const x = a[key];
      const y = b[key];
      if ((x === null) !== (y === null))
        problems.push(`${table}.${key}: real ${formatParam(x)}, seeded ${formatParam(y)} (null in one only)`);
      else if (exact[table].includes(key) && JSON.stringify(x) !== JSON.stringify(y))
        problems.push(`${table}.${key}: real ${formatParam(x)}, seeded ${formatParam(y)}`);
    }
    if (
      table === 'payments' &&
      String(a.connector_reference).split('.').slice(0, 2).join('.') !== String(b.connector_reference).split('.').slice(0, 2).join('.')
    ) {
      problems.push(`payments.connector_reference: real ${String(a.connector_reference)}, seeded ${String(b.connector_reference)}`);
    }
    if (table === 'orders') {
      const window = (r: Record<string, unknown>) => new Date(r.capture_deadline as string).getTime() - Date.now();
      if (Math.abs(window(a) - window(b)) > 3_600_000)
        problems.push(`orders.capture_deadline: real ${formatParam(a.capture_deadline)}, seeded ${formatParam(b.capture_deadline)}`);
    }
  }
  const children = async (orderId: string) => ({
    journal: await db.query(
      `select j.kind, j.currency, (select json_agg(json_build_object('account', p.account, 'amount', p.amount) order by p.account) from postings p where p.entry_id = j.id) as postings
       from journal_entries j where j.order_id = $1 order by j.id`,
      [orderId],
    ),
    jobs: await db.query(
      `select kind, max_attempts, attempts, failed_at is null as live, run_at > now() + interval '6 days' as at_deadline from jobs
       where payload->>'orderId' = $1 order by kind`,
      [orderId],
    ),
    captures: await db.query('select count(*)::int as n from captures where order_id = $1', [orderId]),
    reversals: await db.query('select count(*)::int as n from reversals where order_id = $1', [orderId]),
    webhook_events: await db.query('select count(*)::int as n from webhook_events where order_id = $1', [orderId]),
    request_keys: await db.query('select count(*)::int as n from request_keys where order_id = $1', [orderId]),
  });
  const a = await children(real);
  const b = await children(seeded);
  for (const key of Object.keys(a) as (keyof typeof a)[]) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key]))
      problems.push(`${key}: real ${JSON.stringify(a[key])}, seeded ${JSON.stringify(b[key])}`);
  }
  return problems;
}

// ---- the check ---------------------------------------------------------------------------------

async function inject(
  app: Awaited<ReturnType<typeof createApp>>,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload: unknown,
  headers: Record<string, string>,
) {
  const reply = await app.server.inject({ method, url, payload: payload as Record<string, unknown>, headers });
  return { status: reply.statusCode, body: reply.body ? (JSON.parse(reply.body) as ApiBody) : {} };
}

/** The fields of the API's JSON answers the drift check reads (whatever else they hold is only printed). */
interface ApiBody {
  access_token?: unknown;
  data?: { order_id?: unknown; status?: unknown } | null;
}

export async function checkDrift(options: { quiet?: boolean } = {}): Promise<DriftReport> {
  installWireRecorder();
  const scratch = await createScratchDatabase('holdfast_drift');
  const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-drift-'));
  const raw = openPostgres({ connectionString: scratch.url });
  try {
    // On PostgreSQL the master key must come from outside the database: a fresh one for this scratch database.
    const masterKey = randomBytes(32).toString('hex');
    const config = loadConfig({
      DATABASE_URL: scratch.url,
      LOG_LEVEL: 'silent',
      PORT: '0',
      HOLDFAST_DATA_DIR: dataDir,
      HOLDFAST_MASTER_KEY: masterKey,
    });
    const app = await createApp({ config, db: notingDb(raw), logger: pino({ level: 'silent' }) });
    try {
      const merchant = await createMerchant(app.ctx, { name: 'Drift check' });
      await seedAuthorizedOrders(raw, merchant.merchant_id, 1, 2);
      const token = await inject(
        app,
        'POST',
        '/api/auth/v1/token',
        { client_id: merchant.client_id, client_secret: merchant.client_secret, grant_type: 'client_credentials' },
        {},
      );
      if (token.status !== 200) throw new Error(`token: ${token.status} ${JSON.stringify(token.body)}`);
      const bearer = { authorization: `Bearer ${String(token.body.access_token)}`, 'content-type': 'application/json' };
      const basic = {
        authorization: `Basic ${Buffer.from(`${merchant.api_key}:`).toString('base64')}`,
        'content-type': 'application/json',
      };

      // An order authorized through the API, to compare with a seeded one.
      const created = await inject(
        app,
        'POST',
        '/api/pay/v1/orders',
        { merchant_order_reference: 'drift-real', order_amount: { value: 10_000, currency: 'INR' }, pre_auth: true },
        bearer,
      );
      const realId = String(created.body.data?.order_id);
      const paid = await inject(
        app,
        'POST',
        `/api/pay/v1/orders/${realId}/payments`,
        {
          payments: [
            {
              merchant_payment_reference: 'drift-pay',
              payment_method: 'CARD',
              payment_amount: { value: 10_000, currency: 'INR' },
              payment_option: {
                card_details: { name: 'Test Holder', card_number: '4111111111111111', cvv: '123', expiry_month: '12', expiry_year: '2035' },
              },
            },
          ],
        },
        bearer,
      );
      if (paid.status !== 200 || paid.body.data?.status !== 'AUTHORIZED')
        throw new Error(`pay: ${paid.status} ${JSON.stringify(paid.body)}`);
      await app.jobs.runDue();
      const seedProblems = await compareSeed(raw, realId, orderId(1));

      // Warm the Juspay API-key cache, so the recorded capture is a steady-state one.
      await inject(app, 'GET', '/orders/drift-none', undefined, basic);

      const captureBody = { merchant_capture_reference: 'drift-cap-1', capture_amount: { value: CAPTURE_AMOUNT, currency: 'INR' } };
      const pinelabs = await record(async () => {
        const reply = await inject(app, 'PUT', `/api/pay/v1/orders/${orderId(1)}/capture`, captureBody, bearer);
        if (reply.status !== 200) throw new Error(`Pine Labs capture: ${reply.status} ${JSON.stringify(reply.body)}`);
      });
      const background = await record(async () => {
        await app.jobs.runDue();
      });
      const juspay = await record(async () => {
        const reply = await inject(
          app,
          'POST',
          `/v2/txns/${txnUuid(2)}/capture`,
          { amount: (CAPTURE_AMOUNT / 100).toFixed(2), idempotence_key: 'drift-cap-2' },
          basic,
        );
        if (reply.status !== 200) throw new Error(`Juspay capture: ${reply.status} ${JSON.stringify(reply.body)}`);
      });
      await app.jobs.runDue();

      // Under load, with the job runner polling as `holdfast start` runs it.
      const LOAD = 320;
      await seedAuthorizedOrders(raw, merchant.merchant_id, 3, 2 + LOAD);
      app.jobs.start();
      counting = { request: 0, background: new Map() };
      let nextOrder = 3;
      const sender = async () => {
        while (nextOrder <= 2 + LOAD) {
          const i = nextOrder++;
          const reply = await inject(
            app,
            'PUT',
            `/api/pay/v1/orders/${orderId(i)}/capture`,
            { ...captureBody, merchant_capture_reference: `load-${i}` },
            bearer,
          );
          if (reply.status !== 200) throw new Error(`capture under load: ${reply.status} ${JSON.stringify(reply.body)}`);
        }
      };
      await Promise.all(Array.from({ length: 16 }, sender));
      await new Promise((r) => setTimeout(r, 1500)); // the runner's next polls find what is left
      const counted = counting;
      counting = undefined;
      const underLoad: UnderLoad = {
        captures: LOAD,
        requestPerCapture: counted.request / LOAD,
        backgroundPerCapture: [...counted.background.values()].reduce((a, b) => a + b, 0) / LOAD,
        backgroundBySite: Object.fromEntries(
          [...counted.background].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round((v / LOAD) * 100) / 100]),
        ),
      };

      const ops = diffStatements(CAPTURE_STATEMENTS, pinelabs);
      const params = paramProblems(ops);
      const identical = ops.every((o) => o.kind === '=') && params.length === 0;
      const report: DriftReport = {
        identical,
        pinelabs,
        juspay,
        background,
        diff: identical ? [] : [...renderDiff(ops), ...params],
        seedProblems,
        underLoad,
      };
      if (!options.quiet) printReport(report);
      return report;
    } finally {
      await app.close();
    }
  } finally {
    await raw.close();
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function printReport(report: DriftReport): void {
  printStatements('Holdfast, one Pine Labs partial capture (PUT /api/pay/v1/orders/{id}/capture)', report.pinelabs);
  const extra = diffStatements(CAPTURE_STATEMENTS, report.juspay).filter((o) => o.kind !== '=');
  console.log(`\nJuspay capture (POST /v2/txns/{txn_uuid}/capture): ${report.juspay.length} statements; against the Pine Labs list:`);
  for (const op of extra)
    console.log(`  ${op.kind} ${op.kind === '-' ? op.bench.id : `${short(op.recorded.sql, 80)}  ${op.recorded.site}`}`);
  printStatements('Background: the job runner once the capture has answered', report.background);
  const u = report.underLoad;
  console.log(
    `\nUnder load (${u.captures} captures, 16 at a time, job runner polling): ${u.requestPerCapture.toFixed(1)} statements per capture from the request, ` +
      `${u.backgroundPerCapture.toFixed(1)} from the job runner (${Object.entries(u.backgroundBySite)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
  );
  console.log(
    report.seedProblems.length === 0
      ? '\nSeed: a seeded authorized order matches one authorized through the API (rows, ledger, jobs).'
      : `\nSeed DRIFT: a seeded order differs from one authorized through the API (fix bench/lib/seed.ts):\n${report.seedProblems.map((p) => `  ${p}`).join('\n')}`,
  );
  if (report.identical)
    console.log(
      `\nbench/capture-statements.ts: identical to what Holdfast sends (${report.pinelabs.length} statements, the same constants).`,
    );
  else
    console.log(
      `\nbench/capture-statements.ts DRIFT: the list rendered by bench/lib/render-capture.ts is not what a real capture sends ` +
        `(a statement the synthetic capture does not make, or a constant that differs):\n${report.diff.join('\n')}`,
    );
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
  checkDrift({ quiet: values.json })
    .then((report) => {
      if (values.json) console.log(JSON.stringify(report, null, 2));
      process.exit(report.identical && report.seedProblems.length === 0 ? 0 : 1);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(2);
    });
}
