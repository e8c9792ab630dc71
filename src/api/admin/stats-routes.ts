import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseStatsRange, stats } from '../../core/admin/stats.js';
import type { CoreContext } from '../../core/context.js';
import { actorOf, merchantFilter, requireRole } from './access.js';
import { AdminErrorSchema } from './order-schemas.js';

const Count = Type.Integer({ minimum: 0 });
const NInstant = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const Rate = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
  description: 'succeeded / made in the range; null when none',
});

export const StatsQuerystring = Type.Object(
  {
    merchant_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    range: Type.Optional(Type.String({ description: '24h (hourly buckets, default), 7d or 30d (daily)', maxLength: 10 })),
  },
  { additionalProperties: false },
);

export const StatsSchema = Type.Object({
  range: Type.Union([Type.Literal('24h'), Type.Literal('7d'), Type.Literal('30d')]),
  bucket: Type.Union([Type.Literal('hour'), Type.Literal('day')]),
  series: Type.Array(
    Type.Object({
      bucket_start: Type.String({ format: 'date-time' }),
      authorizations: Count,
      authorizations_succeeded: Count,
      captures: Count,
      captures_succeeded: Count,
      voids: Count,
      refunds: Count,
    }),
  ),
  authorization_success_rate: Rate,
  capture_success_rate: Rate,
  held: Type.Array(Type.Object({ currency: Type.String(), amount: Type.Integer() })),
  pending_at_gateway: Count,
  in_review: Count,
  webhooks: Type.Object({ delivered: Count, failed: Count, pending: Count, oldest_pending_at: NInstant }),
  jobs: Type.Object({ due: Count, running: Count, failed: Count, oldest_due_at: NInstant }),
});

/** `GET /admin/v1/stats` (docs/admin-api.md "Home, jobs and audit"), role viewer. */
export async function statsRoutes(root: FastifyInstance, { ctx }: { ctx: CoreContext }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/stats',
    {
      preHandler: requireRole('viewer'),
      schema: {
        summary: 'Home figures: operations, success rates, money held, queues',
        tags: ['stats'],
        querystring: StatsQuerystring,
        response: { 200: StatsSchema, 400: AdminErrorSchema, 401: AdminErrorSchema, 403: AdminErrorSchema },
      },
    },
    async (request) => stats(ctx, parseStatsRange(request.query.range), merchantFilter(actorOf(request), request.query.merchant_id)),
  );
}
