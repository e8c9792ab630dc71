/**
 * THE statements of one Pine Labs partial capture, as Holdfast issues them: the one place the
 * baselines read them from. The pgbench script (bench/capture.pgbench.sql, generated from this
 * list on every run by bench/lib/pgbench-script.ts) and the naive Fastify + pg handler
 * (bench/naive-server.ts) both execute exactly this list, in this order, with these parameters.
 *
 * The list is not copied by hand: bench/lib/render-capture.ts renders it with Holdfast's own code
 * (the order read, then the capture's intent and answer, each one statement guarded by the order's
 * version) and names each parameter after the bench variable whose sentinel it carries, or makes
 * it a literal when it is a domain constant. A value it cannot name stops it with an error, when
 * this module loads. `npx tsx bench/drift-check.ts` still records what a real capture sends and
 * compares it with this list.
 */
import { renderCaptureStatements } from './lib/render-capture.js';
import type { CaptureVarValues, Row, Statement } from './lib/statement-list.js';

export {
  bindArgs,
  lit,
  normalizeSql,
  VAR_NAMES,
  type Arg,
  type CaptureVarValues,
  type Literal,
  type Row,
  type Statement,
  type VarName,
} from './lib/statement-list.js';

/**
 * The naive handler reads from the order what the statements after it need, as Holdfast does:
 * the remainder to release and the payment being captured.
 */
function readOrderForNaive(rows: Row[], v: CaptureVarValues): void {
  const row = rows[0];
  const order = row?.order as Row | undefined;
  v.remainder = Number(order?.amount) - v.amount;
  const payments = (row?.payments ?? []) as Row[];
  v.paymentId = String(payments.filter((p) => p.status === 'AUTHORIZED').at(-1)?.id);
}

/**
 * PUT /api/pay/v1/orders/{order_id}/capture with a partial amount and a new reference, on an
 * AUTHORIZED pre-auth order of the sandbox connector, merchant without webhook URL, no Request-ID:
 * the read, the intent (AUTHORIZED → CAPTURE_PENDING, the capture row and its status-sync job),
 * (the sandbox connector answers the capture, then the release of the remainder, in process) and
 * the answer (→ PARTIALLY_CAPTURED with the capture's and the release's answers, the payment, the
 * ledger, the remainder's release row, the jobs dropped, if the merchant still has no webhook URL).
 * No BEGIN or COMMIT.
 */
export const CAPTURE_STATEMENTS: Statement[] = renderCaptureStatements().map((s) =>
  s.id === 'load_aggregate' ? { ...s, naive: readOrderForNaive } : s,
);

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
    now: now.toISOString(),
    syncRunAt: new Date(now.getTime() + (input.syncDelayMs ?? 10_000)).toISOString(),
    syncJobKey: `sync:${captureId}`,
    syncPayload: JSON.stringify({ merchantId: input.merchantId, orderId: input.orderId, operationId: captureId }),
    syncMaxAttempts: 10,
    autoVoidJobKey: `auto-void:${input.orderId}`,
    captureGatewayRef: `cap_${captureId.slice(-14)}`,
    reversalGatewayRef: `rev_${reversalId.slice(-14)}`,
    // The in-process sandbox answers within a millisecond.
    captureLatencyMs: 0,
    reversalLatencyMs: 0,
    journalRefs: [captureId, reversalId],
    journalCurrencies: ['INR', 'INR'],
    postingRefs: [captureId, captureId, reversalId, reversalId],
    get postingAmounts() {
      return [-input.amount, input.amount, -this.remainder, this.remainder];
    },
  };
}
