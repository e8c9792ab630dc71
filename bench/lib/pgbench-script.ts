/**
 * pgbench: the bench's statement list (bench/capture-statements.ts) as a script. Distinct orders
 * per transaction come from a per-client counter: capture number k = kbase + client_id +
 * nclients × iteration, order number i = ibase + (k × stride) mod isize (a permutation of the
 * seeded range, spread over the table), the same mapping the HTTP drivers use (bench/lib/orders.ts).
 * Ids are numeric text (bench/lib/seed.ts).
 */
import { CAPTURE_STATEMENTS } from '../capture-statements.js';
import { defined } from './checks.js';
import { ID_BASE } from './seed.js';
import { normalizeSql, VAR_NAMES, type LiteralValue, type Statement, type VarName } from './statement-list.js';

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
    captureLatencyMs: { define: '0' },
    reversalLatencyMs: { define: '0' },
    journalRefs: { sql: 'array[(:captureId)::text, (:reversalId)::text]' },
    journalCurrencies: { define: '{INR,INR}' },
    postingRefs: { sql: 'array[(:captureId)::text, (:captureId)::text, (:reversalId)::text, (:reversalId)::text]' },
    postingAmounts: { define: `{${-ctx.captureAmount},${ctx.captureAmount},${-remainder},${remainder}}` },
  };
}

/** A literal as a -D value: arrays in PostgreSQL's array syntax (their elements are plain names). */
function defineValue(literal: Exclude<LiteralValue, null>): string {
  if (!Array.isArray(literal)) return String(literal);
  for (const e of literal) if (!/^[\w.-]+$/.test(String(e))) throw new Error(`array literal element ${JSON.stringify(e)} needs quoting`);
  return `{${literal.join(',')}}`;
}

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
          defines[name] = defineValue(arg.literal);
        }
        return `:${name}`;
      }
      used.add(arg);
      const v = vars[arg];
      if (!('sql' in v)) return `:${arg}`;
      for (const ref of v.sql.matchAll(/:(\w+)/g)) used.add(defined(ref[1], 'the variable name of a :reference'));
      return `(${v.sql})`;
    });
    if (statement.args.length !== (statement.sql.match(/\$(\d+)/g) ?? []).reduce((m, p) => Math.max(m, Number(p.slice(1))), 0)) {
      throw new Error(`${statement.id}: ${statement.args.length} arguments for the parameters of its SQL`);
    }
    body.push(`-- ${statement.id}`, `${sql};`);
  }
  lines.push(
    "-- Generated by `npm run bench` from bench/capture-statements.ts (itself rendered by Holdfast's code): the statements of one capture.",
    '-- Do not edit; check the list with `npx tsx bench/drift-check.ts`.',
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
