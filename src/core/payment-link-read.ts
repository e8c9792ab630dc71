import { notFound } from '../domain/errors.js';
import type { OrderAggregate } from '../domain/order.js';
import { orderAsOf } from '../domain/order-expiry.js';
import {
  isPayable,
  paymentLinkStatus,
  type PaymentLink,
  type PaymentLinkNotification,
  type PaymentLinkStatus,
} from '../domain/payment-link.js';
import { loadAggregate, loadAggregateById } from '../store/orders-repository.js';
import {
  findPaymentLink,
  findPaymentLinkAnyMerchant,
  findPaymentLinkByOrder,
  findPaymentLinkByReference,
  markClicked,
  type StoredPaymentLink,
} from '../store/payment-links-repository.js';
import type { CoreContext } from './context.js';

/** A payment link as the merchant and the customer see it: the link, what it recorded, its order, and the status read from both. */
export interface PaymentLinkView {
  link: PaymentLink;
  notifications: PaymentLinkNotification[];
  aggregate: OrderAggregate;
  status: PaymentLinkStatus;
}

/** The link with its order as they read at `now` (a link past its expire_by reads EXPIRED from that instant). */
export function linkView(stored: StoredPaymentLink, aggregate: OrderAggregate, now: Date): PaymentLinkView {
  const current = orderAsOf(aggregate, now);
  return { ...stored, aggregate: current, status: paymentLinkStatus(stored.link, current) };
}

async function withOrder(ctx: CoreContext, stored: StoredPaymentLink | undefined): Promise<PaymentLinkView> {
  const aggregate = stored && (await loadAggregate(ctx.db, stored.link.merchantId, stored.link.orderId));
  // Another merchant's link reads exactly like a missing one.
  if (!stored || !aggregate) throw notFound('payment link', 'payment_link');
  return linkView(stored, aggregate, ctx.clock.now());
}

export async function getPaymentLink(ctx: CoreContext, merchantId: string, id: string): Promise<PaymentLinkView> {
  return withOrder(ctx, await findPaymentLink(ctx.db, merchantId, id));
}

export async function getPaymentLinkByReference(ctx: CoreContext, merchantId: string, reference: string): Promise<PaymentLinkView> {
  return withOrder(ctx, await findPaymentLinkByReference(ctx.db, merchantId, reference));
}

/** The link of an order (a Request-ID replay knows the order its effect was written on). */
export async function getPaymentLinkByOrder(ctx: CoreContext, merchantId: string, orderId: string): Promise<PaymentLinkView> {
  return withOrder(ctx, await findPaymentLinkByOrder(ctx.db, merchantId, orderId));
}

/**
 * The customer opens the link's public page (addressed by the link id alone, like the payment
 * page by the order id). A link that can be paid is marked CLICKED the first time.
 */
export async function openPaymentLink(ctx: CoreContext, id: string): Promise<PaymentLinkView | undefined> {
  const stored = await findPaymentLinkAnyMerchant(ctx.db, id);
  const read = stored && (await loadAggregateById(ctx.db, stored.link.orderId));
  if (!stored || !read) return undefined;
  const now = ctx.clock.now();
  const aggregate = orderAsOf(read, now);
  if (isPayable(aggregate) && !stored.link.clickedAt) {
    await markClicked(ctx.db, id, now);
    return linkView({ ...stored, link: { ...stored.link, clickedAt: now, updatedAt: now } }, aggregate, now);
  }
  return linkView(stored, aggregate, now);
}
