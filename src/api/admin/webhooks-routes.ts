import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import {
  listWebhookEventsForAdmin,
  replayWebhookEventForAdmin,
  webhookEventForAdmin,
  type QueueReplay,
} from '../../core/admin/webhook-admin.js';
import { replayWebhookEventIn } from '../../webhooks/outbox.js';
import type { WebhookAttemptRow, WebhookEventSummary } from '../../store/webhook-events-admin-repository.js';
import { actorOf, merchantFilter, requestIdOf, requireRole } from './access.js';
import { orRefused } from './refusals.js';
import { ADMIN_ERROR_RESPONSES, IdParam, LimitParam, Nullable, pageSize } from './schema-parts.js';

const WebhookEvent = Type.Object({
  id: Type.String(),
  merchant_id: Type.String(),
  order_id: Type.String(),
  dialect: Type.String(),
  event_type: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  delivered_at: Nullable(Type.String({ format: 'date-time' })),
  gave_up_at: Nullable(Type.String({ format: 'date-time' })),
  attempts_count: Type.Integer({ description: 'every attempt made, those deleted by retention included' }),
  attempts_pruned: Type.Integer({ description: 'attempts deleted by HOLDFAST_WEBHOOK_ATTEMPT_RETENTION after the event was delivered' }),
  last_status_code: Nullable(Type.Integer()),
});

const WebhookAttempt = Type.Object({
  id: Type.Integer(),
  attempted_at: Type.String({ format: 'date-time' }),
  url: Type.String(),
  status_code: Nullable(Type.Integer()),
  latency_ms: Type.Integer(),
  response_excerpt: Nullable(Type.String()),
  error: Nullable(Type.String()),
});

const WebhookEventDetail = Type.Composite([
  WebhookEvent,
  Type.Object({
    payload: Type.Unknown({ description: 'The body sent (and signed), as JSON' }),
    attempts: Type.Array(WebhookAttempt),
  }),
]);

const EventsQuery = Type.Object(
  {
    merchant_id: Type.Optional(IdParam),
    order_id: Type.Optional(IdParam),
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')])),
    limit: Type.Optional(LimitParam),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

const EventParams = Type.Object({ id: IdParam });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function eventBody(e: WebhookEventSummary): Static<typeof WebhookEvent> {
  return {
    id: e.id,
    merchant_id: e.merchantId,
    order_id: e.orderId,
    dialect: e.dialect,
    event_type: e.eventType,
    created_at: e.createdAt.toISOString(),
    delivered_at: iso(e.deliveredAt),
    gave_up_at: iso(e.gaveUpAt),
    attempts_count: e.attemptsCount,
    attempts_pruned: e.attemptsPruned,
    last_status_code: e.lastStatusCode,
  };
}

function attemptBody(a: WebhookAttemptRow): Static<typeof WebhookAttempt> {
  return {
    id: a.id,
    attempted_at: a.attemptedAt.toISOString(),
    url: a.url,
    status_code: a.statusCode,
    latency_ms: a.latencyMs,
    response_excerpt: a.responseExcerpt,
    error: a.error,
  };
}

/** The stored body as JSON (every dialect's webhook is JSON); as text if it ever is not. */
function parsedPayload(payload: string): unknown {
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return payload;
  }
}

/** `/webhooks/events`: the webhook outbox as operators see it, and its replay (docs/admin-api.md "Webhooks"). */
export async function webhooksRoutes(root: FastifyInstance, { ctx }: { ctx: CoreContext }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const queueReplay: QueueReplay = (tx, eventId, now) => replayWebhookEventIn(tx, eventId, ctx.webhookRetryScheduleMs, now);

  app.get(
    '/webhooks/events',
    {
      schema: {
        summary: 'List webhook events',
        querystring: EventsQuery,
        response: { 200: Type.Object({ data: Type.Array(WebhookEvent), next_cursor: Nullable(Type.String()) }), ...ADMIN_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { merchant_id: merchantId, order_id: orderId, status, limit, cursor } = request.query;
      const page = await orRefused(
        listWebhookEventsForAdmin(ctx, { merchantIds: merchantFilter(actor, merchantId), orderId, status, limit: pageSize(limit), cursor }),
      );
      return { data: page.data.map(eventBody), next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/webhooks/events/:id',
    {
      schema: {
        summary: 'A webhook event with every delivery attempt',
        params: EventParams,
        response: { 200: WebhookEventDetail, ...ADMIN_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { event, attempts } = await orRefused(webhookEventForAdmin(ctx, actorOf(request), request.params.id));
      return { ...eventBody(event), payload: parsedPayload(event.payload), attempts: attempts.map(attemptBody) };
    },
  );

  app.post(
    '/webhooks/events/:id/replay',
    {
      preValidation: requireRole('support'),
      schema: {
        summary: 'Replay a webhook event under the same id',
        params: EventParams,
        response: { 202: WebhookEvent, ...ADMIN_ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const event = await orRefused(
        replayWebhookEventForAdmin(ctx, actorOf(request), request.params.id, requestIdOf(request), queueReplay),
      );
      return reply.status(202).send(eventBody(event));
    },
  );
}
