import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

/** The documents Holdfast serves under /openapi/<name>.json: one per dialect, and the admin API. */
export type ApiDocumentName = 'pinelabs' | 'juspay' | 'admin';

/**
 * What a route's OpenAPI operation says beyond the schemas Fastify checks requests with. It lives in
 * the route's `config`, which Fastify neither validates nor serializes with: a response schema here
 * documents the answer and can never drop a field from it (a `schema.response` would make
 * fast-json-stringify send only the fields it lists). `body` documents a request body a route reads
 * itself (the Juspay routes take JSON and form bodies with dotted keys); a route's own `schema.body`
 * wins over it.
 */
export interface RouteDocumentation {
  summary: string;
  description?: string;
  tags?: string[];
  body?: TSchema;
  /** Media types of the request body; JSON when not given. */
  consumes?: string[];
  querystring?: TSchema;
  /** By status code ('200', '302', 'default'…); a schema's `description` is the response's. */
  responses: Record<string, TSchema>;
  /** Needs no credentials (the Pine Labs token endpoint). */
  public?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's OpenAPI operation (src/api/docs/route-documentation.ts). */
    openapi?: RouteDocumentation;
    /** The OpenAPI document the route belongs to, set by documentedIn. */
    openapiDocument?: string;
  }
}

/** A dialect's operations, by method and full path as Fastify registers them: `'POST /api/pay/v1/orders'`. */
export type RouteDocumentationTable = Readonly<Record<string, RouteDocumentation>>;

/**
 * A routes plugin whose every route (its nested plugins' too) belongs to `document`, each documented
 * by its row of `table`. Wrapping keeps the routes unaware of the documents, and works where a path
 * prefix cannot tell (the Juspay dialect shares the root with the hosted pages and health).
 */
export function documentedIn<Options>(
  document: string,
  routes: (app: FastifyInstance, options: Options) => Promise<void>,
  table: RouteDocumentationTable = {},
): (app: FastifyInstance, options: Options) => Promise<void> {
  const plugin = async (app: FastifyInstance, options: Options) => {
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const openapi = route.config?.openapi ?? methods.map((method) => table[`${method} ${route.url}`]).find((doc) => doc !== undefined);
      route.config = { ...route.config, openapiDocument: document, ...(openapi ? { openapi } : {}) };
    });
    await routes(app, options);
  };
  Object.defineProperty(plugin, 'name', { value: routes.name });
  return plugin;
}
