import type { AuthorizeOutcome } from '../../connectors/gateway.js';
import { newId } from '../../domain/ids.js';
import { journalEntry } from '../../domain/ledger.js';
import { initiatedOperation, type OrderAggregate, type Payment, type Release } from '../../domain/order.js';
import { setReviewReason } from '../../store/orders-repository.js';
import { recordAudit } from '../admin/audit.js';
import type { CoreContext } from '../context.js';
import { lateVoidJob, lateVoidJobKey } from '../scheduled-jobs.js';
import { operationRequest, type KnownPayment } from './gateway-requests.js';
import { recordAnswer, recordAnswerOnce } from './pipeline.js';
import { retriedReleaseSpec, type ReleasePlan } from './retried-release.js';

/** The actor of what Holdfast does by itself, for the audit log. */
const SYSTEM_ACTOR = { kind: 'system', id: null, name: 'holdfast', role: 'admin', merchantIds: null } as const;

/**
 * An authorization that arrived for an attempt Holdfast had already ended (failed over from,
 * declined, or not found at its gateway): the merchant was told it failed, so the money must not
 * stay held. It is recorded (AUTHORIZE) and voided at the gateway that authorized it (REVERSE),
 * with no webhook to the merchant and an audit entry (docs/failover.md). The order's state does not
 * change. A sale (authorized and captured at once) cannot be voided: it goes to manual review.
 * Returns the order after, or undefined when there was nothing to do (already recorded).
 */
export async function voidLateAuthorization(
  ctx: CoreContext,
  read: OrderAggregate,
  payment: Payment,
  outcome: Extract<AuthorizeOutcome, { kind: 'approved' }>,
): Promise<OrderAggregate | undefined> {
  const target = { merchantId: read.order.merchantId, orderId: read.order.id };
  const now = ctx.clock.now();
  if (!read.order.preAuth) {
    const reason = `${payment.connector} reports attempt ${payment.id} charged after Holdfast had ended it: refund it at the gateway`;
    await setReviewReason(ctx.db, read.order.id, reason, now);
    return undefined;
  }
  const release: Release = {
    ...initiatedOperation(
      { id: newId('rev'), orderId: read.order.id, paymentId: payment.id, amount: payment.amount, currency: payment.currency },
      now,
    ),
    kind: 'LATE_VOID',
  };
  const known: KnownPayment = { ...payment, connectorReference: outcome.connectorReference };
  const recorded = await recordAnswerOnce(ctx, lateAuthorizationSpec, target, read, { release, payment: known }, outcome, (tx) =>
    recordAudit(
      tx,
      SYSTEM_ACTOR,
      {
        action: 'payment.late_authorization_void',
        targetType: 'payment',
        targetId: payment.id,
        merchantId: read.order.merchantId,
        before: { status: payment.status },
        after: { status: 'FAILED', release: release.id, connector: payment.connector },
        reason: `${payment.connector} authorized attempt ${payment.id} after Holdfast had ended it; voiding it there`,
      },
      now,
    ).then(() => undefined),
  );
  if (!recorded.recorded) return undefined;
  const voided = await ctx.gateway.operate(payment.connector, 'reverse', operationRequest(release, known, 'void'));
  return recordAnswer(ctx, lateVoidSpec, target, recorded.aggregate, { release, payment: known }, voided);
}

/** Records the late authorization and the void it starts, once: none when the attempt already has one. */
const lateAuthorizationSpec = {
  answer(
    current: OrderAggregate,
    { release, payment }: ReleasePlan,
    outcome: Extract<AuthorizeOutcome, { kind: 'approved' }>,
    ctx: CoreContext,
    now: Date,
  ) {
    const row = current.payments.find((p) => p.id === payment.id);
    if (row?.status !== 'FAILED' || current.reversals.some((r) => r.paymentId === payment.id)) return undefined;
    const payload = { merchantId: current.order.merchantId, orderId: current.order.id, operationId: release.id };
    return {
      change: {
        version: current.order.version,
        paymentUpdate: {
          id: payment.id,
          update: {
            status: 'FAILED' as const,
            connectorReference: outcome.connectorReference,
            approvalCode: outcome.approvalCode,
            rrn: outcome.rrn,
            acquirerReference: outcome.acquirerReference,
            gatewayDetails: outcome.details,
            gatewayLatencyMs: outcome.latencyMs ?? null,
            errorMessage: 'Authorized at the gateway after the attempt had ended; being voided there',
          },
        },
        newRelease: release,
        journal: [journalEntry('AUTHORIZE', payment.id, payment.amount, payment.currency)],
      },
      jobs: { enqueue: [lateVoidJob(payload, ctx.syncPolicy, now)] },
    };
  },
};

/** The late void, until the gateway confirms it: then the money goes back (REVERSE); the attempt stays FAILED, as the merchant was told. */
export const lateVoidSpec = retriedReleaseSpec({
  kind: 'LATE_VOID',
  reason: 'void',
  jobKey: lateVoidJobKey,
  paymentUpdate: { status: 'FAILED', errorMessage: 'Authorized at the gateway after the attempt had ended; voided there' },
});
