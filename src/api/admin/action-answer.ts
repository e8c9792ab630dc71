import type { CoreContext } from '../../core/context.js';
import { orderDetail, type OrderDetail } from '../../core/admin/order-detail.js';
import type { OrderAggregate } from '../../domain/order.js';
import { AdminError } from './admin-error.js';
import { OrderDetailSchema } from './order-schemas.js';

/**
 * What the review and sandbox actions answer: the order's `order_detail` as it stands after the
 * action (docs/admin-api.md), read after the change committed so it shows the new postings and
 * the webhook the action queued.
 */
export const ActionAnswer = OrderDetailSchema;

export async function actionAnswer(ctx: CoreContext, aggregate: OrderAggregate): Promise<OrderDetail> {
  const detail = await orderDetail(ctx, aggregate.order.id);
  if (!detail) throw new AdminError('not_found', 'No such order');
  return detail;
}
