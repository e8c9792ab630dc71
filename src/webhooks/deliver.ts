import type { CoreContext } from '../core/context.js';
import { RetryLater, type JobHandler } from '../jobs/job-runner.js';
import {
  findWebhookEndpoint,
  findWebhookEvent,
  markWebhookDelivered,
  markWebhookGivenUp,
  recordWebhookAttempt,
} from '../store/webhooks-repository.js';
import { postWebhook } from './send.js';
import { webhookHeaders } from './signing.js';

export interface DeliveryOptions {
  /** Delays between attempts (HOLDFAST_WEBHOOK_RETRY_SCHEDULE). */
  retrySchedule: readonly number[];
  /** How long a receiver may take to answer (Default: 10 s). */
  timeoutMs?: number;
}

/**
 * Delivers one webhook event: POST of the stored body, signed per Standard Webhooks
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with each of the merchant's working
 * secrets, plus HTTP Basic credentials when the merchant set them (Juspay's scheme, signing.ts). Every attempt is recorded; any
 * answer but 2xx is retried on the schedule. The id is stable, so receivers drop duplicates by it.
 */
export function webhookDeliveryHandler(ctx: CoreContext, options: DeliveryOptions): JobHandler {
  return {
    backoffMs: (attempt) => options.retrySchedule[Math.min(attempt, options.retrySchedule.length) - 1] ?? 60_000,
    async run(job) {
      const eventId = String(job.payload.eventId);
      const event = await findWebhookEvent(ctx.db, eventId);
      if (!event || event.deliveredAt) return;
      const endpoint = await findWebhookEndpoint(ctx.db, event.merchantId);
      if (!endpoint?.url) throw new RetryLater('the merchant has no webhook URL');
      const sentAt = ctx.clock.now();
      const headers = await webhookHeaders(ctx, event.merchantId, endpoint, { id: event.id, sentAt, payload: event.payload });
      const { statusCode, excerpt, error, latencyMs } = await postWebhook(
        endpoint.url,
        headers,
        event.payload,
        options.timeoutMs ?? 10_000,
      );
      await recordWebhookAttempt(
        ctx.db,
        { eventId: event.id, url: endpoint.url, statusCode, latencyMs, responseExcerpt: excerpt, error },
        ctx.clock.now(),
      );
      if (statusCode !== null && statusCode >= 200 && statusCode < 300) {
        await markWebhookDelivered(ctx.db, event.id, ctx.clock.now());
        return;
      }
      throw new RetryLater(error ?? `receiver answered ${statusCode}`);
    },
    async giveUp(job) {
      await markWebhookGivenUp(ctx.db, String(job.payload.eventId), ctx.clock.now());
    },
  };
}
