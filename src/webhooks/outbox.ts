import type { NotificationSink } from '../core/notifications.js';
import { enqueueJob } from '../store/jobs-repository.js';
import { loadAggregate } from '../store/orders-repository.js';
import type { Db, Queryable } from '../store/db.js';
import { findWebhookEndpoint, insertWebhookEvent, noWebhookUrlCondition, reopenWebhookEvent } from '../store/webhooks-repository.js';

export { findWebhookEvent, listWebhookEvents, type WebhookEventRow } from '../store/webhooks-repository.js';
import type { WebhookRenderer } from './dialect-events.js';

/**
 * The webhook outbox: each order event becomes the dialect's webhook rows and a delivery job, in
 * the transaction of the state change, so an event exists exactly when the change does. Merchants
 * with no webhook URL get no rows.
 */
export function webhookOutbox(renderers: Readonly<Record<string, WebhookRenderer>>, retrySchedule: readonly number[]): NotificationSink {
  return {
    async record(tx, event, now) {
      const endpoint = await findWebhookEndpoint(tx, event.merchantId);
      if (!endpoint?.url) return;
      const aggregate = await loadAggregate(tx, event.merchantId, event.orderId);
      if (!aggregate) return;
      const render = renderers[aggregate.order.dialect];
      if (!render) throw new Error(`no webhook format for dialect ${aggregate.order.dialect}`);
      for (const webhook of render(aggregate, event, now)) {
        await insertWebhookEvent(
          tx,
          { ...webhook, payload: webhook.body, merchantId: event.merchantId, orderId: event.orderId, dialect: aggregate.order.dialect },
          now,
        );
        await enqueueWebhookDelivery(tx, webhook.id, retrySchedule, now);
      }
    },
    silentCondition: noWebhookUrlCondition,
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

/** Sends an event again under the same id (receivers drop duplicates by it), even if it was delivered before. */
export async function replayWebhookEvent(db: Db, eventId: string, retrySchedule: readonly number[], now: Date): Promise<void> {
  await db.transaction((tx) => replayWebhookEventIn(tx, eventId, retrySchedule, now));
}

/** replayWebhookEvent in the caller's transaction (the admin API audits the replay in it). */
export async function replayWebhookEventIn(tx: Queryable, eventId: string, retrySchedule: readonly number[], now: Date): Promise<void> {
  await reopenWebhookEvent(tx, eventId);
  await enqueueWebhookDelivery(tx, eventId, retrySchedule, now);
}
