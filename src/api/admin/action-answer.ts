import { Type, type Static } from '@sinclair/typebox';
import type { CoreContext } from '../../core/context.js';
import type { PendingOperation } from '../../core/admin/pending-operations.js';
import type { OrderAggregate } from '../../domain/order.js';
import { Nullable } from './schema-parts.js';

/**
 * What the review and sandbox actions answer: the order's id and state, and what the action
 * changed. docs/admin-api.md promises an `order_detail`; this is the one place that will answer it
 * instead (schema and function together).
 */
export const ActionAnswer = Type.Object({
  order_id: Type.String(),
  state: Type.String(),
  changed: Type.Object({
    operation: Type.Optional(
      Type.Object({ id: Type.String(), kind: Type.String(), status: Type.String(), gateway_reference: Nullable(Type.String()) }),
    ),
    capture_deadline: Type.Optional(Type.String({ format: 'date-time' })),
  }),
});

export async function actionAnswer(
  _ctx: CoreContext,
  aggregate: OrderAggregate,
  changed: { operation?: PendingOperation; captureDeadline?: Date },
): Promise<Static<typeof ActionAnswer>> {
  const body: Static<typeof ActionAnswer> = { order_id: aggregate.order.id, state: aggregate.order.state, changed: {} };
  if (changed.operation) {
    const { id, kind } = changed.operation;
    const payment = aggregate.payments.find((p) => p.id === id);
    const row = [...aggregate.captures, ...aggregate.reversals, ...aggregate.refunds].find((o) => o.id === id);
    body.changed.operation = {
      id,
      kind,
      status: payment?.status ?? row?.status ?? 'UNKNOWN',
      gateway_reference: payment ? payment.connectorReference : (row?.gatewayReference ?? null),
    };
  }
  if (changed.captureDeadline) body.changed.capture_deadline = changed.captureDeadline.toISOString();
  return body;
}
