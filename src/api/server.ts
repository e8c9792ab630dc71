import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { CoreContext } from '../core/context.js';
import { challengePageRoutes } from './challenge-page.js';
import { classifyError } from './fastify-errors.js';
import { healthRoutes } from './health.js';
import { juspayRoutes } from './juspay/routes.js';
import { paymentPageRoutes } from './payment-page.js';
import { pineLabsRoutes } from './pinelabs/routes.js';
import { followBoundPort, type PublicLinks } from './public-links.js';

/** The HTTP server: health, both dialects, and the hosted pages, over one core. */
export async function buildServer(
  ctx: CoreContext,
  config: Pick<Config, 'tls' | 'publicUrlExplicit'>,
  links: PublicLinks,
  logger: Logger,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Per-request log lines are off: they cost on the hot path; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    // Long ids reach the route schemas (and their dialect's error shape) instead of a bare 414.
    routerOptions: { maxParamLength: 2048 },
    // Malformed URLs and the like never reach a route: answer them in the dialect the path belongs to.
    frameworkErrors: (error, request, reply) => {
      const message = error.code === 'FST_ERR_BAD_URL' ? 'The request URL is malformed' : 'The request is malformed';
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
      const answer = reply as unknown as FastifyReply;
      if (request.url.startsWith('/api/')) return answer.status(status).send({ code: 'INVALID_REQUEST', message });
      return answer.status(status).send({ status: 'Bad Request', error_code: 'invalid_request', error_message: message });
    },
    return503OnClosing: true,
    ...(config.tls ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } } : {}),
    ajv: {
      // Inputs are validated as sent: "6000" is not an integer and unknown fields are left alone.
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false },
    },
  });
  app.setErrorHandler((error, request, reply) => {
    const classified = classifyError(error);
    if (classified.kind === 'holdfast') return reply.status(400).send({ error: classified.error.code, message: classified.error.message });
    if (classified.kind === 'client') return reply.status(classified.status).send({ error: 'bad_request', message: classified.message });
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: 'internal_error', message: 'Internal Server Error' });
  });
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not_found', message: 'No such endpoint' }));
  await app.register(healthRoutes);
  followBoundPort(app as unknown as FastifyInstance, links, config.publicUrlExplicit);
  await app.register(pineLabsRoutes, { prefix: '/api', ctx, links });
  await app.register(juspayRoutes, { ctx, links });
  await app.register(challengePageRoutes, { ctx });
  await app.register(paymentPageRoutes, { ctx, links });
  return app as unknown as FastifyInstance;
}
