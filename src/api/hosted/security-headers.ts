import type { FastifyReply } from 'fastify';

/**
 * The headers of every hosted page (issue 10, item 5): a Content-Security-Policy without inline
 * script or style, nothing loaded from anywhere but Holdfast, forms sent only to Holdfast and to
 * the merchant the order returns to, and framing only where the integration allows it.
 */
export interface PagePolicy {
  /** Origins besides Holdfast a form of the page may be sent to — or redirected to after a POST. */
  formTargets: readonly string[];
  /** Who may frame the page: nobody, or the merchant's origin on the iframe path. */
  frameAncestors: readonly string[];
}

/** Errors, 404s and anything that is not an order's page: no framing, forms only to Holdfast. */
export const STRICTEST: PagePolicy = { formTargets: [], frameAncestors: [] };

export function contentSecurityPolicy(policy: PagePolicy): string {
  const list = (origins: readonly string[]) => (origins.length > 0 ? origins.join(' ') : "'none'");
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    // Chrome applies form-action to the redirect that follows a POST too, so the merchant's
    // origins are here as well as Holdfast's.
    `form-action 'self' ${policy.formTargets.join(' ')}`.trim(),
    `frame-ancestors ${list(policy.frameAncestors)}`,
  ].join('; ');
}

/**
 * Sets the page's CSP; the other headers come with every hosted response (hosted-scope.ts).
 * X-Frame-Options cannot name an origin, so it is sent only when nobody may frame the page.
 */
export function applyPagePolicy(reply: FastifyReply, policy: PagePolicy): FastifyReply {
  reply.header('content-security-policy', contentSecurityPolicy(policy));
  if (policy.frameAncestors.length === 0) reply.header('x-frame-options', 'DENY');
  else reply.removeHeader('x-frame-options');
  return reply;
}

/** The origin (scheme://host:port) of a URL, or undefined when it has none worth naming. */
export function originOf(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const { origin, protocol } = new URL(url);
    return (protocol === 'https:' || protocol === 'http:') && origin !== 'null' ? origin : undefined;
  } catch {
    return undefined;
  }
}
