import { randomBytes } from 'node:crypto';
import scalar from '@scalar/fastify-api-reference';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DOCUMENT_NAMES, documentPath } from './openapi-documents.js';

/** Where the API reference is served. */
export const DOCS_PREFIX = '/docs';

const TITLES: Record<string, string> = { pinelabs: 'Pine Labs Online', juspay: 'Juspay Express Checkout', admin: 'Admin API' };

/**
 * The policy of the reference's pages. Scalar's bundle is served from here (/docs/js/scalar.js), so
 * nothing comes from another origin; its start-up script is inline, allowed by a per-response nonce.
 * Scalar injects its own <style> elements and style attributes at run time, which need
 * 'unsafe-inline' for styles — scripts stay strict. Its "try it" client calls this origin only.
 */
export function docsContentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function secureHeaders(reply: FastifyReply, nonce: string): void {
  reply
    .header('content-security-policy', docsContentSecurityPolicy(nonce))
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin');
}

/** Scalar writes this into its page's nonce attributes; each response replaces it with its own nonce. */
const NONCE_SLOT = 'holdfast-docs-nonce-slot';

/**
 * /docs: Scalar's API reference over the three documents of /openapi/*.json, working offline — no
 * CDN, no web fonts, no telemetry, no proxy. Given a nonce, Scalar loads its single-file bundle from
 * /docs/js/scalar.js (it would otherwise import chunks from a CDN) and marks its one inline script;
 * Scalar takes the nonce once, at registration, so the page is rendered with a slot that each
 * response fills with a fresh nonce, the one its policy names.
 */
export async function docsRoutes(app: FastifyInstance): Promise<void> {
  const nonces = new WeakMap<object, string>();
  app.addHook('onRequest', async (request, reply) => {
    const nonce = randomBytes(16).toString('base64');
    nonces.set(request, nonce);
    secureHeaders(reply, nonce);
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    const nonce = nonces.get(request);
    return typeof payload === 'string' && nonce && payload.includes(NONCE_SLOT) ? payload.replaceAll(NONCE_SLOT, nonce) : payload;
  });
  await app.register(scalar, {
    routePrefix: DOCS_PREFIX,
    logLevel: 'warn',
    configuration: {
      pageTitle: 'Holdfast API reference',
      nonce: NONCE_SLOT,
      sources: DOCUMENT_NAMES.map((name, i) => ({ title: TITLES[name] ?? name, slug: name, url: documentPath(name), default: i === 0 })),
      withDefaultFonts: false,
      telemetry: false,
      showDeveloperTools: 'never',
      documentDownloadType: 'json',
      // Scalar's AI chat and MCP generator are services of scalar.com: off, as the page stays on this origin.
      agent: { disabled: true },
      mcp: { disabled: true },
    },
  });
}
