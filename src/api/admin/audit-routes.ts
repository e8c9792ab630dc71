import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { auditPage } from '../../core/admin/audit-listing.js';
import type { CoreContext } from '../../core/context.js';
import { actorOf, merchantFilter, requireRole } from './access.js';
import { AdminErrorSchema } from './order-schemas.js';

const Param = (description: string, maxLength = 200) => Type.Optional(Type.String({ minLength: 1, maxLength, description }));
const NStr = Type.Union([Type.String(), Type.Null()]);

export const AuditQuerystring = Type.Object(
  {
    merchant_id: Param("only this merchant's entries"),
    target_type: Param('e.g. merchant, credential, order, operator, admin_token'),
    target_id: Param('the changed thing'),
    actor_id: Param('the operator or token that acted'),
    limit: Param('1–100, default 25', 3),
    cursor: Param('next_cursor of the previous page', 400),
  },
  { additionalProperties: false },
);

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Object({ kind: Type.String(), id: NStr, name: Type.String() }),
  action: Type.String(),
  target_type: Type.String(),
  target_id: NStr,
  merchant_id: NStr,
  before: Type.Unknown(),
  after: Type.Unknown(),
  reason: NStr,
  request_id: NStr,
});

/** `GET /admin/v1/audit` (docs/admin-api.md "Home, jobs and audit"), role viewer: the append-only log, newest first. */
export async function auditRoutes(root: FastifyInstance, { ctx }: { ctx: CoreContext }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/audit',
    {
      preHandler: requireRole('viewer'),
      schema: {
        summary: 'The audit log, newest first',
        tags: ['audit'],
        querystring: AuditQuerystring,
        response: {
          200: Type.Object({ data: Type.Array(AuditEntrySchema), next_cursor: NStr }),
          400: AdminErrorSchema,
          401: AdminErrorSchema,
          403: AdminErrorSchema,
        },
      },
    },
    async (request) => auditPage(ctx, request.query, merchantFilter(actorOf(request), request.query.merchant_id)),
  );
}
