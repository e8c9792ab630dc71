import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import type { ApiDocumentName } from './route-documentation.js';

/** A served OpenAPI document, as JSON. */
export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, unknown> };

interface DocumentSpec {
  name: ApiDocumentName;
  title: string;
  description: string;
  securitySchemes: Record<string, Record<string, unknown>>;
  /** Every operation's, unless the route is public. */
  security: Record<string, string[]>[];
  /** Whether a route is part of the document. */
  holds(route: RouteOptions): boolean;
}

// src/api/docs/ and dist/api/docs/ are both three folders below the package root.
const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The admin API's contract puts every admin route under this prefix (docs/admin-api.md). */
export const ADMIN_PREFIX = '/admin/v1';

const DOCUMENTS: readonly DocumentSpec[] = [
  {
    name: 'pinelabs',
    title: 'Holdfast — Pine Labs Online dialect',
    description:
      "Pine Labs Online's Plural API as Holdfast serves it under /api: orders, card payments, capture, cancel, refunds, hosted checkout, payment links and native OTP. Amounts are integers in paise. Every call but the token call sends the token's access_token as a bearer token.",
    securitySchemes: {
      bearerToken: {
        type: 'http',
        scheme: 'bearer',
        description: 'The access_token answered by POST /api/auth/v1/token for the merchant’s client_id and client_secret.',
      },
    },
    security: [{ bearerToken: [] }],
    holds: (route) => route.config?.openapiDocument === 'pinelabs',
  },
  {
    name: 'juspay',
    title: 'Holdfast — Juspay Express Checkout dialect',
    description:
      "Juspay Express Checkout's API as Holdfast serves it at the root: orders, sessions, card transactions, capture, void, refunds and order status. Bodies may be JSON or form-encoded with dotted keys (metadata.txns.auto_capture); amounts are in rupees.",
    securitySchemes: {
      apiKey: {
        type: 'http',
        scheme: 'basic',
        description: 'HTTP Basic with the merchant’s API key as the user name and an empty password.',
      },
    },
    security: [{ apiKey: [] }],
    holds: (route) => route.config?.openapiDocument === 'juspay',
  },
  {
    name: 'admin',
    title: 'Holdfast — admin API',
    description:
      'The operator’s API under /admin/v1 (docs/admin-api.md): JSON in and out, errors as {error, message}. Scripts send an admin token; people sign in with POST /admin/v1/session, which sets the holdfast_session cookie, and send its csrf_token as x-csrf-token on every change.',
    securitySchemes: {
      adminToken: { type: 'http', scheme: 'bearer', bearerFormat: 'hfa_…', description: 'An admin token (holdfast admin token create).' },
      operatorSession: {
        type: 'apiKey',
        in: 'cookie',
        name: 'holdfast_session',
        description: 'An operator’s session cookie; changes also need the session’s csrf_token in the x-csrf-token header.',
      },
    },
    security: [{ adminToken: [] }, { operatorSession: [] }],
    holds: (route) => route.url.startsWith(`${ADMIN_PREFIX}/`) || route.url === ADMIN_PREFIX,
  },
];

export const DOCUMENT_NAMES: readonly ApiDocumentName[] = DOCUMENTS.map((d) => d.name);

/** Where a document is served. */
export const documentPath = (name: ApiDocumentName) => `/openapi/${name}.json`;

const decoratorOf = (name: ApiDocumentName) => `openapi_${name}`;

/** A route's operation: its own schemas, plus what its config documents (route-documentation.ts). */
function operationSchema(spec: DocumentSpec, route: RouteOptions, schema: FastifySchema | undefined): FastifySchema {
  if (!spec.holds(route)) return { ...schema, hide: true };
  const doc = route.config?.openapi;
  const isPublic = doc?.public === true || route.config?.public === true || route.config?.adminPublic === true;
  return {
    ...schema,
    ...(doc
      ? {
          summary: doc.summary,
          ...(doc.description ? { description: doc.description } : {}),
          ...(doc.tags ? { tags: doc.tags } : {}),
          ...(schema?.body === undefined && doc.body ? { body: doc.body } : {}),
          ...(doc.consumes ? { consumes: doc.consumes } : {}),
          ...(schema?.querystring === undefined && doc.querystring ? { querystring: doc.querystring } : {}),
          response: doc.responses,
        }
      : {}),
    ...(isPublic ? { security: [] } : {}),
  };
}

/**
 * Registers one @fastify/swagger collector per document on the root instance, before any route:
 * each sees every route and keeps its own (the rest are hidden by its transform). Call it before
 * registering routes; the documents are built on first request, after the server is ready.
 */
export async function registerOpenApiDocuments(app: FastifyInstance): Promise<void> {
  for (const spec of DOCUMENTS) {
    await app.register(swagger, {
      decorator: decoratorOf(spec.name),
      openapi: {
        openapi: '3.1.0',
        info: { title: spec.title, description: spec.description, version: VERSION },
        components: { securitySchemes: spec.securitySchemes as never },
        security: spec.security,
      },
      transform: ({ schema, url, route }) => ({ schema: operationSchema(spec, route, schema), url }),
    });
  }
  await app.register(openApiDocumentRoutes);
}

/** The document named `name`, as built from the routes (after the server is ready). */
export function openApiDocument(app: FastifyInstance, name: ApiDocumentName): OpenApiDocument {
  return app.getDecorator<() => OpenApiDocument>(decoratorOf(name)).call(app);
}

async function openApiDocumentRoutes(app: FastifyInstance): Promise<void> {
  for (const name of DOCUMENT_NAMES) {
    app.get(documentPath(name), { schema: { hide: true } }, async (_request, reply) => {
      reply.header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff');
      return openApiDocument(app, name);
    });
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Admin routes that run without an actor (signing in). */
    adminPublic?: boolean;
  }
}
