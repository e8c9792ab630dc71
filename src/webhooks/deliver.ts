import { Webhook } from 'standardwebhooks';
import type { CoreContext } from '../core/context.js';
import { RetryLater, type JobHandler } from '../jobs/job-runner.js';
import {
  findWebhookEndpoint,
  findWebhookEvent,
  markWebhookDelivered,
  markWebhookGivenUp,
  recordWebhookAttempt,
} from '../store/webhooks-repository.js';

export interface DeliveryOptions {
  /** Delays between attempts (HOLDFAST_WEBHOOK_RETRY_SCHEDULE). */
  retrySchedule: readonly number[];
  /** How long a receiver may take to answer (Default: 10 s). */
  timeoutMs?: number;
}

/**
 * Delivers one webhook event: POST of the stored body, signed per Standard Webhooks
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the merchant's secret, plus HTTP
 * Basic credentials when the merchant set them (Juspay's scheme). Every attempt is recorded; any
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
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Holdfast-Webhooks/1' };
      if (endpoint.secretCiphertext) {
        const secret = await ctx.keys.openSecret(endpoint.secretCiphertext);
        headers['webhook-id'] = event.id;
        headers['webhook-timestamp'] = String(Math.floor(sentAt.getTime() / 1000));
        headers['webhook-signature'] = new Webhook(secret).sign(event.id, sentAt, event.payload);
      }
      if (endpoint.basicAuthCiphertext) {
        headers.authorization = `Basic ${Buffer.from(await ctx.keys.openSecret(endpoint.basicAuthCiphertext)).toString('base64')}`;
      }
      const started = performance.now();
      let statusCode: number | null = null;
      let excerpt: string | null = null;
      let error: string | null = null;
      try {
        const response = await fetch(endpoint.url, {
          method: 'POST',
          headers,
          body: event.payload,
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        statusCode = response.status;
        excerpt = await readExcerpt(response, 500);
      } catch (e) {
        error = describeFailure(e);
      }
      const latencyMs = Math.round(performance.now() - started);
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

/** The first `limit` characters of a receiver's answer, without reading a large body whole. */
async function readExcerpt(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.length < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text.slice(0, limit);
}

/** fetch's own message is "fetch failed"; the reason (refused, reset, timeout) is in its cause. */
function describeFailure(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause as { code?: string; message?: string } | undefined;
  return cause ? `${e.name}: ${e.message} (${[cause.code, cause.message].filter(Boolean).join(' ')})` : `${e.name}: ${e.message}`;
}
