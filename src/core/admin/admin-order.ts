import type { AdminActor } from '../../domain/operator-roles.js';
import { actorSeesMerchant } from '../../domain/operator-roles.js';
import type { OrderAggregate } from '../../domain/order.js';
import { loadAggregateById } from '../../store/orders-repository.js';
import type { CoreContext } from '../context.js';
import { AdminRefusal } from './refusal.js';

/** An order the actor may see; any other is reported exactly like a missing one (docs/admin-api.md "Roles and scope"). */
export async function orderForActor(ctx: CoreContext, actor: AdminActor, orderId: string): Promise<OrderAggregate> {
  const read = await loadAggregateById(ctx.db, orderId);
  if (!read || !actorSeesMerchant(actor, read.order.merchantId)) throw new AdminRefusal('not_found', `No order ${orderId}`);
  return read;
}
