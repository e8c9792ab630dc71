import { deleteJobIn, enqueueJob, enqueueJobIn, type NewJob } from '../store/jobs-repository.js';
import type { Queryable } from '../store/db.js';
import type { GuardedWrite } from '../store/guarded-write.js';

/**
 * The jobs core schedules, each in the transaction of the change that needs it. Keys make
 * rescheduling replace rather than duplicate. Handlers live in core/resolve-*.ts; the runner in src/jobs.
 */
export type SyncKind = 'capture' | 'reversal' | 'refund' | 'authorization';

export interface SyncPolicy {
  /** Delay before the first status inquiry (Default: 10 s). */
  firstDelayMs: number;
  /** Inquiries before the outcome is flagged for manual review (Default: 10; about 3 h with the backoff). */
  maxAttempts: number;
}

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

const syncJobKey = (operationId: string) => `sync:${operationId}`;
const autoVoidJobKey = (orderId: string) => `auto-void:${orderId}`;
const remainderJobKey = (reversalId: string) => `remainder:${reversalId}`;

function statusSyncJob(kind: SyncKind, payload: SyncPayload, policy: SyncPolicy, now: Date): NewJob {
  return {
    kind: `sync.${kind}`,
    key: syncJobKey(payload.operationId),
    payload,
    runAt: new Date(now.getTime() + policy.firstDelayMs),
    maxAttempts: policy.maxAttempts,
  };
}

export async function scheduleStatusSync(
  tx: Queryable,
  kind: SyncKind,
  payload: SyncPayload,
  policy: SyncPolicy,
  now: Date,
): Promise<void> {
  await enqueueJob(tx, statusSyncJob(kind, payload, policy, now), now);
}

export function scheduleStatusSyncIn(w: GuardedWrite, kind: SyncKind, payload: SyncPayload, policy: SyncPolicy, now: Date): void {
  enqueueJobIn(w, statusSyncJob(kind, payload, policy, now), now);
}

/** The operation's answer is final: its safety-net inquiry is not needed. */
export async function cancelStatusSync(tx: Queryable, operationId: string): Promise<void> {
  await tx.query('delete from jobs where job_key = $1', [syncJobKey(operationId)]);
}

export function cancelStatusSyncIn(w: GuardedWrite, operationId: string): void {
  deleteJobIn(w, syncJobKey(operationId));
}

/** The end of the capture window: release the authorization if it is still held. */
export async function scheduleAutoVoid(tx: Queryable, merchantId: string, orderId: string, at: Date, now: Date): Promise<void> {
  await enqueueJob(
    tx,
    { kind: 'order.auto_void', key: autoVoidJobKey(orderId), payload: { merchantId, orderId }, runAt: at, maxAttempts: 20 },
    now,
  );
}

/** Nothing is held any more (captured or voided): the capture window's job is not needed. */
export async function cancelAutoVoid(tx: Queryable, orderId: string): Promise<void> {
  await tx.query('delete from jobs where job_key = $1', [autoVoidJobKey(orderId)]);
}

export function cancelAutoVoidIn(w: GuardedWrite, orderId: string): void {
  deleteJobIn(w, autoVoidJobKey(orderId));
}

/**
 * Release of a partial capture's remainder at the gateway, retried until done. The capture tries
 * the release at once in the request; the job is the safety net for a crash or a failed try, so
 * its first run waits as long as a status sync does rather than racing the request's own try.
 */
export function scheduleRemainderReversalIn(w: GuardedWrite, payload: SyncPayload, policy: SyncPolicy, now: Date): void {
  enqueueJobIn(
    w,
    {
      kind: 'reversal.remainder',
      key: remainderJobKey(payload.operationId),
      payload,
      runAt: new Date(now.getTime() + policy.firstDelayMs),
      maxAttempts: 20,
    },
    now,
  );
}

/** The remainder is released: its job has nothing left to do. */
export function cancelRemainderReversalIn(w: GuardedWrite, reversalId: string): void {
  deleteJobIn(w, remainderJobKey(reversalId));
}
