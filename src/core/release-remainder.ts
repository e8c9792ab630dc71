import type { OperationOutcome } from '../connectors/gateway.js';
import { journalEntry } from '../domain/ledger.js';
import type { Payment, Reversal } from '../domain/order.js';
import { GuardedWrite } from '../store/guarded-write.js';
import { guardOperationUpdate, insertJournalEntriesIn, loadReversalForRelease } from '../store/order-writes.js';
import { cancelRemainderReversalIn, type SyncPayload } from './background.js';
import type { CoreContext } from './context.js';
import { callGateway, callOperation, operationUpdate } from './gateway-call.js';

/** What a background step concluded: finished, or to be tried again later. */
export type StepResult = 'done' | 'retry';

/** The reversal and the payment it releases, when the caller has just written them (the capture). */
export interface KnownRemainder {
  reversal: Reversal;
  payment: Pick<Payment, 'connector' | 'connectorReference'>;
}

/**
 * Releases the uncaptured remainder of a partial capture at the gateway, then moves it in the
 * ledger (held → customer). Run from the request right after the capture and, durably, by the job
 * scheduled with it; both may run at once: the connector call is idempotent by the reversal id and
 * the answer is recorded by one statement guarded on the reversal not being SUCCEEDED yet, so the
 * ledger entry is made once.
 */
export async function releaseRemainder(ctx: CoreContext, payload: SyncPayload, known?: KnownRemainder): Promise<StepResult> {
  const found = known ?? (await loadReversalForRelease(ctx.db, payload.merchantId, payload.operationId));
  const connectorReference = found?.payment.connectorReference;
  if (!found || found.reversal.status === 'SUCCEEDED' || !connectorReference) return 'done';
  const { reversal, payment } = found;
  const connector = ctx.connector(payment.connector);
  const request = {
    operationId: reversal.id,
    paymentId: reversal.paymentId,
    connectorReference,
    amount: reversal.amount,
    currency: reversal.currency,
    reason: 'remainder' as const,
  };
  let outcome: OperationOutcome =
    reversal.status === 'GATEWAY_PENDING' || reversal.status === 'UNKNOWN'
      ? await callGateway<OperationOutcome>(
          () => connector.inquire('reverse', request),
          (reason) => ({ kind: 'unknown', reason }),
        )
      : await callOperation(connector, 'reverse', reversal, connectorReference, 'remainder');
  if (outcome.kind === 'failed' && outcome.code === 'NOT_FOUND') {
    outcome = await callOperation(connector, 'reverse', reversal, connectorReference, 'remainder');
  }
  await recordRemainderOutcome(ctx, payload.merchantId, reversal, outcome);
  return outcome.kind === 'succeeded' ? 'done' : 'retry';
}

async function recordRemainderOutcome(ctx: CoreContext, merchantId: string, reversal: Reversal, outcome: OperationOutcome): Promise<void> {
  const now = ctx.clock.now();
  const write = new GuardedWrite();
  guardOperationUpdate(write, 'reversals', reversal.id, operationUpdate(outcome), now, 'SUCCEEDED');
  if (outcome.kind === 'succeeded') {
    insertJournalEntriesIn(
      write,
      merchantId,
      reversal.orderId,
      [journalEntry('REVERSE', reversal.id, reversal.amount, reversal.currency)],
      now,
    );
    cancelRemainderReversalIn(write, reversal.id);
  }
  await write.run(ctx.db);
}
