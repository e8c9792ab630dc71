import type { CoreContext } from './core/context.js';
import type { StepResult } from './core/operations/pipeline.js';
import { expireChallenge } from './core/operations/authorize.js';
import { autoVoidOrder } from './core/operations/void.js';
import { expireOrder } from './core/order-expiry.js';
import { expirePaymentLink } from './core/payment-link-close.js';
import {
  syncBackoffMs,
  type OrderExpiryPayload,
  type PaymentLinkExpiryPayload,
  type SyncKind,
  type SyncPayload,
} from './core/scheduled-jobs.js';
import { RETENTION_KIND, runRetention, type RetentionPolicy } from './core/retention.js';
import { flagForReview, releaseRemainder, settleLateVoid, syncOperation } from './core/status-sync.js';
import { webhookDeliveryHandler, type DeliveryOptions } from './webhooks/deliver.js';
import { RetryLater, type JobHandler } from './jobs/job-runner.js';

const asSync = (payload: Record<string, unknown>) => payload as SyncPayload;
const retryUnlessDone = (result: StepResult) => {
  if (result === 'retry') throw new RetryLater('outcome not final yet');
};

function statusSync(ctx: CoreContext, kind: SyncKind): JobHandler {
  return {
    backoffMs: (attempt) => syncBackoffMs(ctx.syncPolicy, attempt),
    run: async (job) => {
      retryUnlessDone(await syncOperation(ctx, kind, asSync(job.payload)));
    },
    giveUp: (job, error) => flagForReview(ctx, asSync(job.payload), kind, error),
  };
}

/** Every job kind the core schedules, and what runs it. */
export function jobHandlers(ctx: CoreContext, webhooks: DeliveryOptions, retention: RetentionPolicy): Record<string, JobHandler> {
  return {
    'sync.capture': statusSync(ctx, 'capture'),
    'sync.reversal': statusSync(ctx, 'reversal'),
    'sync.refund': statusSync(ctx, 'refund'),
    'sync.authorization': statusSync(ctx, 'authorization'),
    'reversal.remainder': {
      backoffMs: (attempt) => syncBackoffMs(ctx.syncPolicy, attempt),
      run: async (job) => {
        retryUnlessDone(await releaseRemainder(ctx, asSync(job.payload)));
      },
      giveUp: (job, error) => flagForReview(ctx, asSync(job.payload), 'remainder reversal', error),
    },
    'reversal.late_void': {
      backoffMs: (attempt) => syncBackoffMs(ctx.syncPolicy, attempt),
      run: async (job) => {
        retryUnlessDone(await settleLateVoid(ctx, asSync(job.payload)));
      },
      giveUp: (job, error) => flagForReview(ctx, asSync(job.payload), 'late authorization void', error),
    },
    'authorization.challenge_expiry': {
      backoffMs: (attempt) => syncBackoffMs(ctx.syncPolicy, attempt),
      run: async (job) => {
        retryUnlessDone(await expireChallenge(ctx, asSync(job.payload)));
      },
    },
    'order.expiry': {
      backoffMs: (attempt) => syncBackoffMs(ctx.syncPolicy, attempt),
      run: async (job) => {
        retryUnlessDone(await expireOrder(ctx, job.payload as OrderExpiryPayload));
      },
    },
    'payment_link.expiry': {
      backoffMs: (attempt) => syncBackoffMs(ctx.syncPolicy, attempt),
      run: async (job) => {
        retryUnlessDone(await expirePaymentLink(ctx, job.payload as PaymentLinkExpiryPayload));
      },
    },
    'order.auto_void': {
      backoffMs: (attempt) => syncBackoffMs(ctx.syncPolicy, attempt),
      run: async (job) => {
        retryUnlessDone(await autoVoidOrder(ctx, String(job.payload.merchantId), String(job.payload.orderId)));
      },
      giveUp: (job, error) =>
        flagForReview(
          ctx,
          { merchantId: String(job.payload.merchantId), orderId: String(job.payload.orderId), operationId: 'auto-void' },
          'auto-void',
          error,
        ),
    },
    'webhook.deliver': webhookDeliveryHandler(ctx, webhooks),
    [RETENTION_KIND]: { run: () => runRetention(ctx, retention) },
  };
}
