import type { FastifyInstance } from 'fastify';
import { docsRoutes } from './docs-routes.js';
import { registerOpenApiDocuments } from './openapi-documents.js';

export { documentedIn } from './route-documentation.js';

/**
 * The API's documentation: the OpenAPI documents of the Pine Labs dialect, the Juspay dialect and
 * the admin API at /openapi/<name>.json, built from the routes themselves, and Scalar's reference
 * over them at /docs. Register it on the root instance before any route, so every route is seen.
 */
export async function apiDocumentation(app: FastifyInstance): Promise<void> {
  await registerOpenApiDocuments(app);
  await app.register(docsRoutes);
}
