import type { FastifyInstance } from 'fastify';
import { installHostedScope, sendNotice } from './hosted-scope.js';

/**
 * A 404 under the hosted pages' prefixes is a page too, with the pages' headers, not the JSON
 * of the APIs. Register with the prefix it answers for.
 */
export async function hostedNotFound(app: FastifyInstance): Promise<void> {
  await installHostedScope(app);
  app.setNotFoundHandler((_request, reply) =>
    sendNotice(reply, 404, { title: 'Page not found', message: 'There is no page at this address. Check the link the merchant sent you.' }),
  );
}
