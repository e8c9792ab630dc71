import type { OrderNotification } from '../core/notifications.js';
import type { OrderAggregate } from '../domain/order.js';

/** One webhook to send: its stable id, the dialect's event name, and the exact body. */
export interface RenderedWebhook {
  id: string;
  eventType: string;
  body: string;
}

/**
 * A dialect's view of an order event: which of its webhook events it raises (none, one or two)
 * and their bodies, rendered from the order as the state change left it.
 */
export type WebhookRenderer = (aggregate: OrderAggregate, event: OrderNotification, now: Date) => RenderedWebhook[];
