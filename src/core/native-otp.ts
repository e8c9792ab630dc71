import { notFound } from '../domain/errors.js';
import type { OrderAggregate, Payment } from '../domain/order.js';
import { findPaymentOrderId } from '../store/payments-repository.js';
import type { CoreContext } from './context.js';
import { completeAuthentication, expireChallenge } from './operations/authorize.js';
import { getOrder } from './read-order.js';

/**
 * Native OTP: the merchant collects the cardholder's OTP in its own page and finishes a 3-D Secure
 * challenge through the API instead of sending the browser to the challenge page. Both paths end
 * in the same core functions (`completeAuthentication`, and `expireChallenge` for a closed window),
 * so the outcome, the ledger and the webhooks are the same whichever the cardholder used.
 */

export interface PaymentOnOrder {
  aggregate: OrderAggregate;
  payment: Payment;
}

/**
 * Where a payment's challenge stands: `open` (waiting for its OTP), `failed` (it was waiting, but
 * its window had closed: the failure is now recorded, exactly as the expiry job records it), or
 * `closed` (no challenge waits: frictionless, already answered, or failed before).
 */
export type ChallengeStanding = PaymentOnOrder & { standing: 'open' | 'failed' | 'closed' };

/** A payment of this merchant with its order; another merchant's payment is not found, like a missing one. */
export async function merchantPayment(ctx: CoreContext, merchantId: string, paymentId: string): Promise<PaymentOnOrder> {
  const orderId = await findPaymentOrderId(ctx.db, merchantId, paymentId);
  if (!orderId) throw notFound('payment');
  return paymentOn(await getOrder(ctx, merchantId, orderId), paymentId);
}

/** Whether the payment still waits for an OTP (`otp/generate`, `otp/resend`). Fails a challenge whose window has closed. */
export async function challengeStanding(ctx: CoreContext, merchantId: string, paymentId: string): Promise<ChallengeStanding> {
  const found = await merchantPayment(ctx, merchantId, paymentId);
  if (!isWaiting(found.payment)) return { ...found, standing: 'closed' };
  const step = await expireChallenge(ctx, { merchantId, orderId: found.aggregate.order.id, operationId: paymentId });
  if (step === 'retry') return { ...found, standing: 'open' };
  const after = await merchantPayment(ctx, merchantId, paymentId);
  return { ...after, standing: after.payment.status === 'FAILED' ? 'failed' : 'closed' };
}

/**
 * Answers the payment's challenge with `otp` (`otp/submit`), exactly as the challenge page does.
 * `answered` carries the payment as recorded — when two answers race, the one that was recorded,
 * whichever OTP this call carried; `closed` means no challenge was waiting.
 */
export async function submitChallengeOtp(
  ctx: CoreContext,
  merchantId: string,
  paymentId: string,
  otp: string,
): Promise<PaymentOnOrder & { result: 'answered' | 'closed' }> {
  const found = await merchantPayment(ctx, merchantId, paymentId);
  const challengeId = found.payment.challengeId;
  if (!isWaiting(found.payment) || !challengeId) return { ...found, result: 'closed' };
  const after = await completeAuthentication(ctx, challengeId, otp);
  // Undefined: another answer used the challenge between the read and the call.
  if (!after) return { ...(await merchantPayment(ctx, merchantId, paymentId)), result: 'closed' };
  return { ...paymentOn(after, paymentId), result: 'answered' };
}

const isWaiting = (payment: Payment): boolean => payment.status === 'PENDING' && payment.challengeId !== null;

function paymentOn(aggregate: OrderAggregate, paymentId: string): PaymentOnOrder {
  const payment = aggregate.payments.find((p) => p.id === paymentId);
  if (!payment) throw notFound('payment');
  return { aggregate, payment };
}
