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

/** How one delivery attempt of a webhook event ended (webhooks/deliver.ts). */
export type WebhookDeliveryOutcome =
  /** The receiver answered 2xx. */
  | 'delivered'
  /** The receiver answered something else, or did not answer: tried again on the schedule. */
  | 'failed'
  /** The merchant has no webhook URL (yet): tried again on the schedule. */
  | 'no_endpoint'
  /** The last attempt of the schedule failed: the event will not be sent again by itself. */
  | 'gave_up';

export interface WebhookDeliveryRecord {
  outcome: WebhookDeliveryOutcome;
  /** For a delivered event: from the state change that made it to the receiver's 2xx. */
  lagMs?: number;
}

export interface DeliveryOptions {
  /** Delays between attempts (HOLDFAST_WEBHOOK_RETRY_SCHEDULE). */
  retrySchedule: readonly number[];
  /** How long a receiver may take to answer (Default: 10 s). */
  timeoutMs?: number;
  /** Told about every attempt (metrics). */
  observe?: (record: WebhookDeliveryRecord) => void;
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
      if (!endpoint?.url) {
        options.observe?.({ outcome: 'no_endpoint' });
        throw new RetryLater('the merchant has no webhook URL');
      }
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
        const deliveredAt = ctx.clock.now();
        await markWebhookDelivered(ctx.db, event.id, deliveredAt);
        options.observe?.({ outcome: 'delivered', lagMs: deliveredAt.getTime() - event.createdAt.getTime() });
        return;
      }
      options.observe?.({ outcome: 'failed' });
      throw new RetryLater(error ?? `receiver answered ${statusCode}`);
    },
    async giveUp(job) {
      await markWebhookGivenUp(ctx.db, String(job.payload.eventId), ctx.clock.now());
      options.observe?.({ outcome: 'gave_up' });
    },
  };
}
