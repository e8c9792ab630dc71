import type { FastifyInstance } from 'fastify';
import { actorOf } from './access.js';

/** `GET /admin/v1/me`: who the caller is, with which role and which merchants. */
export async function whoAmIRoutes(app: FastifyInstance): Promise<void> {
  app.get('/me', async (request) => {
    const actor = actorOf(request);
    return { kind: actor.kind, id: actor.id, name: actor.name, role: actor.role, merchant_ids: actor.merchantIds };
  });
}
