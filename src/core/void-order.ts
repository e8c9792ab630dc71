import type { OperationOutcome } from '../connectors/gateway.js';
import { HoldfastError, invalidState, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { journalEntry, ledgerTotals } from '../domain/ledger.js';
import { currentPayment, initiatedOperation, type OrderAggregate, type Reversal, type ReversalKind } from '../domain/order.js';
import { nextState } from '../domain/order-state.js';
import type { Queryable } from '../store/db.js';
import {
  insertJournalEntry,
  insertReversal,
  lockOrder,
  setOrderState,
  updateOperation,
  updatePayment,
} from '../store/orders-repository.js';
import { cancelAutoVoid, cancelStatusSync, scheduleStatusSync } from './background.js';
import type { CoreContext } from './context.js';
import { callOperation, operationUpdate } from './gateway-call.js';
import { getOrder } from './read-order.js';
import { recordRequestKey, type RequestKey } from './request-key.js';

export interface VoidOrderInput {
  merchantId: string;
  orderId: string;
  requestKey?: RequestKey;
  /** VOID when the merchant asks; AUTO_VOID when the capture window closes. */
  kind?: Extract<ReversalKind, 'VOID' | 'AUTO_VOID'>;
}

/**
 * Releases an authorization: persists the void intent (VOID_PENDING), asks the gateway, records
 * the answer: success → VOIDED with the held amount reversed; failure → VOID_FAILED (the
 * authorization stands); pending or timeout → stays VOID_PENDING.
 */
export async function voidOrder(ctx: CoreContext, input: VoidOrderInput): Promise<OrderAggregate> {
  const now = ctx.clock.now();
  const started = await ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, input.merchantId, input.orderId);
    if (!order) throw notFound('order');
    if (!order.preAuth)
      throw new HoldfastError('invalid_state', 'only orders created with pre_auth can be cancelled', {
        operation: 'void',
        state: order.state,
        requires: 'pre_auth',
      });
    const state = nextState(order.state, 'void_requested');
    if (!state) throw invalidState('void', order.state);
    const aggregate = await getOrder(tx, order.merchantId, order.id);
    const payment = currentPayment(aggregate);
    const held = ledgerTotals(aggregate.journal).held;
    if (!payment || payment.status !== 'AUTHORIZED' || !payment.connectorReference || held <= 0) throw invalidState('void', order.state);
    const reversal: Reversal = {
      ...initiatedOperation({ id: newId('rev'), orderId: order.id, paymentId: payment.id, amount: held, currency: order.currency }, now),
      kind: input.kind ?? 'VOID',
    };
    await insertReversal(tx, reversal);
    await setOrderState(tx, order.id, state, now);
    await scheduleStatusSync(
      tx,
      'reversal',
      { merchantId: order.merchantId, orderId: order.id, operationId: reversal.id },
      ctx.syncPolicy,
      now,
    );
    await recordRequestKey(tx, input.merchantId, input.requestKey, order.id, now);
    return { reversal, connectorReference: payment.connectorReference, connector: payment.connector };
  });

  const { reversal } = started;
  const outcome = await callOperation(ctx.connector(started.connector), 'reverse', reversal, started.connectorReference, 'void');
  await ctx.db.transaction((tx) => recordVoidOutcome(ctx, tx, input.merchantId, reversal, outcome));
  return getOrder(ctx.db, input.merchantId, input.orderId);
}

/** Records a void answer; idempotent once the order has left VOID_PENDING. */
export async function recordVoidOutcome(
  ctx: CoreContext,
  tx: Queryable,
  merchantId: string,
  reversal: Reversal,
  outcome: OperationOutcome,
): Promise<void> {
  const order = await lockOrder(tx, merchantId, reversal.orderId);
  if (!order || order.state !== 'VOID_PENDING') return;
  const now = ctx.clock.now();
  await updateOperation(tx, 'reversals', reversal.id, operationUpdate(outcome), now);
  if (outcome.kind === 'succeeded' || outcome.kind === 'failed') await cancelStatusSync(tx, reversal.id);
  if (outcome.kind === 'failed') {
    await setOrderState(tx, order.id, 'VOID_FAILED', now);
    await ctx.events.record(tx, { type: 'void.failed', merchantId, orderId: order.id }, now);
  } else if (outcome.kind === 'succeeded') {
    await insertJournalEntry(tx, merchantId, order.id, journalEntry('REVERSE', reversal.id, reversal.amount, reversal.currency), now);
    await updatePayment(tx, reversal.paymentId, { status: 'VOIDED' }, now);
    await cancelAutoVoid(tx, order.id);
    await setOrderState(tx, order.id, 'VOIDED', now);
    await ctx.events.record(tx, { type: 'void.succeeded', merchantId, orderId: order.id }, now);
  }
}
