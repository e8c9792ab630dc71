/**
 * THE statements of one Pine Labs partial capture, as Holdfast issues them: the one place the
 * baselines read them from. The pgbench script (bench/capture.pgbench.sql, generated from this
 * file on every run) and the naive Fastify + pg handler (bench/naive-server.ts) both execute
 * exactly this list, in this order, with these parameters.
 *
 * When Holdfast's capture changes, run `npx tsx bench/drift-check.ts`: it records the SQL a real
 * capture issues and prints the difference with this list (with the full text of every new
 * statement, ready to paste here). Then edit CAPTURE_STATEMENTS below; if a statement needs a
 * value the vocabulary does not have yet, add it to VAR_NAMES, naiveVars() and pgbenchVars().
 *
 * SQL text is compared with whitespace collapsed, so it may be laid out freely here.
 */

/** Every value a capture's statements take as a parameter. */
export const VAR_NAMES = [
  'orderId',
  'merchantId',
  'paymentId',
  'captureRef',
  'fingerprint',
  'captureId',
  'reversalId',
  'amount',
  'remainder',
  'currency',
  'now',
  'syncRunAt',
  'syncJobKey',
  'syncPayload',
  'syncMaxAttempts',
  'remainderJobKey',
  'remainderPayload',
  'remainderMaxAttempts',
  'autoVoidJobKey',
  'captureGatewayRef',
  'reversalGatewayRef',
  'captureAccounts',
  'captureAmounts',
  'reversalAccounts',
  'reversalAmounts',
] as const;
export type VarName = (typeof VAR_NAMES)[number];

/** A constant parameter (Holdfast passes it as $n too). `null` is inlined as NULL in the pgbench script (pgbench has no NULL variable). */
export interface Literal {
  literal: string | number | null;
}
export const lit = (literal: string | number | null): Literal => ({ literal });
export type Arg = VarName | Literal;

export type Row = Record<string, unknown>;

export interface Statement {
  /** A short name, shown by the drift check and in the pgbench script. */
  id: string;
  sql: string;
  /** $1, $2, … in order. */
  args: Arg[];
  /** The naive handler only: values later statements need from this one's rows (what Holdfast reads from them). */
  naive?: (rows: Row[], vars: CaptureVarValues) => void;
}

/** The aggregate read (src/store/orders-repository.ts AGGREGATE_SELECT): an order and all its child rows in one round trip. */
const AGGREGATE_SELECT = `
select row_to_json(o) as "order",
  coalesce((select json_agg(p order by p.seq) from payments p where p.order_id = o.id), '[]') as payments,
  coalesce((select json_agg(c order by c.seq) from captures c where c.order_id = o.id), '[]') as captures,
  coalesce((select json_agg(v order by v.seq) from reversals v where v.order_id = o.id), '[]') as reversals,
  coalesce((select json_agg(f order by f.seq) from refunds f where f.order_id = o.id), '[]') as refunds,
  coalesce((select json_agg(json_build_object('kind', j.kind, 'reference_id', j.reference_id, 'currency', j.currency,
      'postings', (select json_agg(json_build_object('account', ps.account, 'amount', ps.amount)) from postings ps where ps.entry_id = j.id))
      order by j.id) from journal_entries j where j.order_id = o.id), '[]') as journal
from orders o where o.id = $1 and o.merchant_id = $2`;

const LOCK_ORDER = 'select * from orders where id = $1 and merchant_id = $2 for update';
const ENQUEUE_JOB = `insert into jobs (kind, job_key, payload, run_at, max_attempts, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $6)
     on conflict (job_key) do update set kind = excluded.kind, payload = excluded.payload, run_at = excluded.run_at,
       max_attempts = excluded.max_attempts, attempts = 0, last_error = null, failed_at = null, locked_by = null, locked_until = null,
       updated_at = excluded.updated_at`;
const UPDATE_OPERATION = (table: string) =>
  `update ${table} set status = $2, error_code = $3, error_message = $4, gateway_reference = coalesce($5, gateway_reference), updated_at = $6 where id = $1`;
const INSERT_JOURNAL_ENTRY = `with entry as (
       insert into journal_entries (merchant_id, order_id, kind, reference_id, currency, created_at)
       values ($1,$2,$3,$4,$5,$6) returning id)
     insert into postings (entry_id, account, amount)
     select entry.id, p.account, p.amount from entry, unnest($7::text[], $8::bigint[]) as p(account, amount)`;
const SET_ORDER_STATE = 'update orders set state = $2, updated_at = $3 where id = $1';

/**
 * PUT /api/pay/v1/orders/{order_id}/capture with a partial amount and a new reference, on an
 * AUTHORIZED pre-auth order of the sandbox connector, merchant without webhook URL, no Request-ID.
 */
export const CAPTURE_STATEMENTS: Statement[] = [
  // captureOrder, transaction 1: the intent.
  { id: 'begin', sql: 'BEGIN', args: [] },
  {
    id: 'lock_order',
    sql: LOCK_ORDER,
    args: ['orderId', 'merchantId'],
    naive: (rows, v) => {
      v.remainder = Number(rows[0]?.amount) - v.amount;
    },
  },
  { id: 'find_capture_by_reference', sql: 'select * from captures where order_id = $1 and merchant_capture_reference = $2', args: ['orderId', 'captureRef'] },
  {
    id: 'load_aggregate',
    sql: AGGREGATE_SELECT,
    args: ['orderId', 'merchantId'],
    naive: (rows, v) => {
      const payments = rows[0]?.payments as Row[] | undefined;
      v.paymentId = String(payments?.[payments.length - 1]?.id);
    },
  },
  {
    id: 'insert_capture',
    sql: `insert into captures (id, order_id, payment_id, merchant_capture_reference, request_fingerprint, amount, currency, status, created_at, updated_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9)`,
    args: ['captureId', 'orderId', 'paymentId', 'captureRef', 'fingerprint', 'amount', 'currency', lit('INITIATED'), 'now'],
  },
  { id: 'set_order_capture_pending', sql: SET_ORDER_STATE, args: ['orderId', lit('CAPTURE_PENDING'), 'now'] },
  { id: 'enqueue_capture_sync', sql: ENQUEUE_JOB, args: [lit('sync.capture'), 'syncJobKey', 'syncPayload', 'syncRunAt', 'syncMaxAttempts', 'now'] },
  { id: 'commit', sql: 'COMMIT', args: [] },
  // (the sandbox connector answers the capture in process)
  // recordCaptureOutcome, transaction 2: the answer.
  { id: 'begin', sql: 'BEGIN', args: [] },
  { id: 'lock_order', sql: LOCK_ORDER, args: ['orderId', 'merchantId'] },
  {
    id: 'update_capture_succeeded',
    sql: UPDATE_OPERATION('captures'),
    args: ['captureId', lit('SUCCEEDED'), lit(null), lit(null), 'captureGatewayRef', 'now'],
  },
  { id: 'cancel_capture_sync', sql: 'delete from jobs where job_key = $1', args: ['syncJobKey'] },
  {
    id: 'journal_capture',
    sql: INSERT_JOURNAL_ENTRY,
    args: ['merchantId', 'orderId', lit('CAPTURE'), 'captureId', 'currency', 'now', 'captureAccounts', 'captureAmounts'],
  },
  {
    id: 'update_payment_captured',
    sql: `update payments set status = $2, updated_at = $3,
       connector_reference = coalesce($4, connector_reference), challenge_id = coalesce($5, challenge_id),
       error_code = $6, error_message = $7,
       approval_code = coalesce($8, approval_code), rrn = coalesce($9, rrn), acquirer_reference = coalesce($10, acquirer_reference)
     where id = $1`,
    args: ['paymentId', lit('CAPTURED'), 'now', lit(null), lit(null), lit(null), lit(null), lit(null), lit(null), lit(null)],
  },
  { id: 'cancel_auto_void', sql: 'delete from jobs where job_key = $1', args: ['autoVoidJobKey'] },
  {
    id: 'insert_remainder_reversal',
    sql: `insert into reversals (id, order_id, payment_id, kind, amount, currency, status, created_at, updated_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$8)`,
    args: ['reversalId', 'orderId', 'paymentId', lit('REMAINDER'), 'remainder', 'currency', lit('INITIATED'), 'now'],
  },
  {
    id: 'enqueue_remainder_job',
    sql: ENQUEUE_JOB,
    args: [lit('reversal.remainder'), 'remainderJobKey', 'remainderPayload', 'now', 'remainderMaxAttempts', 'now'],
  },
  { id: 'set_order_partially_captured', sql: SET_ORDER_STATE, args: ['orderId', lit('PARTIALLY_CAPTURED'), 'now'] },
  {
    id: 'event_webhook_endpoint',
    sql: 'select webhook_url, webhook_secret_ciphertext, webhook_basic_auth_ciphertext from merchants where id = $1',
    args: ['merchantId'],
  },
  { id: 'commit', sql: 'COMMIT', args: [] },
  // releaseRemainder, tried at once in the request: read, ask the connector, record.
  { id: 'load_aggregate', sql: AGGREGATE_SELECT, args: ['orderId', 'merchantId'] },
  { id: 'begin', sql: 'BEGIN', args: [] },
  { id: 'lock_order', sql: LOCK_ORDER, args: ['orderId', 'merchantId'] },
  { id: 'reversal_status', sql: 'select status from reversals where id = $1', args: ['reversalId'] },
  {
    id: 'update_reversal_succeeded',
    sql: UPDATE_OPERATION('reversals'),
    args: ['reversalId', lit('SUCCEEDED'), lit(null), lit(null), 'reversalGatewayRef', 'now'],
  },
  {
    id: 'journal_reverse',
    sql: INSERT_JOURNAL_ENTRY,
    args: ['merchantId', 'orderId', lit('REVERSE'), 'reversalId', 'currency', 'now', 'reversalAccounts', 'reversalAmounts'],
  },
  { id: 'cancel_remainder_job', sql: 'delete from jobs where job_key = $1', args: ['remainderJobKey'] },
  { id: 'commit', sql: 'COMMIT', args: [] },
  // The answer: the order as it now is.
  { id: 'load_aggregate', sql: AGGREGATE_SELECT, args: ['orderId', 'merchantId'] },
];

export type CaptureVarValues = Record<VarName, unknown> & { amount: number; remainder: number };

/** What the naive handler knows before its first statement: the request and its fixed merchant. */
export interface NaiveCaptureInput {
  orderId: string;
  merchantId: string;
  captureRef: string;
  amount: number;
  /** The sync job's first delay (Holdfast: max(HOLDFAST_SYNC_DELAY, 2 × acquirer timeout) = 10 s by default). */
  syncDelayMs?: number;
}

const randomId = (prefix: string) => `${prefix}_${Math.random().toString(36).slice(2, 12)}${Math.random().toString(36).slice(2, 12)}`;

/** The values as a careful hand-written service would compute them (paymentId and remainder come from the rows, see `naive`). */
export function naiveVars(input: NaiveCaptureInput): CaptureVarValues {
  const now = new Date();
  const captureId = randomId('cap');
  const reversalId = randomId('rev');
  return {
    orderId: input.orderId,
    merchantId: input.merchantId,
    paymentId: undefined,
    captureRef: input.captureRef,
    fingerprint: 'f'.repeat(64),
    captureId,
    reversalId,
    amount: input.amount,
    remainder: 0,
    currency: 'INR',
    now,
    syncRunAt: new Date(now.getTime() + (input.syncDelayMs ?? 10_000)),
    syncJobKey: `sync:${captureId}`,
    syncPayload: JSON.stringify({ merchantId: input.merchantId, orderId: input.orderId, operationId: captureId }),
    syncMaxAttempts: 10,
    remainderJobKey: `remainder:${reversalId}`,
    remainderPayload: JSON.stringify({ merchantId: input.merchantId, orderId: input.orderId, operationId: reversalId }),
    remainderMaxAttempts: 20,
    autoVoidJobKey: `auto-void:${input.orderId}`,
    captureGatewayRef: `cap_${captureId.slice(-14)}`,
    reversalGatewayRef: `rev_${reversalId.slice(-14)}`,
    captureAccounts: ['held', 'merchant'],
    captureAmounts: [-input.amount, input.amount],
    reversalAccounts: ['held', 'customer'],
    get reversalAmounts() {
      return [-this.remainder, this.remainder];
    },
  } as CaptureVarValues;
}

/** Parameter values for one statement. */
export function bindArgs(statement: Statement, vars: CaptureVarValues): unknown[] {
  return statement.args.map((a) => (typeof a === 'string' ? vars[a] : a.literal));
}

// ---------------------------------------------------------------------------------------------
// pgbench: the same list as a script. Distinct orders per transaction come from a per-client
// counter: capture number k = kbase + client_id + nclients × iteration, order number
// i = ibase + (k × stride) mod isize (a permutation of the seeded range, spread over the table),
// the same mapping the HTTP drivers use (bench/lib/orders.ts). Ids are numeric text (seed.ts).
// ---------------------------------------------------------------------------------------------

/** Seeded row ids are decimal text of these bases plus the order number (bench/lib/seed.ts). */
export const ID_BASE = {
  order: 1_000_000_000_000_000_000n,
  payment: 2_000_000_000_000_000_000n,
  capture: 4_000_000_000_000_000_000n,
  reversal: 5_000_000_000_000_000_000n,
  captureGateway: 8_000_000_000_000_000_000n,
  reversalGateway: 9_000_000_000_000_000_000n,
} as const;

/**
 * Each variable is computed per transaction by pgbench (`set`: a pgbench expression, integers
 * only), fixed for the run (`define`: -D), or computed by the server in the statement itself
 * (`sql`: a SQL expression over pgbench variables put in place of the parameter, for the text
 * keys pgbench cannot build, e.g. 'auto-void:' || :orderId; still one round trip).
 */
export type PgbenchVar = { set: string } | { define: string } | { sql: string };

export interface PgbenchContext {
  merchantId: string;
  /** Seeded order amount and the partial capture's amount (minor units). */
  orderAmount: number;
  captureAmount: number;
}

export function pgbenchVars(ctx: PgbenchContext): Record<VarName, PgbenchVar> {
  const remainder = ctx.orderAmount - ctx.captureAmount;
  const fixedNow = '2030-01-01T00:00:00.000Z';
  const payload = (operationId: string) => JSON.stringify({ merchantId: ctx.merchantId, orderId: '1000000000000000000', operationId });
  return {
    orderId: { set: `${ID_BASE.order} + :i` },
    merchantId: { define: ctx.merchantId },
    paymentId: { set: `${ID_BASE.payment} + :i` },
    captureRef: { set: ':k' },
    fingerprint: { define: 'f'.repeat(64) },
    captureId: { set: `${ID_BASE.capture} + :k` },
    reversalId: { set: `${ID_BASE.reversal} + :k` },
    amount: { define: String(ctx.captureAmount) },
    remainder: { define: String(remainder) },
    currency: { define: 'INR' },
    now: { define: fixedNow },
    syncRunAt: { define: '2030-01-01T00:00:10.000Z' },
    syncJobKey: { sql: `'sync:' || :captureId` },
    syncPayload: { define: payload('cap_00000000000000000000') },
    syncMaxAttempts: { define: '10' },
    remainderJobKey: { sql: `'remainder:' || :reversalId` },
    remainderPayload: { define: payload('rev_00000000000000000000') },
    remainderMaxAttempts: { define: '20' },
    autoVoidJobKey: { sql: `'auto-void:' || :orderId` },
    captureGatewayRef: { set: `${ID_BASE.captureGateway} + :k` },
    reversalGatewayRef: { set: `${ID_BASE.reversalGateway} + :k` },
    captureAccounts: { define: '{held,merchant}' },
    captureAmounts: { define: `{${-ctx.captureAmount},${ctx.captureAmount}}` },
    reversalAccounts: { define: '{held,customer}' },
    reversalAmounts: { define: `{${-remainder},${remainder}}` },
  };
}

export const normalizeSql = (sql: string): string => sql.replace(/\s+/g, ' ').trim();

/**
 * The pgbench script and its -D definitions. Variables that are set per transaction but used by
 * no statement are left out of the defines; `iter`, `kbase`, `nclients`, `ibase`, `isize`, `stride` are defined by the caller.
 */
export function pgbenchScript(ctx: PgbenchContext, statements: Statement[] = CAPTURE_STATEMENTS): { script: string; defines: Record<string, string> } {
  const vars = pgbenchVars(ctx);
  const used = new Set<string>();
  const defines: Record<string, string> = {};
  const literalNames = new Map<string, string>();
  const lines: string[] = [];
  const body: string[] = [];
  for (const statement of statements) {
    const sql = normalizeSql(statement.sql).replace(/\$(\d+)/g, (_m, n: string) => {
      const arg = statement.args[Number(n) - 1];
      if (arg === undefined) throw new Error(`${statement.id}: no argument for $${n}`);
      if (typeof arg !== 'string') {
        if (arg.literal === null) return 'NULL';
        const key = JSON.stringify(arg.literal);
        let name = literalNames.get(key);
        if (!name) {
          name = `lit${literalNames.size + 1}`;
          literalNames.set(key, name);
          defines[name] = String(arg.literal);
        }
        return `:${name}`;
      }
      used.add(arg);
      const v = vars[arg];
      if (!('sql' in v)) return `:${arg}`;
      for (const ref of v.sql.matchAll(/:(\w+)/g)) used.add(ref[1]!);
      return `(${v.sql})`;
    });
    if (statement.args.length !== (statement.sql.match(/\$(\d+)/g) ?? []).reduce((m, p) => Math.max(m, Number(p.slice(1))), 0)) {
      throw new Error(`${statement.id}: ${statement.args.length} arguments for the parameters of its SQL`);
    }
    body.push(`-- ${statement.id}`, `${sql};`);
  }
  lines.push(
    '-- Generated from bench/capture-statements.ts by `npm run bench`: the statements of one Holdfast capture.',
    '-- Do not edit; edit capture-statements.ts (and check it with `npx tsx bench/drift-check.ts`).',
    '\\set iter :iter + 1',
    '\\set k :kbase + :client_id + :nclients * (:iter - 1)',
    '\\set i :ibase + (:k * :stride) % :isize',
  );
  for (const name of VAR_NAMES) {
    const v = vars[name];
    if ('set' in v) lines.push(`\\set ${name} ${v.set}`);
    else if ('define' in v && used.has(name)) defines[name] = v.define;
  }
  return { script: `${[...lines, ...body].join('\n')}\n`, defines };
}
