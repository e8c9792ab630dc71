import type { OperationOutcome } from '../connectors/gateway.js';
import { journalEntry } from '../domain/ledger.js';
import type { Reversal } from '../domain/order.js';
import { insertJournalEntry, lockOrder, updateOperation } from '../store/orders-repository.js';
import { cancelRemainderReversal, type SyncPayload } from './background.js';
import type { CoreContext } from './context.js';
import { callGateway, callOperation, operationUpdate } from './gateway-call.js';
import { getOrder } from './read-order.js';

/** What a background step concluded: finished, or to be tried again later. */
export type StepResult = 'done' | 'retry';

/**
 * Releases the uncaptured remainder of a partial capture at the gateway, then moves it in the
 * ledger (held → customer). Run from the request right after the capture and, durably, by the job
 * scheduled with it; both may run at once: the connector call is idempotent by the reversal id and
 * the ledger entry is recorded once under the order lock.
 */
export async function releaseRemainder(ctx: CoreContext, payload: SyncPayload): Promise<StepResult> {
  const aggregate = await getOrder(ctx.db, payload.merchantId, payload.orderId);
  const reversal = aggregate.reversals.find((r) => r.id === payload.operationId);
  if (!reversal || reversal.status === 'SUCCEEDED') return 'done';
  const payment = aggregate.payments.find((p) => p.id === reversal.paymentId);
  if (!payment?.connectorReference) return 'done';
  const connector = ctx.connector(payment.connector);
  const request = { operationId: reversal.id, paymentId: payment.id, connectorReference: payment.connectorReference, amount: reversal.amount, currency: reversal.currency, reason: 'remainder' as const };
  let outcome: OperationOutcome =
    reversal.status === 'GATEWAY_PENDING' || reversal.status === 'UNKNOWN'
      ? await callGateway<OperationOutcome>(() => connector.inquire('reverse', request), (reason) => ({ kind: 'unknown', reason }))
      : await callOperation(connector, 'reverse', reversal, payment.connectorReference, 'remainder');
  if (outcome.kind === 'failed' && outcome.code === 'NOT_FOUND') {
    outcome = await callOperation(connector, 'reverse', reversal, payment.connectorReference, 'remainder');
  }
  await ctx.db.transaction((tx) => recordRemainderOutcome(ctx, tx, payload.merchantId, reversal, outcome));
  return outcome.kind === 'succeeded' ? 'done' : 'retry';
}

async function recordRemainderOutcome(ctx: CoreContext, tx: Parameters<typeof lockOrder>[0], merchantId: string, reversal: Reversal, outcome: OperationOutcome) {
  const order = await lockOrder(tx, merchantId, reversal.orderId);
  if (!order) return;
  const rows = await tx.query<{ status: string }>('select status from reversals where id = $1', [reversal.id]);
  if (rows[0]?.status === 'SUCCEEDED') return;
  const now = ctx.clock.now();
  await updateOperation(tx, 'reversals', reversal.id, operationUpdate(outcome), now);
  if (outcome.kind === 'succeeded') {
    await insertJournalEntry(tx, merchantId, order.id, journalEntry('REVERSE', reversal.id, reversal.amount, reversal.currency), now);
    await cancelRemainderReversal(tx, reversal.id);
  }
}
