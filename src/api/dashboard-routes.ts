import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The operator's dashboard (docs/admin-api.md: it calls only that API): the single-page app
 * scripts/build-assets.mjs builds into dist/dashboard/, served under /dashboard/. Every path that
 * is not one of its files answers index.html, so the app's own routes can be reloaded and linked.
 */
export const DASHBOARD_PREFIX = '/dashboard';

// src/api/ and dist/api/ are both two folders below the package root.
const DASHBOARD_DIR = fileURLToPath(new URL('../../dist/dashboard/', import.meta.url));

/**
 * Nothing but the dashboard's own files: Vite emits the app as module scripts and a stylesheet
 * (no inline script or style), and the app talks only to this origin's admin API.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Vite names what it emits under assets/ by content hash: such a file never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current hashed files: always asked for again. */
const REVALIDATE = 'no-cache';

export interface DashboardOptions {
  /** The built app's folder (dist/dashboard/ unless given). */
  dir?: string;
}

export async function dashboardRoutes(app: FastifyInstance, options: DashboardOptions = {}): Promise<void> {
  const dir = options.dir ?? DASHBOARD_DIR;
  await app.register(helmet, {
    contentSecurityPolicy: false,
    frameguard: { action: 'deny' },
    // Whether the server speaks TLS is the operator's choice (HOLDFAST_TLS_*), not the page's.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('content-security-policy', DASHBOARD_CSP);
  });
  // Only reply.sendFile: the routes below decide which file a path is.
  await app.register(fastifyStatic, {
    root: dir,
    serve: false,
    index: false,
    list: false,
    dotfiles: 'deny',
    cacheControl: false,
  });

  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = (request.params as { '*'?: string })['*'] ?? '';
    if (!isPlainRelativePath(path)) {
      return reply.status(404).type('application/json').send({ error: 'not_found', message: 'No such dashboard file' });
    }
    if (!existsSync(join(dir, 'index.html'))) {
      return reply
        .status(503)
        .header('cache-control', 'no-store')
        .send({ error: 'unavailable', message: 'The dashboard is not built: run `npm run build`, then restart Holdfast.' });
    }
    if (path !== '' && isFile(join(dir, path))) {
      return reply.header('cache-control', path.startsWith('assets/') ? IMMUTABLE : REVALIDATE).sendFile(path);
    }
    // A missing script or stylesheet is a 404, never the app's page in its place.
    if (path.startsWith('assets/')) {
      return reply.status(404).send({ error: 'not_found', message: 'No such dashboard file' });
    }
    return reply.header('cache-control', REVALIDATE).type('text/html; charset=utf-8').sendFile('index.html');
  };
  app.get(DASHBOARD_PREFIX, serve);
  app.get(`${DASHBOARD_PREFIX}/*`, serve);
}

/** A path below the dashboard's folder: no `..` or `.` segment, no backslash, no NUL, not absolute. */
function isPlainRelativePath(path: string): boolean {
  if (path.includes('\0') || path.includes('\\') || path.startsWith('/')) return false;
  return path.split('/').every((segment) => segment !== '..' && segment !== '.');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
