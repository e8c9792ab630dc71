import type { FastifyRequest } from 'fastify';
import { csrfMatches, openSession, operatorActor, type AdminSessionSettings, type OpenSession } from '../../core/admin/sessions.js';
import type { CoreContext } from '../../core/context.js';
import { AdminError } from './admin-error.js';
import type { AdminAuthenticator } from './authentication.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The operator's session the call came with, when it came with one (not with an admin token). */
    adminSession?: OpenSession;
  }
}

/** The session cookie (docs/admin-api.md): sent by the browser only to the admin API. */
export const SESSION_COOKIE = 'holdfast_session';
export const SESSION_COOKIE_OPTIONS = { httpOnly: true, secure: true, sameSite: 'strict', path: '/admin/v1' } as const;

const STATE_CHANGING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** What an operator still holding the one-time password may call: enough to see itself, change it, or leave. */
const BEFORE_PASSWORD_CHANGE = new Set(['GET /session', 'GET /me', 'POST /session/password', 'DELETE /session']);

function adminRouteOf(request: FastifyRequest): string {
  const url = request.routeOptions.url ?? '';
  const at = url.indexOf('/admin/v1');
  return `${request.method} ${at >= 0 ? url.slice(at + '/admin/v1'.length) : url}`;
}

/**
 * The cookie `holdfast_session`: an operator's session. A state-changing call must also send the
 * session's CSRF token as `x-csrf-token` (another site can make the browser send the cookie, but
 * cannot read the token), else 403 `csrf_failed` before any handler runs. An operator still on
 * its one-time password may only see itself, change the password or sign out.
 */
export function sessionCookieAuthenticator(ctx: CoreContext, settings: AdminSessionSettings): AdminAuthenticator {
  return async (request) => {
    const secret = request.cookies[SESSION_COOKIE];
    if (typeof secret !== 'string' || secret.length === 0) return undefined;
    // Signing in needs no session: a stale or foreign cookie must not stand in its way.
    if ((request.routeOptions.config as { adminPublic?: boolean } | undefined)?.adminPublic) return undefined;
    const session = await openSession(ctx, settings, secret);
    if (!session) return undefined;
    if (STATE_CHANGING.has(request.method)) {
      const token = request.headers['x-csrf-token'];
      if (typeof token !== 'string' || !csrfMatches(session, token)) {
        throw new AdminError('csrf_failed', 'Send the csrf_token of your session as the x-csrf-token header');
      }
    }
    if (session.operator.mustChangePassword && !BEFORE_PASSWORD_CHANGE.has(adminRouteOf(request))) {
      throw new AdminError('password_change_required', 'Choose a new password first: POST /admin/v1/session/password');
    }
    request.adminSession = session;
    return operatorActor(session.operator);
  };
}
