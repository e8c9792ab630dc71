import type { OperationOutcome } from '../../connectors/gateway.js';
import type { PaymentUpdate } from '../../domain/order-change.js';
import { journalEntry } from '../../domain/ledger.js';
import type { Release, ReleaseKind } from '../../domain/order.js';
import { isFinalOutcome, isKnownToGateway, operationAnswer, operationRequest, type KnownPayment } from './gateway-requests.js';
import type { SettleSpec } from './pipeline.js';

export interface ReleasePlan {
  release: Release;
  payment: KnownPayment;
}

/**
 * A release of held money that changes no order state and is retried until the gateway confirms
 * it, even after a failure, since the money is still held: asked about (or sent again) under its
 * id, then moved in the ledger (held → customer). A partial capture's remainder and the void of an
 * authorization that arrived after its attempt had ended are both this.
 */
export function retriedReleaseSpec(options: {
  kind: Extract<ReleaseKind, 'REMAINDER' | 'LATE_VOID'>;
  /** What the connector is told the reversal is. */
  reason: 'remainder' | 'void';
  /** The job that retries it, cancelled once confirmed. */
  jobKey: (releaseId: string) => string;
  /** What the confirmation changes on the payment, if anything. */
  paymentUpdate?: PaymentUpdate;
}): SettleSpec<ReleasePlan, OperationOutcome> {
  return {
    planFor(_ctx, read, releaseId) {
      const release = read.reversals.find((r) => r.id === releaseId && r.kind === options.kind);
      const payment = read.payments.find((p) => p.id === release?.paymentId);
      if (!release || release.status === 'SUCCEEDED' || !isKnownToGateway(payment)) return undefined;
      return { release, payment };
    },

    inquire: (ctx, plan) =>
      ctx.gateway.settle(plan.payment.connector, 'reverse', operationRequest(plan.release, plan.payment, options.reason)),

    isFinal: isFinalOutcome,

    isDone: (outcome) => outcome.kind === 'succeeded',

    answer(current, { release }, outcome) {
      const row = current.reversals.find((r) => r.id === release.id);
      if (!row || row.status === 'SUCCEEDED') return undefined;
      const answers = [{ table: 'reversals' as const, id: release.id, answer: operationAnswer(outcome) }];
      if (outcome.kind !== 'succeeded') return { change: { version: current.order.version, answers } };
      return {
        change: {
          version: current.order.version,
          answers,
          ...(options.paymentUpdate ? { paymentUpdate: { id: release.paymentId, update: options.paymentUpdate } } : {}),
          journal: [journalEntry('REVERSE', release.id, release.amount, release.currency)],
        },
        jobs: { cancel: [options.jobKey(release.id)] },
      };
    },
  };
}
