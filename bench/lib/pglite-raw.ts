/**
 * PGlite's own limit for the capture: the bench's statement list (bench/capture-statements.ts)
 * run one capture after another in the bench process, on the same Db as Holdfast's
 * (src/store/pglite-db.ts, so named prepared statements), with the values pgbench binds
 * (bench/lib/pgbench-script.ts): no HTTP, no authentication, no rendering. PGlite is one
 * connection, so one loop is all it can do at a time.
 */
import { performance } from 'node:perf_hooks';
import type { Db } from '../../src/store/db.js';
import { CAPTURE_STATEMENTS } from '../capture-statements.js';
import type { OrderRange } from './orders.js';
import { CAPTURE_AMOUNT, ID_BASE, ORDER_AMOUNT } from './seed.js';
import { bindArgs, type CaptureVarValues } from './statement-list.js';

export interface RawLoopResult {
  /** Captures (the whole statement list) per second. */
  capturesPerS: number;
  captures: number;
  durationS: number;
  /** The range ran out of seeded orders before the time was up. */
  exhausted: boolean;
}

const FIXED_NOW = '2030-01-01T00:00:00.000Z';

/** The values of capture number `k` of order number `i`, as pgbench computes them (bench/lib/pgbench-script.ts pgbenchVars). */
export function rawCaptureVars(merchantId: string, i: number, k: number): CaptureVarValues {
  const id = (base: bigint, n: number) => String(base + BigInt(n));
  const orderId = id(ID_BASE.order, i);
  const captureId = id(ID_BASE.capture, k);
  const reversalId = id(ID_BASE.reversal, k);
  const remainder = ORDER_AMOUNT - CAPTURE_AMOUNT;
  return {
    orderId,
    merchantId,
    paymentId: id(ID_BASE.payment, i),
    captureRef: String(k),
    fingerprint: 'f'.repeat(64),
    captureId,
    reversalId,
    amount: CAPTURE_AMOUNT,
    remainder,
    currency: 'INR',
    now: FIXED_NOW,
    syncRunAt: '2030-01-01T00:00:10.000Z',
    syncJobKey: `sync:${captureId}`,
    syncPayload: JSON.stringify({ merchantId, orderId: '1000000000000000000', operationId: 'cap_00000000000000000000' }),
    syncMaxAttempts: 10,
    autoVoidJobKey: `auto-void:${orderId}`,
    captureGatewayRef: id(ID_BASE.captureGateway, k),
    reversalGatewayRef: id(ID_BASE.reversalGateway, k),
    captureLatencyMs: 0,
    reversalLatencyMs: 0,
    journalRefs: [captureId, reversalId],
    journalCurrencies: ['INR', 'INR'],
    postingRefs: [captureId, captureId, reversalId, reversalId],
    postingAmounts: [-CAPTURE_AMOUNT, CAPTURE_AMOUNT, -remainder, remainder],
  };
}

/** Captures of `range`'s orders, one after another, for `durationS` seconds. Each capture must move its order on. */
export async function rawCaptureLoop(db: Db, merchantId: string, range: OrderRange, durationS: number): Promise<RawLoopResult> {
  const startedAt = performance.now();
  const endAt = startedAt + durationS * 1000;
  let captures = 0;
  let exhausted = false;
  while (performance.now() < endAt) {
    const k = range.used;
    const i = range.next();
    if (i === undefined) {
      exhausted = true;
      break;
    }
    const vars = rawCaptureVars(merchantId, i, k);
    for (const statement of CAPTURE_STATEMENTS) {
      const rows = await db.query<{ matched?: number }>(statement.sql, bindArgs(statement, vars));
      // A guarded write that matched no order would be a cheaper, wrong measurement.
      const matched = rows[0]?.matched;
      if (matched !== undefined && matched !== 1)
        throw new Error(`raw PGlite loop: ${statement.id} matched ${matched} orders for order ${i}`);
    }
    captures++;
  }
  const elapsedS = (performance.now() - startedAt) / 1000;
  return { capturesPerS: captures / elapsedS, captures, durationS: elapsedS, exhausted };
}
