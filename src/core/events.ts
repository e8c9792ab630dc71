import type { Queryable } from '../store/db.js';
import type { GuardCondition } from '../store/guarded-write.js';

/**
 * What happened to an order, in the core's words. Recorded in the transaction of the state change;
 * the webhook outbox (src/webhooks) turns each into the events of the order's dialect.
 */
export type OrderEventType =
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
  | 'refund.failed';

export interface OrderEvent {
  type: OrderEventType;
  merchantId: string;
  orderId: string;
  /** For refund events: which refund. */
  refundId?: string;
}

export interface EventSink {
  /** Records the event in `tx`: it exists if and only if the state change commits. */
  record(tx: Queryable, event: OrderEvent, now: Date): Promise<void>;
  /**
   * A condition, checked inside a guarded write, that holds exactly when `record` would store
   * nothing for this merchant (e.g. no webhook URL). A state change that would emit an event can
   * then be one statement with this condition in its guard, and needs the transaction only when
   * the condition fails. Omitted: every event is recorded in a transaction.
   */
  silentCondition?(merchantId: string): GuardCondition;
}
