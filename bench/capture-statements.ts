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
  'autoVoidJobKey',
  'captureGatewayRef',
  'reversalGatewayRef',
  'journalKinds',
  'journalRefs',
  'journalCurrencies',
  'postingKinds',
  'postingRefs',
  'postingAccounts',
  'postingAmounts',
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

/** jobs-repository.ts REPLACE_PENDING_JOB: enqueuing a key again replaces the pending job. */
const REPLACE_PENDING_JOB = `on conflict (job_key) do update set kind = excluded.kind, payload = excluded.payload, run_at = excluded.run_at,
  max_attempts = excluded.max_attempts, attempts = 0, last_error = null, failed_at = null, locked_by = null, locked_until = null,
  updated_at = excluded.updated_at`;

/**
 * PUT /api/pay/v1/orders/{order_id}/capture with a partial amount and a new reference, on an
 * AUTHORIZED pre-auth order of the sandbox connector, merchant without webhook URL, no Request-ID.
 * Each write is one GuardedWrite statement (src/store/guarded-write.ts): no BEGIN or COMMIT.
 */
export const CAPTURE_STATEMENTS: Statement[] = [
  // captureOrder: the order as it is, without a lock (the writes are guarded instead).
  {
    id: 'load_aggregate',
    sql: AGGREGATE_SELECT,
    args: ['orderId', 'merchantId'],
    naive: (rows, v) => {
      const row = rows[0];
      const order = row?.order as Row | undefined;
      v.remainder = Number(order?.amount) - v.amount;
      const payments = (row?.payments ?? []) as Row[];
      v.paymentId = String(payments.filter((p) => p.status === 'AUTHORIZED').at(-1)?.id);
    },
  },
  // The intent: AUTHORIZED → CAPTURE_PENDING, the capture row and its status-sync job, if the order is still AUTHORIZED.
  {
    id: 'write_capture_intent',
    sql: `with guard as (update orders set state = $4::text, updated_at = $5::timestamptz
        where id = $1::text and merchant_id = $2::text and state = $3::text returning id),
      w1 as (insert into captures (id, order_id, payment_id, merchant_capture_reference, request_fingerprint, amount, currency, status, created_at, updated_at)
        select $6::text, $7::text, $8::text, $9::text, $10::text, $11::bigint, $12::text, $13::text, $14::timestamptz, $15::timestamptz from guard),
      w2 as (insert into jobs (kind, job_key, payload, run_at, max_attempts, created_at, updated_at)
        select $17::text, $18::text, $19::jsonb, $20::timestamptz, $21::int, $16::timestamptz, $16::timestamptz from guard
        ${REPLACE_PENDING_JOB})
      select count(*)::int as matched from guard`,
    args: [
      'orderId',
      'merchantId',
      lit('AUTHORIZED'),
      lit('CAPTURE_PENDING'),
      'now',
      'captureId',
      'orderId',
      'paymentId',
      'captureRef',
      'fingerprint',
      'amount',
      'currency',
      lit('INITIATED'),
      'now',
      'now',
      'now',
      lit('sync.capture'),
      'syncJobKey',
      'syncPayload',
      'syncRunAt',
      'syncMaxAttempts',
    ],
  },
  // (the sandbox connector answers the capture, then the release of the remainder, in process)
  // The answer: CAPTURE_PENDING → PARTIALLY_CAPTURED with the capture's and the release's ledger
  // entries, the payment, the remainder reversal as released, if the capture is still pending and
  // the merchant has no webhook URL (else: a transaction with the event).
  {
    id: 'write_capture_outcome',
    sql: `with guard as (update orders set state = $4::text, updated_at = $5::timestamptz
        where id = $1::text and merchant_id = $2::text and state = $3::text
          and coalesce((select webhook_url from merchants where id = $39::text), '') = '' returning id),
      w1 as (update captures set status = $6::text, error_code = $7::text, error_message = $8::text,
          gateway_reference = coalesce($9::text, gateway_reference), updated_at = $10::timestamptz
        where id = $11::text and exists (select from guard)),
      w2 as (delete from jobs where job_key = $12::text and exists (select from guard)),
      w3 as (insert into journal_entries (merchant_id, order_id, kind, reference_id, currency, created_at)
        select $13::text, $14::text, e.kind, e.reference_id, e.currency, $15::timestamptz
        from guard, unnest($16::text[], $17::text[], $18::text[]) with ordinality as e(kind, reference_id, currency, n)
        order by e.n returning id, kind, reference_id),
      w4 as (insert into postings (entry_id, account, amount)
        select h.id, p.account, p.amount from w3 h
        join unnest($19::text[], $20::text[], $21::text[], $22::bigint[]) as p(kind, reference_id, account, amount)
          on p.kind = h.kind and p.reference_id = h.reference_id),
      w5 as (update payments set status = $23::text, updated_at = $24::timestamptz where id = $25::text and exists (select from guard)),
      w6 as (delete from jobs where job_key = $26::text and exists (select from guard)),
      w7 as (insert into reversals (id, order_id, payment_id, kind, amount, currency, status, error_code, error_message, gateway_reference, created_at, updated_at)
        select $27::text, $28::text, $29::text, $30::text, $31::bigint, $32::text, $33::text, $34::text, $35::text, $36::text,
          $37::timestamptz, $38::timestamptz from guard)
      select count(*)::int as matched from guard`,
    args: [
      'orderId',
      'merchantId',
      lit('CAPTURE_PENDING'),
      lit('PARTIALLY_CAPTURED'),
      'now',
      lit('SUCCEEDED'),
      lit(null),
      lit(null),
      'captureGatewayRef',
      'now',
      'captureId',
      'syncJobKey',
      'merchantId',
      'orderId',
      'now',
      'journalKinds',
      'journalRefs',
      'journalCurrencies',
      'postingKinds',
      'postingRefs',
      'postingAccounts',
      'postingAmounts',
      lit('CAPTURED'),
      'now',
      'paymentId',
      'autoVoidJobKey',
      'reversalId',
      'orderId',
      'paymentId',
      lit('REMAINDER'),
      'remainder',
      'currency',
      lit('SUCCEEDED'),
      lit(null),
      lit(null),
      'reversalGatewayRef',
      'now',
      'now',
      'merchantId',
    ],
  },
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
  const reversalId = `rev_${captureId.slice(4)}`;
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
    autoVoidJobKey: `auto-void:${input.orderId}`,
    captureGatewayRef: `cap_${captureId.slice(-14)}`,
    reversalGatewayRef: `rev_${reversalId.slice(-14)}`,
    journalKinds: ['CAPTURE', 'REVERSE'],
    journalRefs: [captureId, reversalId],
    journalCurrencies: ['INR', 'INR'],
    postingKinds: ['CAPTURE', 'CAPTURE', 'REVERSE', 'REVERSE'],
    postingRefs: [captureId, captureId, reversalId, reversalId],
    postingAccounts: ['held', 'merchant', 'held', 'customer'],
    get postingAmounts() {
      return [-input.amount, input.amount, -this.remainder, this.remainder];
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
    autoVoidJobKey: { sql: `'auto-void:' || :orderId` },
    captureGatewayRef: { set: `${ID_BASE.captureGateway} + :k` },
    reversalGatewayRef: { set: `${ID_BASE.reversalGateway} + :k` },
    journalKinds: { define: '{CAPTURE,REVERSE}' },
    journalRefs: { sql: 'array[(:captureId)::text, (:reversalId)::text]' },
    journalCurrencies: { define: '{INR,INR}' },
    postingKinds: { define: '{CAPTURE,CAPTURE,REVERSE,REVERSE}' },
    postingRefs: { sql: 'array[(:captureId)::text, (:captureId)::text, (:reversalId)::text, (:reversalId)::text]' },
    postingAccounts: { define: '{held,merchant,held,customer}' },
    postingAmounts: { define: `{${-ctx.captureAmount},${ctx.captureAmount},${-remainder},${remainder}}` },
  };
}

export const normalizeSql = (sql: string): string => sql.replace(/\s+/g, ' ').trim();

/**
 * The pgbench script and its -D definitions. Variables that are set per transaction but used by
 * no statement are left out of the defines; `iter`, `kbase`, `nclients`, `ibase`, `isize`, `stride` are defined by the caller.
 */
export function pgbenchScript(
  ctx: PgbenchContext,
  statements: Statement[] = CAPTURE_STATEMENTS,
): { script: string; defines: Record<string, string> } {
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
