import { sameRequest } from './request-fingerprint.js';
import { HoldfastError, invalidInput } from '../domain/errors.js';
import { isSupportedCurrency } from '../domain/money.js';
import type { Customer, Order, OrderAggregate } from '../domain/order.js';
import { MAX_ORDER_LIFETIME_MS, orderAsOf } from '../domain/order-expiry.js';
import { enqueueJobIn } from '../store/jobs-repository.js';
import { claimRequestKeyIn } from '../store/request-keys-repository.js';
import { orderInsert } from '../store/order-writes.js';
import { loadAggregateByReference } from '../store/orders-repository.js';
import type { CoreContext } from './context.js';
import { runClaimingRequestKey } from './operations/order-write.js';
import type { RequestKey } from './request-key.js';
import { orderExpiryJob } from './scheduled-jobs.js';

export interface CreateOrderInput {
  merchantId: string;
  /** The API dialect creating it; the core keeps it for the dialect's webhooks and redirects. */
  dialect: string;
  /** The merchant's own reference: unique per merchant, and the idempotency key of creation. */
  merchantOrderReference: string;
  amount: number;
  currency: string;
  preAuth: boolean;
  /** Where the customer's browser returns after a hosted page. */
  returnUrl?: string | null;
  customer?: Customer | null;
  details: Record<string, unknown>;
  /**
   * Until when the order takes a payment, when the request says (Juspay's order_expiry, a payment
   * link's expire_by), and the request's name for it; otherwise HOLDFAST_ORDER_TTL from now.
   */
  requestedExpiry?: { at: Date; field: string };
  /** Fingerprint of the request, to tell an identical replay from a conflicting reuse. */
  requestFingerprint: string;
  requestKey?: RequestKey;
}

/** Largest order amount in minor units (₹10 lakh), as Pine Labs documents. */
export const MAX_ORDER_AMOUNT = 100_000_000;

/** A new order in CREATED from the input, checked (amount, currency); written by the caller. */
export function newOrder(ctx: CoreContext, input: Omit<CreateOrderInput, 'requestKey'>, now: Date): Order {
  if (!Number.isSafeInteger(input.amount) || input.amount < 1)
    throw invalidInput('amount', 'amount must be an integer of at least 1 minor unit');
  if (input.amount > MAX_ORDER_AMOUNT) throw invalidInput('amount', `amount must be less than or equal to ${MAX_ORDER_AMOUNT}`);
  if (!isSupportedCurrency(input.currency)) throw invalidInput('currency', `currency ${input.currency} is not supported (INR only)`);

  return {
    id: ctx.ids.order(now),
    merchantId: input.merchantId,
    dialect: input.dialect,
    merchantOrderReference: input.merchantOrderReference,
    requestFingerprint: input.requestFingerprint,
    amount: input.amount,
    currency: input.currency,
    preAuth: input.preAuth,
    state: 'CREATED',
    version: 0,
    returnUrl: input.returnUrl ?? null,
    customer: input.customer ?? null,
    // As stored: JSON drops undefined fields.
    details: JSON.parse(JSON.stringify(input.details)) as Record<string, unknown>,
    captureDeadline: null,
    reviewReason: null,
    paymentClosedReason: null,
    expiresAt: input.requestedExpiry?.at ?? new Date(now.getTime() + ctx.orderTtlMs),
    createdAt: now,
    updatedAt: now,
  };
}

/** Why a requested expiry cannot be: not after now, or further than an order may wait; undefined when it can. */
function expiryProblem(requested: { at: Date; field: string }, now: Date): HoldfastError | undefined {
  if (requested.at.getTime() <= now.getTime()) return invalidInput(requested.field, `${requested.field} must be in the future`);
  if (requested.at.getTime() > now.getTime() + MAX_ORDER_LIFETIME_MS)
    return invalidInput(requested.field, `${requested.field} must be within 180 days from now`);
  return undefined;
}

/**
 * Creates an order in CREATED, in one statement with its expiry job and its request id. Replaying
 * the same reference with the same request returns the existing order (even once the expiry it
 * asked for has passed); with a different request it is `idempotency_conflict`.
 */
export async function createOrder(ctx: CoreContext, input: CreateOrderInput): Promise<{ aggregate: OrderAggregate; replayed: boolean }> {
  const now = ctx.clock.now();
  const problem = input.requestedExpiry && expiryProblem(input.requestedExpiry, now);
  if (problem) {
    const replay = await replayOf(ctx, input);
    if (replay) return replay;
    throw problem;
  }
  const order = newOrder(ctx, input, now);
  const { requestKey } = input;
  const created = await runClaimingRequestKey(ctx, input.merchantId, requestKey, () => {
    const write = orderInsert(order);
    if (order.expiresAt) enqueueJobIn(write, orderExpiryJob({ merchantId: order.merchantId, orderId: order.id }, order.expiresAt), now);
    if (requestKey) claimRequestKeyIn(write, input.merchantId, requestKey.id, requestKey.fingerprint, order.id, now);
    return write.run(ctx.db);
  });
  if (created) return { aggregate: { order, payments: [], captures: [], reversals: [], refunds: [], journal: [] }, replayed: false };
  const replay = await replayOf(ctx, input);
  if (!replay) throw new Error('order reference conflicted but no order was found');
  return replay;
}

/** The order this merchant already created under the reference, if any; a different request under it is a conflict. */
async function replayOf(ctx: CoreContext, input: CreateOrderInput): Promise<{ aggregate: OrderAggregate; replayed: true } | undefined> {
  const existing = await loadAggregateByReference(ctx.db, input.merchantId, input.merchantOrderReference);
  if (!existing) return undefined;
  if (!sameRequest(existing.order.requestFingerprint, input.requestFingerprint)) {
    throw new HoldfastError('idempotency_conflict', 'Duplicate Merchant Reference ID received', { field: 'merchant_order_reference' });
  }
  return { aggregate: orderAsOf(existing, ctx.clock.now()), replayed: true };
}
