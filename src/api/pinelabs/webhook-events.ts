import type { NotificationType } from '../../core/notifications.js';
import { randomAlphanumeric } from '../../domain/ids.js';
import type { RenderedWebhook, WebhookRenderer } from '../../webhooks/dialect-events.js';
import type { PublicLinks } from '../public-links.js';
import { renderOrder, renderRefundOrder } from './render.js';

/** Which Pine Labs webhook events each core event raises. */
const EVENTS: Readonly<Record<NotificationType, string[]>> = {
  'payment.started': [],
  'payment.authorized': ['ORDER_AUTHORIZED'],
  'payment.captured': ['ORDER_PROCESSED'],
  'payment.declined': ['PAYMENT_FAILED'],
  'payment.failed': ['PAYMENT_FAILED', 'ORDER_FAILED'],
  'capture.succeeded': ['ORDER_PROCESSED'],
  'capture.failed': ['PAYMENT_FAILED'],
  'void.succeeded': ['ORDER_CANCELLED'],
  'void.failed': [],
  'refund.succeeded': ['REFUND_PROCESSED'],
  'refund.failed': ['REFUND_FAILED'],
  // The order's status becomes FAILED (status.ts): the event Pine Labs sends for an order that failed.
  'order.expired': ['ORDER_FAILED'],
};

/** Svix-style message ids, as Pine Labs sends them: msg_ + 27 characters. */
const messageId = () => `msg_${randomAlphanumeric(27)}`;

/** Pine Labs webhooks: `{event_type, data: Order}` (refund events carry the refund order). */
export function pineLabsWebhooks(links: PublicLinks): WebhookRenderer {
  return (aggregate, event) =>
    EVENTS[event.type].map((eventType): RenderedWebhook => {
      const refund = event.refundId ? aggregate.refunds.find((r) => r.id === event.refundId) : undefined;
      const data = refund ? renderRefundOrder(aggregate, refund) : renderOrder(aggregate, links.base);
      return { id: messageId(), eventType, body: JSON.stringify({ event_type: eventType, data }) };
    });
}
