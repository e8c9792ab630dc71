import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adminTokenView, createAdminToken, listAdminTokenViews, revokeAdminTokenAudited } from '../../core/admin/admin-tokens.js';
import { findAdminToken } from '../../store/admin-tokens-repository.js';
import { unknownMerchantIds } from '../../core/admin/operators.js';
import type { CoreContext } from '../../core/context.js';
import { actorOf, requestIdOf } from './access.js';
import { AdminError } from './admin-error.js';
import { MerchantIdsSchema, RoleSchema } from './admin-schemas.js';
import { AdminTokenList, CreatedAdminToken, NoContent } from './operator-schemas.js';
import { ADMIN_ERROR_RESPONSES } from './schema-parts.js';
import { requireUnlimitedAdmin } from './unlimited-admin.js';

const CreateTokenBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }), role: RoleSchema, merchant_ids: Type.Optional(MerchantIdsSchema) },
  { additionalProperties: false },
);

const TokenParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/**
 * `GET/POST /tokens`, `DELETE /tokens/:id` (docs/admin-api.md): unlimited admins only, every change
 * audited. The secret is answered once, at creation.
 */
export async function tokensRoutes(root: FastifyInstance, { ctx }: { ctx: CoreContext }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('preHandler', requireUnlimitedAdmin);

  app.get(
    '/tokens',
    { schema: { summary: 'List admin tokens, without their secrets', response: { 200: AdminTokenList, ...ADMIN_ERROR_RESPONSES } } },
    async () => ({ data: await listAdminTokenViews(ctx) }),
  );

  const create = {
    summary: 'Create an admin token, its secret shown once',
    body: CreateTokenBody,
    response: { 200: CreatedAdminToken, ...ADMIN_ERROR_RESPONSES },
  };
  app.post('/tokens', { schema: create }, async (request) => {
    const { name, role, merchant_ids: merchantIds = null } = request.body;
    if (merchantIds) {
      const unknown = await unknownMerchantIds(ctx.db, merchantIds);
      if (unknown.length > 0) throw new AdminError('bad_request', `merchant_ids: no merchant ${unknown.join(', ')}`);
    }
    const issued = await createAdminToken(ctx, { name: name.trim(), role, merchantIds }, actorOf(request), requestIdOf(request));
    const stored = await findAdminToken(ctx.db, issued.id);
    if (!stored) throw new Error('the admin token just made is missing');
    return { token: adminTokenView(stored), secret: issued.token };
  });

  const revoke = { summary: 'Revoke an admin token at once', params: TokenParams, response: { 204: NoContent, ...ADMIN_ERROR_RESPONSES } };
  app.delete('/tokens/:id', { schema: revoke }, async (request, reply) => {
    const outcome = await revokeAdminTokenAudited(ctx, request.params.id, actorOf(request), requestIdOf(request));
    if (outcome === 'not_found') throw new AdminError('not_found', 'No such admin token');
    if (outcome === 'already_revoked') throw new AdminError('conflict', 'This admin token is revoked already');
    return reply.status(204).send(null);
  });
}
