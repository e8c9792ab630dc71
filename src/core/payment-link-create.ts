import { sameRequest } from './request-fingerprint.js';
import { HoldfastError, invalidInput } from '../domain/errors.js';
import type { Customer } from '../domain/order.js';
import type { PaymentLink } from '../domain/payment-link.js';
import { enqueueJobIn } from '../store/jobs-repository.js';
import { findMerchant } from '../store/merchants-repository.js';
import { orderInsert } from '../store/order-writes.js';
import { findPaymentLinkByReference, notificationsInsertIn, paymentLinkInsertIn } from '../store/payment-links-repository.js';
import { claimRequestKeyIn } from '../store/request-keys-repository.js';
import type { CoreContext } from './context.js';
import { newOrder } from './create-order.js';
import { runClaimingRequestKey } from './operations/order-write.js';
import { linkNotifications } from './payment-link-messages.js';
import { getPaymentLinkByReference, linkView, type PaymentLinkView } from './payment-link-read.js';
import type { RequestKey } from './request-key.js';
import { paymentLinkExpiryJob } from './scheduled-jobs.js';

/** How long a link lives when the merchant gives no expire_by (docs/payment-links.md), and the longest it may. */
export const DEFAULT_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const MAX_LINK_LIFETIME_MS = 180 * 24 * 60 * 60 * 1000;

export interface CreatePaymentLinkInput {
  merchantId: string;
  dialect: string;
  /** The link's id, in the dialect's shape, and the URL of its page. */
  id: string;
  url: string;
  merchantPaymentLinkReference: string;
  amount: number;
  currency: string;
  preAuth: boolean;
  description: string | null;
  expireBy: Date | undefined;
  returnUrl: string | null;
  customer: Customer | null;
  /** What the order keeps (callback URLs, customer, …) and what the link keeps beside it. */
  orderDetails: Record<string, unknown>;
  linkDetails: Record<string, unknown>;
  requestFingerprint: string;
  requestKey?: RequestKey;
}

/**
 * Creates the link and its order in ONE statement (the order's insert is the guard; the link, the
 * notification Holdfast would have sent, the expiry job and the request id ride on it). The
 * merchant's reference is the idempotency key: the same request again answers the existing link,
 * a different one is `idempotency_conflict`.
 */
export async function createPaymentLink(ctx: CoreContext, input: CreatePaymentLinkInput): Promise<PaymentLinkView> {
  const now = ctx.clock.now();
  const existing = await replayOf(ctx, input);
  if (existing) return existing;
  const expireBy = input.expireBy ?? new Date(now.getTime() + DEFAULT_LINK_LIFETIME_MS);
  if (expireBy.getTime() <= now.getTime()) throw invalidInput('expire_by', 'expire_by must be in the future');
  if (expireBy.getTime() > now.getTime() + MAX_LINK_LIFETIME_MS) {
    throw invalidInput('expire_by', 'expire_by must be within 180 days from now');
  }
  // The link's id is its order's reference: unique per merchant and never one the merchant chose for an order of its own.
  const order = newOrder(
    ctx,
    {
      merchantId: input.merchantId,
      dialect: input.dialect,
      merchantOrderReference: input.id,
      amount: input.amount,
      currency: input.currency,
      preAuth: input.preAuth,
      returnUrl: input.returnUrl,
      customer: input.customer,
      details: { ...input.orderDetails, payment_link_id: input.id },
      requestFingerprint: input.requestFingerprint,
    },
    now,
  );
  const link: PaymentLink = {
    id: input.id,
    merchantId: input.merchantId,
    merchantPaymentLinkReference: input.merchantPaymentLinkReference,
    requestFingerprint: input.requestFingerprint,
    orderId: order.id,
    description: input.description,
    expireBy,
    clickedAt: null,
    details: JSON.parse(JSON.stringify(input.linkDetails)) as Record<string, unknown>,
    createdAt: now,
    updatedAt: now,
  };
  const merchantName = (await findMerchant(ctx.db, input.merchantId))?.name ?? '';
  const notifications = linkNotifications(
    { link, amount: order.amount, currency: order.currency, merchantName, url: input.url, customer: order.customer },
    now,
  );
  const { requestKey } = input;
  const created = await runClaimingRequestKey(ctx, input.merchantId, requestKey, () => {
    const w = orderInsert(order);
    paymentLinkInsertIn(w, link);
    notificationsInsertIn(w, link.id, notifications);
    enqueueJobIn(w, paymentLinkExpiryJob({ merchantId: input.merchantId, orderId: order.id, paymentLinkId: link.id }, expireBy), now);
    if (requestKey) claimRequestKeyIn(w, input.merchantId, requestKey.id, requestKey.fingerprint, order.id, now);
    return w.run(ctx.db);
  });
  if (created) {
    return linkView({ link, notifications }, { order, payments: [], captures: [], reversals: [], refunds: [], journal: [] });
  }
  // Another request created a link with this reference first.
  const raced = await replayOf(ctx, input);
  if (!raced) throw new Error('payment link reference conflicted but no link was found');
  return raced;
}

/** The link this merchant already created with the reference, if the request is the same; a different request is a conflict. */
async function replayOf(ctx: CoreContext, input: CreatePaymentLinkInput): Promise<PaymentLinkView | undefined> {
  const stored = await findPaymentLinkByReference(ctx.db, input.merchantId, input.merchantPaymentLinkReference);
  if (!stored) return undefined;
  if (!sameRequest(stored.link.requestFingerprint, input.requestFingerprint)) {
    throw new HoldfastError('idempotency_conflict', 'Duplicate Merchant Reference ID received', {
      field: 'merchant_payment_link_reference',
    });
  }
  return getPaymentLinkByReference(ctx, input.merchantId, input.merchantPaymentLinkReference);
}
