import { sameRequest } from './request-fingerprint.js';
import { HoldfastError, invalidInput } from '../domain/errors.js';
import { isSupportedCurrency } from '../domain/money.js';
import type { Customer, Order, OrderAggregate } from '../domain/order.js';
import { claimRequestKeyIn } from '../store/request-keys-repository.js';
import { orderInsert } from '../store/order-writes.js';
import { loadAggregateByReference } from '../store/orders-repository.js';
import type { CoreContext } from './context.js';
import { runClaimingRequestKey } from './operations/order-write.js';
import type { RequestKey } from './request-key.js';

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
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Creates an order in CREATED, in one statement with its request id. Replaying the same reference
 * with the same request returns the existing order; with a different request it is `idempotency_conflict`.
 */
export async function createOrder(ctx: CoreContext, input: CreateOrderInput): Promise<{ aggregate: OrderAggregate; replayed: boolean }> {
  const now = ctx.clock.now();
  const order = newOrder(ctx, input, now);
  const { requestKey } = input;
  const created = await runClaimingRequestKey(ctx, input.merchantId, requestKey, () => {
    const write = orderInsert(order);
    if (requestKey) claimRequestKeyIn(write, input.merchantId, requestKey.id, requestKey.fingerprint, order.id, now);
    return write.run(ctx.db);
  });
  if (created) return { aggregate: { order, payments: [], captures: [], reversals: [], refunds: [], journal: [] }, replayed: false };
  const existing = await loadAggregateByReference(ctx.db, input.merchantId, input.merchantOrderReference);
  if (!existing) throw new Error('order reference conflicted but no order was found');
  if (!sameRequest(existing.order.requestFingerprint, input.requestFingerprint)) {
    throw new HoldfastError('idempotency_conflict', 'Duplicate Merchant Reference ID received', { field: 'merchant_order_reference' });
  }
  return { aggregate: existing, replayed: true };
}
