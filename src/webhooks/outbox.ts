import type { EventSink } from '../core/events.js';
import type { Dialect } from '../domain/order.js';
import { enqueueJob } from '../store/jobs-repository.js';
import { loadAggregate } from '../store/orders-repository.js';
import { findWebhookEndpoint, insertWebhookEvent, noWebhookUrlCondition } from '../store/webhooks-repository.js';
import type { WebhookRenderer } from './dialect-events.js';

/**
 * The webhook outbox: each order event becomes the dialect's webhook rows and a delivery job, in
 * the transaction of the state change, so an event exists exactly when the change does. Merchants
 * with no webhook URL get no rows.
 */
export function webhookOutbox(renderers: Readonly<Record<Dialect, WebhookRenderer>>, retrySchedule: readonly number[]): EventSink {
  return {
    async record(tx, event, now) {
      const endpoint = await findWebhookEndpoint(tx, event.merchantId);
      if (!endpoint?.url) return;
      const aggregate = await loadAggregate(tx, event.merchantId, event.orderId);
      if (!aggregate) return;
      for (const webhook of renderers[aggregate.order.dialect](aggregate, event, now)) {
        await insertWebhookEvent(
          tx,
          { ...webhook, payload: webhook.body, merchantId: event.merchantId, orderId: event.orderId, dialect: aggregate.order.dialect },
          now,
        );
        await enqueueWebhookDelivery(tx, webhook.id, retrySchedule, now);
      }
    },
    silentCondition: (w, merchantId) => noWebhookUrlCondition(w, merchantId),
  };
}

/** One delivery job per event: the first attempt now, then one per delay of the schedule. */
export async function enqueueWebhookDelivery(
  tx: Parameters<typeof enqueueJob>[0],
  eventId: string,
  retrySchedule: readonly number[],
  now: Date,
): Promise<void> {
  await enqueueJob(
    tx,
    { kind: 'webhook.deliver', key: `webhook:${eventId}`, payload: { eventId }, runAt: now, maxAttempts: retrySchedule.length + 1 },
    now,
  );
}
