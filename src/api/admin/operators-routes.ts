import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { changeOperator, createOperator, listOperatorViews, unknownMerchantIds } from '../../core/admin/operators.js';
import type { CoreContext } from '../../core/context.js';
import { actorOf, requestIdOf } from './access.js';
import { AdminError } from './admin-error.js';
import { MerchantIdsSchema, RoleSchema } from './admin-schemas.js';
import { CreatedOperator, OperatorAnswer, OperatorList } from './operator-schemas.js';
import { ADMIN_ERROR_RESPONSES } from './schema-parts.js';
import { requireUnlimitedAdmin } from './unlimited-admin.js';

const CreateOperatorBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254, pattern: '^\\s*[^\\s@]+@[^\\s@]+\\s*$' }),
    role: RoleSchema,
    merchant_ids: Type.Optional(MerchantIdsSchema),
  },
  { additionalProperties: false },
);

const ChangeOperatorBody = Type.Object(
  { role: Type.Optional(RoleSchema), merchant_ids: Type.Optional(MerchantIdsSchema), disabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);

const OperatorParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** Refuses merchant ids that name no merchant (400, nothing changed). */
async function assertMerchantsExist(ctx: CoreContext, ids: string[] | null | undefined): Promise<void> {
  if (!ids) return;
  const unknown = await unknownMerchantIds(ctx.db, ids);
  if (unknown.length > 0) throw new AdminError('bad_request', `merchant_ids: no merchant ${unknown.join(', ')}`);
}

/** `GET/POST /operators`, `PATCH /operators/:id` (docs/admin-api.md): unlimited admins only, every change audited. */
export async function operatorsRoutes(root: FastifyInstance, { ctx }: { ctx: CoreContext }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('preHandler', requireUnlimitedAdmin);

  app.get('/operators', { schema: { summary: 'List operators', response: { 200: OperatorList, ...ADMIN_ERROR_RESPONSES } } }, async () => ({
    data: await listOperatorViews(ctx),
  }));

  const created = {
    summary: 'Create an operator with a one-time password',
    body: CreateOperatorBody,
    response: { 200: CreatedOperator, ...ADMIN_ERROR_RESPONSES },
  };
  app.post('/operators', { schema: created }, async (request) => {
    const { email, role, merchant_ids: merchantIds = null } = request.body;
    await assertMerchantsExist(ctx, merchantIds);
    const created = await createOperator(ctx, { email, role, merchantIds }, actorOf(request), requestIdOf(request));
    if (!created.ok) throw new AdminError('conflict', 'An operator with this e-mail exists already');
    return { operator: created.operator, one_time_password: created.oneTimePassword };
  });

  const changed = {
    summary: 'Change an operator’s role, merchants or standing',
    body: ChangeOperatorBody,
    params: OperatorParams,
    response: { 200: OperatorAnswer, ...ADMIN_ERROR_RESPONSES },
  };
  app.patch('/operators/:id', { schema: changed }, async (request) => {
    const { role, merchant_ids: merchantIds, disabled } = request.body;
    await assertMerchantsExist(ctx, merchantIds);
    const changed = await changeOperator(
      ctx,
      request.params.id,
      {
        ...(role === undefined ? {} : { role }),
        ...(merchantIds === undefined ? {} : { merchantIds }),
        ...(disabled === undefined ? {} : { disabled }),
      },
      actorOf(request),
      requestIdOf(request),
    );
    if (changed.ok) return { operator: changed.operator };
    if (changed.reason === 'self') throw new AdminError('conflict', 'You cannot change your own role, merchants or standing');
    throw new AdminError('not_found', 'No such operator');
  });
}
