import type { Queryable } from '../store/db.js';
import type { GuardCondition } from '../store/guarded-write.js';

/**
 * What happened to an order, in the core's words: a notification, recorded with the state change
 * that caused it; the webhook outbox (src/webhooks) turns each into the webhook events of the
 * order's dialect. (Not to be confused with the state machine's events, domain/order-state.ts,
 * which move an order from one state to another.)
 */
export type NotificationType =
  | 'payment.started'
  | 'payment.authorized'
  | 'payment.captured'
  | 'payment.declined'
  | 'payment.failed'
  | 'capture.succeeded'
  | 'capture.failed'
  | 'void.succeeded'
  | 'void.failed'
  | 'refund.succeeded'
  | 'refund.failed'
  /** An unpaid order reached its expiry and was closed for payment (docs/order-expiry.md). */
  | 'order.expired';

export interface OrderNotification {
  type: NotificationType;
  merchantId: string;
  orderId: string;
  /** For refund notifications: which refund. */
  refundId?: string;
}

export interface NotificationSink {
  /** Records the notification in `tx`: it exists if and only if the state change commits. */
  record(tx: Queryable, notification: OrderNotification, now: Date): Promise<void>;
  /**
   * A condition, checked inside a guarded write, that holds exactly when `record` would store
   * nothing for this merchant (e.g. no webhook URL). A state change with a notification can then
   * be one statement with this condition in its guard, and needs the transaction only when the
   * condition fails. Omitted: every notification is recorded in a transaction.
   */
  silentCondition?(merchantId: string): GuardCondition;
}
