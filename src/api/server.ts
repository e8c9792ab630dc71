import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { CoreContext } from '../core/context.js';
import { adminApi } from './admin/index.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { ApiCallLog } from '../core/api-call-log.js';
import { recordApiCalls } from './api-call-recording.js';
import { apiDocumentation, documentedIn } from './docs/index.js';
import { dialectLookup, dialectOfPath, type DialectModule } from './dialect.js';
import { errorHandler, type ErrorRenderers } from './error-handler.js';
import { frontDoorRoutes } from './front-door.js';
import { healthRoutes } from './health.js';
import { hostedPageRoutes } from './hosted/index.js';
import { upstreamWebhookRoutes } from './upstream-webhooks.js';
import { followBoundPort, type PublicLinks } from './public-links.js';
import { installRequestLimits, type LimitStore, type RequestLimitSettings } from './rate-limits.js';
import { staticAssetRoutes } from './static-assets.js';

/** The error shape of what belongs to no dialect (health, the hosted pages' framework errors). */
const rootErrors: ErrorRenderers = {
  catalogue: (error) => ({
    status: error.code === 'unavailable' ? 503 : error.code === 'rate_limited' ? 429 : 400,
    body: { error: error.code, message: error.message },
  }),
  client: (message) => ({ error: 'bad_request', message }),
  internal: () => ({ error: 'internal_error', message: 'Internal Server Error' }),
};

/** The HTTP server: health, each dialect's routes, and the hosted pages, over one core. */
export async function buildServer(
  ctx: CoreContext,
  config: {
    tls: { certFile: string; keyFile: string } | undefined;
    publicUrlExplicit: boolean;
    readyTimeoutMs: number;
    readyJobLagMs: number;
    host: string;
    metricsPort: number | undefined;
    requestLimits: RequestLimitSettings;
    adminSessionIdleMs: number;
    adminSessionMaxMs: number;
  },
  links: PublicLinks,
  logger: Logger,
  dialects: readonly DialectModule[],
  limitStore: LimitStore = { redis: undefined, prefix: '' },
): Promise<FastifyInstance> {
  const dialectOfUrl = dialectOfPath(dialects);
  // Typed as Fastify's own logger so the app's type does not carry pino's.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    // Per-request log lines are off: they cost on the hot path; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    // Long ids reach the route schemas (and their dialect's error shape) instead of a bare 414.
    routerOptions: { maxParamLength: 2048 },
    // Malformed URLs and the like never reach a route: answer them in the dialect the path belongs to.
    frameworkErrors: (error, request, reply) => {
      const message = error.code === 'FST_ERR_BAD_URL' ? 'The request URL is malformed' : 'The request is malformed';
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
      const body = dialectOfUrl(request.url)?.clientErrorBody(message) ?? rootErrors.client(message);
      void (reply as unknown as FastifyReply).status(status).send(body);
    },
    return503OnClosing: true,
    ...(config.tls ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } } : {}),
    ajv: {
      // Inputs are validated as sent: "6000" is not an integer and unknown fields are left alone.
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false },
    },
  });
  app.setErrorHandler(errorHandler(rootErrors));
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not_found', message: 'No such endpoint' }));
  const apiCalls = new ApiCallLog(ctx.db, {
    onWriteError: (error, rows) => {
      logger.warn({ err: error, rows }, 'API call log: a batch could not be written and was dropped');
    },
  });
  recordApiCalls(app, apiCalls, ctx.clock, (url) => dialectOfUrl(url)?.name);
  await installRequestLimits(app, config.requestLimits, limitStore);
  await apiDocumentation(app);
  await app.register(healthRoutes, { ctx, readyTimeoutMs: config.readyTimeoutMs, readyJobLagMs: config.readyJobLagMs });
  followBoundPort(app, links, config.publicUrlExplicit);
  for (const dialect of dialects) {
    await app.register(documentedIn(dialect.name, dialect.routes, dialect.documentation), {
      ...(dialect.prefix ? { prefix: dialect.prefix } : {}),
      ctx,
      links,
    });
  }
  const sessions = { idleMs: config.adminSessionIdleMs, maxMs: config.adminSessionMaxMs };
  await app.register(adminApi, { prefix: '/admin/v1', ctx, sessions, links });
  await app.register(frontDoorRoutes, { host: config.host, metricsPort: config.metricsPort });
  await app.register(staticAssetRoutes);
  await app.register(dashboardRoutes);
  await app.register(hostedPageRoutes, { ctx, links, dialectOf: dialectLookup(dialects) });
  await app.register(upstreamWebhookRoutes, { ctx });
  return app;
}
