import { HoldfastError, invalidInput } from '../domain/errors.js';
import { newOrderId } from '../domain/ids.js';
import { isSupportedCurrency } from '../domain/money.js';
import type { Dialect, Order, OrderAggregate } from '../domain/order.js';
import { findOrderByReference, insertOrder, loadAggregate } from '../store/orders-repository.js';
import type { CoreContext } from './context.js';
import { recordRequestKey, type RequestKey } from './request-key.js';

export interface CreateOrderInput {
  merchantId: string;
  dialect: Dialect;
  /** The merchant's own reference: unique per merchant, and the idempotency key of creation. */
  merchantOrderReference: string;
  amount: number;
  currency: string;
  preAuth: boolean;
  details: Record<string, unknown>;
  /** Fingerprint of the request, to tell an identical replay from a conflicting reuse. */
  requestFingerprint: string;
  requestKey?: RequestKey;
}

/** Largest order amount in minor units (₹10 lakh), as Pine Labs documents. */
export const MAX_ORDER_AMOUNT = 100_000_000;

/**
 * Creates an order in CREATED. Replaying the same reference with the same request returns the
 * existing order; with a different request it is `idempotency_conflict`.
 */
export async function createOrder(ctx: CoreContext, input: CreateOrderInput): Promise<{ aggregate: OrderAggregate; replayed: boolean }> {
  if (!Number.isSafeInteger(input.amount) || input.amount < 1)
    throw invalidInput('amount', 'amount must be an integer of at least 1 minor unit');
  if (input.amount > MAX_ORDER_AMOUNT) throw invalidInput('amount', `amount must be less than or equal to ${MAX_ORDER_AMOUNT}`);
  if (!isSupportedCurrency(input.currency)) throw invalidInput('currency', `currency ${input.currency} is not supported (INR only)`);

  const now = ctx.clock.now();
  const order: Order = {
    id: newOrderId(now),
    merchantId: input.merchantId,
    dialect: input.dialect,
    merchantOrderReference: input.merchantOrderReference,
    requestFingerprint: input.requestFingerprint,
    amount: input.amount,
    currency: input.currency,
    preAuth: input.preAuth,
    state: 'CREATED',
    details: input.details,
    captureDeadline: null,
    reviewReason: null,
    createdAt: now,
    updatedAt: now,
  };
  const created = await ctx.db.transaction(async (tx) => {
    if (!(await insertOrder(tx, order))) return false;
    await recordRequestKey(tx, input.merchantId, input.requestKey, order.id, now);
    return true;
  });
  const orderId = created ? order.id : await existingOrderId(ctx, input);
  const aggregate = await loadAggregate(ctx.db, input.merchantId, orderId);
  if (!aggregate) throw new Error(`order ${orderId} vanished after creation`);
  return { aggregate, replayed: !created };
}

async function existingOrderId(ctx: CoreContext, input: CreateOrderInput): Promise<string> {
  const existing = await findOrderByReference(ctx.db, input.merchantId, input.merchantOrderReference);
  if (!existing) throw new Error('order reference conflicted but no order was found');
  if (existing.requestFingerprint !== input.requestFingerprint) {
    throw new HoldfastError('idempotency_conflict', 'Duplicate Merchant Reference ID received', { field: 'merchant_order_reference' });
  }
  return existing.id;
}
