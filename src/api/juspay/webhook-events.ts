import type { NotificationType } from '../../core/notifications.js';
import { randomAlphanumeric } from '../../domain/ids.js';
import type { OrderAggregate } from '../../domain/order.js';
import type { RenderedWebhook, WebhookRenderer } from '../../webhooks/dialect-events.js';
import type { PublicLinks } from '../public-links.js';
import { renderOrder } from './render.js';
import { juspayOrderStatus } from './status.js';

/** Which Juspay webhook events each core event raises. */
function eventNames(type: NotificationType, aggregate: OrderAggregate): string[] {
  switch (type) {
    case 'payment.started':
      return ['TXN_CREATED'];
    case 'payment.authorized':
      return ['ORDER_AUTHORIZED'];
    case 'payment.captured':
      return ['ORDER_SUCCEEDED'];
    case 'payment.declined':
    case 'payment.failed':
      return ['ORDER_FAILED'];
    case 'capture.succeeded':
      return [juspayOrderStatus(aggregate) === 'PARTIAL_CHARGED' ? 'ORDER_PARTIAL_CHARGED' : 'ORDER_SUCCEEDED'];
    case 'capture.failed':
      return ['ORDER_CAPTURE_FAILED'];
    case 'void.succeeded':
      return ['ORDER_VOIDED'];
    case 'void.failed':
      return ['ORDER_VOID_FAILED'];
    case 'refund.succeeded':
      return ['ORDER_REFUNDED'];
    case 'refund.failed':
      return ['ORDER_REFUND_FAILED'];
    case 'order.expired':
      // NEW becomes AUTHENTICATION_FAILED (status.ts); an order with a declined attempt already read failed and said so.
      return aggregate.order.state === 'CREATED' ? ['ORDER_FAILED'] : [];
  }
}

/** Juspay webhooks: `{id, event_name, date_created, content: {order}}`. */
export function juspayWebhooks(links: PublicLinks): WebhookRenderer {
  return (aggregate, event, now) =>
    eventNames(event.type, aggregate).map((eventName): RenderedWebhook => {
      const id = `evt_V2_${randomAlphanumeric(24)}`;
      const body = {
        id,
        event_name: eventName,
        date_created: `${now.toISOString().slice(0, 19)}Z`,
        content: { order: renderOrder(aggregate, links.base) },
      };
      return { id, eventType: eventName, body: JSON.stringify(body) };
    });
}
