import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from './access.js';
import { WhoAmI } from './operator-schemas.js';
import { ADMIN_ERROR_RESPONSES } from './schema-parts.js';

/** `GET /admin/v1/me`: who the caller is, with which role and which merchants. */
export async function whoAmIRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/me',
    { schema: { summary: 'Who the caller is: role and merchants', response: { 200: WhoAmI, ...ADMIN_ERROR_RESPONSES } } },
    async (request) => {
      const actor = actorOf(request);
      return {
        kind: actor.kind,
        id: actor.id,
        name: actor.name,
        role: actor.role,
        merchant_ids: actor.merchantIds === null ? null : [...actor.merchantIds],
      };
    },
  );
}
