import type { FastifyReply } from 'fastify';

/**
 * The headers of every hosted page (docs/hosted-checkout.md): a Content-Security-Policy without inline
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

/**
 * Lets the page's forms be sent to one more origin, keeping the rest of the policy the page was
 * given (its framing above all): the return form posts to the merchant's URL.
 */
export function allowFormTarget(reply: FastifyReply, url: string): FastifyReply {
  const origin = originOf(url);
  const current = reply.getHeader('content-security-policy');
  if (!origin || typeof current !== 'string') return reply;
  const widened = current
    .split('; ')
    .map((directive) =>
      directive.startsWith('form-action ') && !directive.split(' ').includes(origin) ? `${directive} ${origin}` : directive,
    )
    .join('; ');
  return reply.header('content-security-policy', widened);
}
