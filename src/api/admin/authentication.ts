import type { FastifyRequest } from 'fastify';
import { authenticateAdminToken } from '../../core/admin/admin-tokens.js';
import type { AdminActor } from '../../domain/operator-roles.js';
import type { CoreContext } from '../../core/context.js';

/** One way of proving who makes an admin call; the first that recognises the request decides. */
export type AdminAuthenticator = (request: FastifyRequest) => Promise<AdminActor | undefined>;

/** `Authorization: Bearer hfa_…`: an admin token (`holdfast admin token create`). Needs no CSRF token: no browser sends it by itself. */
export function bearerTokenAuthenticator(ctx: CoreContext): AdminAuthenticator {
  return async (request) => {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return undefined;
    return authenticateAdminToken(ctx, header.slice('Bearer '.length).trim());
  };
}
