import type { FastifyInstance } from 'fastify';
import type { Principal } from '../core/authenticate.js';
import type { CoreContext } from '../core/context.js';
import type { RedirectKeys } from '../core/redirect-keys.js';
import type { OrderAggregate } from '../domain/order.js';
import type { RouteDocumentationTable } from './docs/route-documentation.js';
import type { WebhookRenderer } from '../webhooks/dialect-events.js';
import type { PublicLinks } from './public-links.js';

/** What every dialect's routes are given. */
export interface DialectRouteOptions {
  ctx: CoreContext;
  links: PublicLinks;
}

/**
 * One wire protocol over the core, as a module: its routes, webhooks and error shape, and what the
 * shared hosted pages need to send a customer back to the merchant. Each dialect exports one from
 * its index.ts; the server and the composition root know dialects only through this interface.
 */
export interface DialectModule {
  /** The name the core stores as the order's `dialect`. */
  readonly name: string;
  /** Where its routes are mounted ('' for the root); also which framework errors it answers. */
  readonly prefix: string;
  /** Its routes, as a Fastify plugin. */
  readonly routes: (app: FastifyInstance, options: DialectRouteOptions) => Promise<void>;
  /** Its webhooks: which events an order event raises, and their bodies. */
  webhooks(links: PublicLinks): WebhookRenderer;
  /** Where the browser goes after a hosted page: the merchant's URL with the signed outcome, or undefined when it gave none. */
  returnRedirect(aggregate: OrderAggregate, context: ReturnContext): ReturnRedirect | undefined;
  /** The status line a hosted page shows when there is nowhere to redirect. */
  outcomeText(aggregate: OrderAggregate): string;
  /** The body of a client HTTP problem (malformed URL or body) in the dialect's error shape. */
  clientErrorBody(message: string): unknown;
  /** Its routes' OpenAPI operations, for /openapi/<name>.json. */
  readonly documentation?: RouteDocumentationTable;
}

/**
 * The browser's way back to the merchant: a GET of `url`, whose query carries the signed outcome,
 * or a form POST of `fields` to `url` (docs/hosted-redirects.md says which dialect does which).
 */
export type ReturnRedirect = { method: 'GET'; url: string } | { method: 'POST'; url: string; fields: Readonly<Record<string, string>> };

/** What a return redirect is built with besides the order. */
export interface ReturnContext {
  /** The merchant's signing keys; undefined for a merchant that has none, whose redirects go unsigned. */
  keys: RedirectKeys | undefined;
  /** The customer left the page without paying ("cancel and return to the merchant"). */
  customerCancelled: boolean;
}

/** What the hosted pages need of the dialect an order was created in. */
export type HostedDialect = Pick<DialectModule, 'returnRedirect' | 'outcomeText'>;

/** The dialect module of an order, by the name the core stored. */
export type DialectLookup = (name: string) => HostedDialect;

export function dialectLookup(modules: readonly DialectModule[]): DialectLookup {
  const byName = new Map<string, DialectModule>(modules.map((m) => [m.name, m]));
  return (name) => {
    const module = byName.get(name);
    if (!module) throw new Error(`no dialect module is registered for ${name}`);
    return module;
  };
}

/** The module whose routes a path belongs to: the longest matching prefix, the root-mounted one otherwise. */
export function dialectOfPath(modules: readonly DialectModule[]): (url: string) => DialectModule | undefined {
  const byPrefix = [...modules].sort((a, b) => b.prefix.length - a.prefix.length);
  return (url) => byPrefix.find((m) => m.prefix === '' || url.startsWith(`${m.prefix}/`));
}

/** Each dialect's webhook renderer, for the outbox; the modules must cover every dialect the core stores. */
export function webhookRenderers(modules: readonly DialectModule[], links: PublicLinks): Record<string, WebhookRenderer> {
  return Object.fromEntries(modules.map((m) => [m.name, m.webhooks(links)]));
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The merchant a dialect authenticated the request as. */
    principal?: Principal;
  }
}
