import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HoldfastError, isUnavailable } from '../../domain/errors.js';
import { HTML, noticePage } from './html-page.js';
import { applyPagePolicy, STRICTEST } from './security-headers.js';

/**
 * What every hosted page's plugin installs in its own Fastify scope (so the JSON APIs keep their
 * own headers): form bodies, the CSRF token, the security headers, and errors as pages.
 *
 * CSRF: @fastify/csrf-protection's double submit. A random secret in an HttpOnly cookie (one per
 * browser, made by the first page it opens) and, in every form, a fresh token derived from it;
 * a POST whose token does not match its cookie's secret is refused with a 403 page. The key is in
 * the browser's cookie, never in the database.
 */
export const CSRF_FIELD = '_csrf';
const CSRF_COOKIE = 'holdfast_csrf';

export async function installHostedScope(app: FastifyInstance): Promise<void> {
  await app.register(formbody);
  await app.register(cookie);
  await app.register(csrfProtection, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true },
    // Only the form field: the pages send no other way.
    getToken: (request: FastifyRequest) => {
      const body = request.body as Record<string, unknown> | undefined;
      const token = body?.[CSRF_FIELD];
      return typeof token === 'string' ? token : '';
    },
    logLevel: 'info',
  });
  await app.register(helmet, {
    // The policy depends on the order (its merchant's origins): set by applyPagePolicy instead.
    contentSecurityPolicy: false,
    frameguard: false,
    // Whether the server speaks TLS is the operator's choice (HOLDFAST_TLS_*), not the page's.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.addHook('onRequest', async (_request, reply) => {
    applyPagePolicy(reply, STRICTEST);
    reply.header('cache-control', 'no-store');
  });
  app.addHook('onRequest', app.limits.hosted);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HoldfastError && error.code === 'rate_limited') {
      const seconds = error.details.retryAfterSeconds ?? 60;
      reply.header('retry-after', String(seconds));
      return sendNotice(reply, 429, {
        title: 'Too many attempts',
        message: `For your security, this page is paused for a moment. Nothing was charged. Reload it in ${seconds} seconds.`,
      });
    }
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      return sendNotice(reply, 403, {
        title: 'This form has expired',
        message: 'For your security, the form could not be accepted. Nothing was charged. Go back, reload the page and try again.',
      });
    }
    if (isUnavailable(error)) {
      request.log.warn({ url: request.routeOptions.url }, 'hosted page: database unavailable');
      if (error.details.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.details.retryAfterSeconds));
      return sendNotice(reply, 503, {
        title: 'Please try again in a moment',
        message:
          'The page could not be completed just now. Reload it in a moment; if you were paying, check the order before paying again.',
      });
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error, url: request.routeOptions.url }, 'hosted page failed');
    return sendNotice(reply, status, {
      title: status === 500 ? 'Something went wrong' : 'The request could not be read',
      message:
        status === 500
          ? 'The page could not be completed. Return to the merchant and check the order before paying again.'
          : 'Go back, reload the page and try again.',
    });
  });
}

/** A page with a heading and a message (and the strictest policy the scope already set). */
export function sendNotice(reply: FastifyReply, status: number, notice: { title: string; message: string }): FastifyReply {
  return reply.status(status).type(HTML).send(noticePage(notice));
}

/**
 * A token for the page's forms, and the cookie it is checked against. A page in a merchant's
 * iframe is a third-party context: its cookie must be SameSite=None (so Secure) to come back with
 * the POST, and partitioned so browsers that block third-party cookies keep it for that site.
 */
export function csrfToken(request: FastifyRequest, reply: FastifyReply, framed: boolean): string {
  const secure = request.protocol === 'https';
  return reply.generateCsrf(framed ? { sameSite: 'none', secure: true, partitioned: true } : { secure });
}

/** Runs the CSRF check as a route's preHandler (after the page's own lookups, so a dead link is still a 404). */
export function csrfCheck(app: FastifyInstance) {
  return app.csrfProtection.bind(app);
}
