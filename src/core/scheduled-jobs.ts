import type { NewJob } from '../store/jobs-repository.js';

/**
 * The jobs operations schedule, as rows written with the change that needs them (enqueued in the
 * same statement or transaction), and the keys that cancel them. A key makes rescheduling replace
 * the pending job rather than add a second. The runner is in src/jobs; the handlers in src/job-handlers.ts.
 */
export type SyncKind = 'capture' | 'reversal' | 'refund' | 'authorization';

export interface SyncPolicy {
  /** Delay before the first status inquiry (Default: 10 s). */
  firstDelayMs: number;
  /** Inquiries before the outcome is flagged for manual review (Default: 10; about 3 h with the backoff). */
  maxAttempts: number;
  /**
   * The first inquiry's delay for an operation sent to an upstream gateway (a gateway account):
   * at least twice HOLDFAST_UPSTREAM_TIMEOUT, so it never asks while the call may still be in
   * flight there (docs/gateways.md).
   */
  upstreamFirstDelayMs?: number;
}

/** Whether a connector name stands for a merchant's gateway account at an upstream gateway. */
export const isGatewayAccount = (connector: string) => connector.startsWith('gwa_');

/** Backoff between inquiries: doubling from the first delay, capped at 1 h. */
export function syncBackoffMs(policy: SyncPolicy, attempt: number): number {
  return Math.min(3_600_000, policy.firstDelayMs * 2 ** Math.max(0, attempt - 1));
}

export interface SyncPayload extends Record<string, unknown> {
  merchantId: string;
  orderId: string;
  /** Capture, reversal or refund id; the payment id for an authorization. */
  operationId: string;
}

/** Which jobs a write adds and which it makes unnecessary. */
export interface JobChanges {
  enqueue?: NewJob[];
  cancel?: string[];
}

export const syncJobKey = (operationId: string) => `sync:${operationId}`;
export const autoVoidJobKey = (orderId: string) => `auto-void:${orderId}`;
export const remainderJobKey = (reversalId: string) => `remainder:${reversalId}`;
export const lateVoidJobKey = (reversalId: string) => `late-void:${reversalId}`;
export const challengeExpiryJobKey = (paymentId: string) => `challenge:${paymentId}`;
export const paymentLinkExpiryJobKey = (paymentLinkId: string) => `payment-link-expiry:${paymentLinkId}`;
export const orderExpiryJobKey = (orderId: string) => `order-expiry:${orderId}`;

/**
 * The status inquiry that settles an operation if its answer is pending, never comes, or is never
 * recorded; `connector` is the one the operation goes to (an upstream's may need longer).
 */
export function statusSyncJob(kind: SyncKind, payload: SyncPayload, policy: SyncPolicy, now: Date, connector?: string): NewJob {
  const upstream = connector !== undefined && isGatewayAccount(connector) ? (policy.upstreamFirstDelayMs ?? 0) : 0;
  return {
    kind: `sync.${kind}`,
    key: syncJobKey(payload.operationId),
    payload,
    runAt: new Date(now.getTime() + Math.max(policy.firstDelayMs, upstream)),
    maxAttempts: policy.maxAttempts,
  };
}

/** The end of the capture window: release the authorization if it is still held. */
export function autoVoidJob(merchantId: string, orderId: string, at: Date): NewJob {
  return { kind: 'order.auto_void', key: autoVoidJobKey(orderId), payload: { merchantId, orderId }, runAt: at, maxAttempts: 20 };
}

/** The end of a 3-D Secure challenge's window: a payment still waiting for its OTP then fails authentication. */
export function challengeExpiryJob(payload: SyncPayload, at: Date): NewJob {
  return { kind: 'authorization.challenge_expiry', key: challengeExpiryJobKey(payload.operationId), payload, runAt: at, maxAttempts: 20 };
}

export interface OrderExpiryPayload extends Record<string, unknown> {
  merchantId: string;
  orderId: string;
}

/**
 * The end of an unpaid order's life (its expires_at): it is closed for payment. Written with the
 * order; the answer that makes the order paid, or failed for good, removes it. While a payment is
 * in flight the job waits, with the status sync's backoff, for that payment's outcome.
 */
export function orderExpiryJob(payload: OrderExpiryPayload, at: Date): NewJob {
  return { kind: 'order.expiry', key: orderExpiryJobKey(payload.orderId), payload, runAt: at, maxAttempts: 20 };
}

export interface PaymentLinkExpiryPayload extends Record<string, unknown> {
  merchantId: string;
  orderId: string;
  paymentLinkId: string;
}

/**
 * The end of a payment link (its expire_by): its order is closed for payment. While a payment on it
 * is still in flight the job waits, with the status sync's backoff, for that payment's outcome.
 */
export function paymentLinkExpiryJob(payload: PaymentLinkExpiryPayload, at: Date): NewJob {
  return { kind: 'payment_link.expiry', key: paymentLinkExpiryJobKey(payload.paymentLinkId), payload, runAt: at, maxAttempts: 20 };
}

/**
 * Release of a partial capture's remainder at the gateway, retried until done. The capture tries
 * the release at once in the request; the job is the safety net for a crash or a failed try, so
 * its first run waits as long as a status sync does rather than racing the request's own try.
 */
export function remainderReleaseJob(payload: SyncPayload, policy: SyncPolicy, now: Date): NewJob {
  return retriedReleaseJob('reversal.remainder', remainderJobKey(payload.operationId), payload, policy, now);
}

/**
 * The void of an attempt that proved authorized after it was ended (docs/failover.md), retried
 * until the gateway confirms. Like the remainder's release, the request path tries it at once and
 * the job is the safety net.
 */
export function lateVoidJob(payload: SyncPayload, policy: SyncPolicy, now: Date): NewJob {
  return retriedReleaseJob('reversal.late_void', lateVoidJobKey(payload.operationId), payload, policy, now);
}

/** A release retried until confirmed (operations/retried-release.ts): first run as late as a status sync's. */
function retriedReleaseJob(kind: string, key: string, payload: SyncPayload, policy: SyncPolicy, now: Date): NewJob {
  return { kind, key, payload, runAt: new Date(now.getTime() + policy.firstDelayMs), maxAttempts: 20 };
}
