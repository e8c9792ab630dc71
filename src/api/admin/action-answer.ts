import type { CoreContext } from '../../core/context.js';
import { orderDetail, type OrderDetail } from '../../core/admin/order-detail.js';
import type { OrderAggregate } from '../../domain/order.js';
import { AdminError } from './admin-error.js';
import { OrderDetailSchema } from './order-schemas.js';

/** What the review and sandbox actions answer: the order as `GET /orders/:id` shows it (docs/admin-api.md `order_detail`). */
export const ActionAnswer = OrderDetailSchema;

export async function actionAnswer(ctx: CoreContext, aggregate: OrderAggregate): Promise<OrderDetail> {
  const detail = await orderDetail(ctx, aggregate.order.id);
  if (!detail) throw new AdminError('not_found', `No order ${aggregate.order.id}`);
  return detail;
}
