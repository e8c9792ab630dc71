import type { OrderAggregate } from './order.js';
import type { OrderState } from './order-state.js';

/**
 * A payment link (Pine Labs "Pay by Link", docs/payment-links.md): a hosted page for one order,
 * created with the link. Only what the order cannot say is kept on the link; its status is read
 * from the order, so a payment, its answer and the link's status can never disagree.
 */
export interface PaymentLink {
  id: string;
  merchantId: string;
  merchantPaymentLinkReference: string;
  requestFingerprint: string;
  orderId: string;
  description: string | null;
  expireBy: Date;
  clickedAt: Date | null;
  /** The request's other fields as given (customer, product_details, merchant_metadata, …). */
  details: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** A message Holdfast would have sent the customer (it sends no e-mail or SMS): recorded on the link instead. */
export interface PaymentLinkNotification {
  channel: 'EMAIL' | 'SMS';
  recipient: string;
  message: string;
  createdAt: Date;
}

/** The statuses of Pine Labs' payment-link life cycle (docs/payment-links.md). */
export type PaymentLinkStatus = 'CREATED' | 'CLICKED' | 'PAYMENT_INITIATED' | 'PROCESSED' | 'CANCELLED' | 'EXPIRED';

/** States reached only through an approved payment: the link has been paid, whatever the merchant did next. */
const PAID_STATES: ReadonlySet<OrderState> = new Set<OrderState>([
  'AUTHORIZED',
  'CAPTURE_PENDING',
  'CAPTURED',
  'PARTIALLY_CAPTURED',
  'CAPTURE_FAILED',
  'VOID_PENDING',
  'VOIDED',
  'VOID_FAILED',
  'PARTIALLY_REFUNDED',
  'FULLY_REFUNDED',
]);

export function isPaid(state: OrderState): boolean {
  return PAID_STATES.has(state);
}

/**
 * The link's status, from its order: paid (a pre-auth link counts as paid once authorized: the
 * customer's part is done) → PROCESSED; closed → EXPIRED / CANCELLED; a payment started, declined
 * or failed → PAYMENT_INITIATED; otherwise CLICKED once opened, else CREATED.
 */
export function paymentLinkStatus(link: PaymentLink, aggregate: OrderAggregate): PaymentLinkStatus {
  const { order } = aggregate;
  if (isPaid(order.state)) return 'PROCESSED';
  if (order.paymentClosedReason === 'expired') return 'EXPIRED';
  if (order.paymentClosedReason === 'cancelled') return 'CANCELLED';
  if (order.state !== 'CREATED') return 'PAYMENT_INITIATED';
  return link.clickedAt ? 'CLICKED' : 'CREATED';
}

/** Whether the customer may pay it now: not paid, not closed, and no payment in flight or final decline. */
export function isPayable(aggregate: OrderAggregate): boolean {
  const { order } = aggregate;
  return order.paymentClosedReason === null && (order.state === 'CREATED' || order.state === 'ATTEMPTED');
}
