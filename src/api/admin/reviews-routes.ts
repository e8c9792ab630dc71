import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import { listReviews, resolveReview, type ReviewItem } from '../../core/admin/review-resolution.js';
import { actorOf, merchantFilter, requestIdOf, requireRole } from './access.js';
import { ActionAnswer, actionAnswer } from './action-answer.js';
import { AdminError } from './admin-error.js';
import { orRefused } from './refusals.js';
import { ADMIN_ERROR_RESPONSES, IdParam, LimitParam, Nullable, pageSize } from './schema-parts.js';

const ReviewOperation = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'authorization, capture, void, remainder_release or refund' }),
  amount: Type.Integer({ description: 'minor units' }),
  currency: Type.String(),
  status: Type.String(),
});

const Review = Type.Object({
  order_id: Type.String(),
  merchant_id: Type.String(),
  state: Type.String(),
  reason: Type.String(),
  flagged_at: Type.String({ format: 'date-time' }),
  operations: Type.Array(ReviewOperation),
});

const ReviewsQuery = Type.Object(
  {
    merchant_id: Type.Optional(IdParam),
    limit: Type.Optional(LimitParam),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

const ResolveBody = Type.Object(
  {
    operation_id: IdParam,
    outcome: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
    reason: Type.String({ minLength: 10, maxLength: 500 }),
    gateway_reference: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** Keyset cursors of the queue: the last change and id of a page's last order, opaque to callers. */
const encodeCursor = (item: ReviewItem) => Buffer.from(JSON.stringify([item.updatedAt.toISOString(), item.orderId])).toString('base64url');

function decodeCursor(cursor: string): { updatedAt: Date; orderId: string } {
  try {
    const [at, orderId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const updatedAt = new Date(String(at));
    if (typeof at === 'string' && typeof orderId === 'string' && !Number.isNaN(updatedAt.getTime())) return { updatedAt, orderId };
  } catch {
    // Not JSON: refused below like any other foreign cursor.
  }
  throw new AdminError('bad_request', 'cursor is not one this API handed out');
}

/** `/reviews`: orders whose outcome stayed unknown after the last status inquiry, and their resolution (docs/admin-api.md "Manual review"). */
export async function reviewsRoutes(root: FastifyInstance, { ctx }: { ctx: CoreContext }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/reviews',
    {
      schema: {
        summary: 'The manual-review queue',
        querystring: ReviewsQuery,
        response: { 200: Type.Object({ data: Type.Array(Review), next_cursor: Nullable(Type.String()) }), ...ADMIN_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { merchant_id: merchantId, limit, cursor } = request.query;
      const size = pageSize(limit);
      const merchantIds = merchantFilter(actor, merchantId);
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      const items = merchantIds?.length === 0 ? [] : await listReviews(ctx, { merchantIds, limit: size + 1, ...(after ? { after } : {}) });
      const page = items.slice(0, size);
      const last = page.at(-1);
      return {
        data: page.map((item) => ({
          order_id: item.orderId,
          merchant_id: item.merchantId,
          state: item.state,
          reason: item.reason,
          flagged_at: item.updatedAt.toISOString(),
          operations: item.operations.map(({ id, kind, amount, currency, status }) => ({ id, kind, amount, currency, status })),
        })),
        next_cursor: items.length > size && last ? encodeCursor(last) : null,
      };
    },
  );

  app.post(
    '/reviews/:order_id/resolve',
    {
      preValidation: requireRole('support'),
      schema: {
        summary: 'Resolve a review with the outcome confirmed at the gateway',
        params: Type.Object({ order_id: IdParam }),
        body: ResolveBody,
        response: { 200: ActionAnswer, ...ADMIN_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { operation_id: operationId, outcome, reason, gateway_reference: gatewayReference } = request.body;
      if (reason.trim().length < 10) throw new AdminError('bad_request', 'reason must say why, in at least 10 characters');
      const resolved = await orRefused(
        resolveReview(
          ctx,
          actorOf(request),
          request.params.order_id,
          { operationId, outcome, reason, gatewayReference },
          requestIdOf(request),
        ),
      );
      return actionAnswer(ctx, resolved.aggregate);
    },
  );
}
