import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { orderDetail } from '../../core/admin/order-detail.js';
import { searchOrderPage } from '../../core/admin/order-search.js';
import type { CoreContext } from '../../core/context.js';
import { actorOf, assertSeesMerchant, merchantFilter, requireRole } from './access.js';
import { AdminError } from './admin-error.js';
import { AdminErrorSchema, OrderDetailSchema, OrderPageSchema, OrderSearchQuerystring } from './order-schemas.js';

/** `GET /admin/v1/orders` and `GET /admin/v1/orders/:id` (docs/admin-api.md "Orders"), role viewer. */
export async function ordersRoutes(root: FastifyInstance, { ctx }: { ctx: CoreContext }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: AdminErrorSchema, 401: AdminErrorSchema, 403: AdminErrorSchema, 404: AdminErrorSchema };

  app.get(
    '/orders',
    {
      preHandler: requireRole('viewer'),
      schema: {
        summary: 'Search orders',
        tags: ['orders'],
        querystring: OrderSearchQuerystring,
        response: { 200: OrderPageSchema, ...errors },
      },
    },
    async (request) => searchOrderPage(ctx, request.query, merchantFilter(actorOf(request), request.query.merchant_id)),
  );

  app.get(
    '/orders/:id',
    {
      preHandler: requireRole('viewer'),
      schema: {
        summary: 'An order: timeline, ledger, webhooks and links',
        tags: ['orders'],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: OrderDetailSchema, ...errors },
      },
    },
    async (request) => {
      const detail = await orderDetail(ctx, request.params.id);
      if (!detail) throw new AdminError('not_found', 'No such order');
      assertSeesMerchant(actorOf(request), detail.order.merchant_id, 'No such order');
      return detail;
    },
  );
}
