import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { CoreContext } from '../core/context.js';
import { challengePageRoutes } from './challenge-page.js';
import { classifyError } from './fastify-errors.js';
import { healthRoutes } from './health.js';
import { juspayRoutes } from './juspay/routes.js';
import { paymentPageRoutes } from './payment-page.js';
import { pineLabsRoutes } from './pinelabs/routes.js';

/** The HTTP server: health, both dialects, and the hosted pages, over one core. */
export async function buildServer(ctx: CoreContext, config: Pick<Config, 'tls' | 'publicUrl'>, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Per-request log lines are off: they cost on the hot path; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
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
  await app.register(pineLabsRoutes, { prefix: '/api', ctx, publicUrl: config.publicUrl });
  await app.register(juspayRoutes, { ctx, publicUrl: config.publicUrl });
  await app.register(challengePageRoutes, { ctx });
  await app.register(paymentPageRoutes, { ctx, publicUrl: config.publicUrl });
  return app as unknown as FastifyInstance;
}
