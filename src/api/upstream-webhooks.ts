import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../core/context.js';
import { actOnUpstreamEvent } from '../core/upstream-resolution.js';
import { isStorableText } from './text-safety.js';

type WebhookRoute = { Params: { accountId: string }; Body: string };

/**
 * Webhooks from an upstream gateway (docs/gateways.md), at `POST /upstream/{gateway_account_id}/webhooks`.
 * The gateway account's connector verifies each one (Pine Labs' Standard Webhooks signature,
 * Juspay's Basic credentials); anything unverified gets 401 and changes nothing. A verified event is
 * a hint: Holdfast reads the upstream again and records what it says as the status sync would.
 * Events are acted on once per event id; one whose handling failed is handled again when resent.
 */
export async function upstreamWebhookRoutes(app: FastifyInstance, { ctx }: { ctx: CoreContext }): Promise<void> {
  // The signature covers the exact bytes sent: the body is kept as text, whatever its type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, body);
  });

  app.post<WebhookRoute>('/upstream/:accountId/webhooks', async (request, reply) => {
    const { accountId } = request.params;
    const rawBody = typeof request.body === 'string' ? request.body : '';
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
    );
    const event =
      isStorableText(accountId) && accountId.startsWith('gwa_') ? await ctx.gateway.verifyWebhook(accountId, { headers, rawBody }) : null;
    if (!event) return reply.status(401).send({ error: { code: 'UNAUTHORIZED', message: 'The webhook could not be verified' } });
    return { status: await actOnUpstreamEvent(ctx, accountId, event), event_id: event.eventId };
  });
}
