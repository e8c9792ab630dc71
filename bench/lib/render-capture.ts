/**
 * The statements of one Pine Labs partial capture, rendered by Holdfast's own code rather than
 * copied: the order read (src/store/orders-repository.ts aggregateQuery), then captureSpec's
 * decide, intent and answer (src/core/operations/capture.ts) on the synthetic capture of
 * bench/lib/synthetic-capture.ts, each write rendered as the pipeline renders it
 * (src/core/operations/order-write.ts orderStatement, plus the event sink's silent condition for a
 * write with an event, as withEvent adds it there). Each parameter is then named: a sentinel's
 * value is that bench variable, a domain constant (state, status, kind, account name, job kind,
 * null, the order's version before and after) is a literal, anything else throws: the capture
 * sends a value the bench does not know how to compute.
 */
import { captureSpec } from '../../src/core/operations/capture.js';
import { orderStatement, type OrderWrite } from '../../src/core/operations/order-write.js';
import { applyChange } from '../../src/domain/order-change.js';
import { ORDER_STATES } from '../../src/domain/order-state.js';
import { aggregateQuery } from '../../src/store/orders-repository.js';
import { jsonText } from './checks.js';
import { lit, VAR_NAMES, type Arg, type Statement, type VarName } from './statement-list.js';
import { SENTINEL_MARK, syntheticCapture, variableValues, type SyntheticCapture } from './synthetic-capture.js';

/**
 * Names from the domain's closed sets (src/domain/order-state.ts, src/domain/order.ts operation
 * and payment statuses and reversal kinds, src/domain/ledger.ts journal kinds and accounts,
 * src/core/scheduled-jobs.ts job kinds): the same in every capture, so the bench passes them as
 * literals.
 */
const DOMAIN_NAMES: ReadonlySet<string> = new Set([
  ...ORDER_STATES,
  ...['INITIATED', 'GATEWAY_PENDING', 'UNKNOWN', 'SUCCEEDED', 'FAILED'],
  ...['PENDING', 'AUTHORIZED', 'CAPTURED', 'VOIDED'],
  ...['VOID', 'AUTO_VOID', 'REMAINDER'],
  ...['AUTHORIZE', 'CAPTURE', 'REVERSE', 'REFUND'],
  ...['customer', 'held', 'merchant'],
  ...['sync.capture', 'sync.reversal', 'sync.refund', 'sync.authorization', 'order.auto_void', 'reversal.remainder'],
]);

/** A value's identity for matching: JSON objects (the jobs' payloads) compared whatever their key order. */
function key(value: unknown): string {
  if (typeof value === 'string' && value.startsWith('{')) {
    try {
      const parsed = JSON.parse(value) as Record<string, unknown>;
      return `json:${JSON.stringify(Object.fromEntries(Object.entries(parsed).sort(([a], [b]) => a.localeCompare(b))))}`;
    } catch {
      // not JSON: compared as text
    }
  }
  return jsonText(value) ?? String(value);
}

interface Namer {
  name(statement: string, params: unknown[]): Arg[];
}

function namer(variables: Record<VarName, unknown>, versions: readonly number[], marks: readonly string[]): Namer {
  const byValue = new Map<string, VarName>();
  for (const name of VAR_NAMES) {
    const k = key(variables[name]);
    const other = byValue.get(k);
    if (other) throw new Error(`bench/lib/synthetic-capture.ts: variables ${other} and ${name} have the same sentinel ${k}`);
    byValue.set(k, name);
  }
  const isConstant = (v: unknown): boolean =>
    v === null ||
    (typeof v === 'string' && DOMAIN_NAMES.has(v)) ||
    (typeof v === 'number' && versions.includes(v)) ||
    (Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'string' && DOMAIN_NAMES.has(e)));
  return {
    name(statement, params) {
      return params.map((value, i) => {
        const where = `${statement} $${i + 1} = ${JSON.stringify(value)}`;
        const variable = byValue.get(key(value));
        if (variable !== undefined) {
          if (isConstant(value)) throw new Error(`${where}: both the sentinel of ${variable} and a constant; choose another sentinel`);
          return variable;
        }
        const text = jsonText(value) ?? '';
        const mark = marks.find((m) => text.includes(m));
        if (mark !== undefined) {
          throw new Error(
            `${where}: built from a sentinel (${mark}) but equal to no bench variable: Holdfast computes this value differently now; ` +
              'update variableValues (bench/lib/synthetic-capture.ts), naiveVars (bench/capture-statements.ts) and pgbenchVars (bench/lib/pgbench-script.ts)',
          );
        }
        if (isConstant(value)) return lit(value as string | number | null | string[]);
        throw new Error(
          `${where}: neither a bench variable's sentinel nor a known constant: the capture now sends a value the bench cannot compute; ` +
            'name it in VAR_NAMES (bench/lib/statement-list.ts), variableValues, naiveVars and pgbenchVars, or, if it is a constant, in DOMAIN_NAMES (bench/lib/render-capture.ts)',
        );
      });
    },
  };
}

/** The statement of a write as the pipeline sends it (order-write.ts writeOrder/withNotification, the single-statement path). */
function renderWrite(s: SyntheticCapture, write: OrderWrite): { sql: string; params: unknown[] } {
  if (write.requestKey) throw new Error('the synthetic capture has no Request-ID, yet the write claims one');
  const statement = orderStatement(s.target, write, s.now);
  if (write.notify) {
    const notifications = s.ctx.notifications;
    if (!notifications.silentCondition) throw new Error('the synthetic context has no silent condition');
    statement.alsoRequire(notifications.silentCondition(write.notify.merchantId));
  }
  return statement.toQuery();
}

/** The capture's statements, generated: read, intent, answer. Throws on any parameter it cannot name. */
export function renderCaptureStatements(): Statement[] {
  const s = syntheticCapture();
  const decision = captureSpec.decide(s.read, s.input, s.ctx, s.now);
  if (decision.kind !== 'start') throw new Error(`the synthetic capture was not started: ${decision.kind}`);
  const { plan } = decision;
  const intent = captureSpec.intent(s.read, plan, s.input, s.ctx, s.now);
  const started = applyChange(s.read, intent.change, s.now);
  const answer = captureSpec.answer(started, plan, s.outcome, s.ctx, s.now);
  if (!answer) throw new Error('the synthetic capture recorded no answer');

  const captureId = plan.capture.id;
  const version = s.read.order.version;
  const names = namer(
    variableValues(captureId, s.now),
    [version, version + 1],
    [SENTINEL_MARK, captureId.slice(captureId.indexOf('_') + 1)],
  );
  const named = (id: string, { sql, params }: { sql: string; params: unknown[] }): Statement => ({ id, sql, args: names.name(id, params) });
  return [
    named('load_aggregate', aggregateQuery(s.target.merchantId, s.target.orderId)),
    named('write_capture_intent', renderWrite(s, intent)),
    named('write_capture_answer', renderWrite(s, answer)),
  ];
}
