import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { AdminSessionSettings } from '../../core/admin/sessions.js';
import type { CoreContext } from '../../core/context.js';
import { errorHandler, type ErrorRenderers } from '../error-handler.js';
import { AdminError } from './admin-error.js';
import { bearerTokenAuthenticator, type AdminAuthenticator } from './authentication.js';
import { operatorsRoutes } from './operators-routes.js';
import { sessionCookieAuthenticator } from './session-authentication.js';
import { sessionRoutes } from './session-routes.js';
import { tokensRoutes } from './tokens-routes.js';
import { whoAmIRoutes } from './who-am-i-routes.js';
import { reviewsRoutes } from './reviews-routes.js';
import { sandboxRoutes } from './sandbox-routes.js';
import { webhooksRoutes } from './webhooks-routes.js';
import { merchantsRoutes } from './merchants-routes.js';
import { credentialsRoutes } from './credentials-routes.js';
import { gatewayAccountsRoutes } from './gateway-accounts-routes.js';
import type { PublicLinks } from '../public-links.js';
import { ordersRoutes } from './orders-routes.js';
import { auditRoutes } from './audit-routes.js';
import { statsRoutes } from './stats-routes.js';
import { jobsRoutes } from './jobs-routes.js';

export interface AdminApiOptions {
  ctx: CoreContext;
  /** Operators' session lifetimes (HOLDFAST_ADMIN_SESSION_IDLE, HOLDFAST_ADMIN_SESSION_MAX). */
  sessions: AdminSessionSettings;
  /** The base of the URLs Holdfast hands out (a gateway account's webhook URL). */
  links: PublicLinks;
}

/** The admin API's error shape: `{ "error": code, "message": text }`, nothing internal in a 500. */
const adminErrors: ErrorRenderers = {
  catalogue: (error) => ({
    status: error.code === 'unavailable' ? 503 : error.code === 'rate_limited' ? 429 : error.code === 'not_found' ? 404 : 400,
    body: { error: error.code === 'invalid_input' || error.code === 'missing_field' ? 'bad_request' : error.code, message: error.message },
  }),
  client: (message) => ({ error: 'bad_request', message }),
  internal: () => ({ error: 'internal_error', message: 'Internal Server Error' }),
};

/**
 * The admin API under /admin/v1 (docs/admin-api.md): every call authenticated (an admin token, or
 * an operator's session), every change role-checked, merchant-scoped and audited. The routes of
 * each resource are a plugin of their own, registered below.
 */
export async function adminApi(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  const { ctx, sessions, links } = options;
  app.setErrorHandler(errorHandler(adminErrors));
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not_found', message: 'No such admin endpoint' }));
  await app.register(fastifyCookie);
  const authenticators: AdminAuthenticator[] = [bearerTokenAuthenticator(ctx), sessionCookieAuthenticator(ctx, sessions)];
  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    for (const authenticate of authenticators) {
      const actor = await authenticate(request);
      if (actor) {
        request.adminActor = actor;
        return;
      }
    }
    // Routes marked public (signing in) run without an actor; every other one needs one.
    if ((request.routeOptions.config as { adminPublic?: boolean } | undefined)?.adminPublic) return;
    throw new AdminError('unauthenticated', 'Sign in or send an admin token');
  });
  await app.register(whoAmIRoutes);
  await app.register(sessionRoutes, { ctx, sessions });
  await app.register(operatorsRoutes, { ctx });
  await app.register(tokensRoutes, { ctx });
  await app.register(webhooksRoutes, { ctx });
  await app.register(reviewsRoutes, { ctx });
  await app.register(sandboxRoutes, { ctx });
  await app.register(merchantsRoutes, { ctx });
  await app.register(credentialsRoutes, { ctx });
  await app.register(gatewayAccountsRoutes, { ctx, links });
  await app.register(ordersRoutes, { ctx });
  await app.register(auditRoutes, { ctx });
  await app.register(statsRoutes, { ctx });
  await app.register(jobsRoutes, { ctx });
}
