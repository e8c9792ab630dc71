import type { OperationOutcome } from '../../connectors/gateway.js';
import { journalEntry } from '../../domain/ledger.js';
import type { Release } from '../../domain/order.js';
import { remainderJobKey } from '../scheduled-jobs.js';
import { isFinalOutcome, isKnownToGateway, operationAnswer, operationRequest, type KnownPayment } from './gateway-requests.js';
import type { SettleSpec } from './pipeline.js';

interface ReleasePlan {
  release: Release;
  payment: KnownPayment;
}

/**
 * The release of a partial capture's uncaptured remainder, when the capture's own try did not
 * settle it: asked about (or sent again) under its id until the gateway confirms, then moved in
 * the ledger (held → customer). It changes no order state. Run by the job the capture scheduled;
 * a failed release is tried again too, since the money is still held.
 */
export const remainderReleaseSpec: SettleSpec<ReleasePlan, OperationOutcome> = {
  planFor(_ctx, read, releaseId) {
    const release = read.reversals.find((r) => r.id === releaseId && r.kind === 'REMAINDER');
    const payment = read.payments.find((p) => p.id === release?.paymentId);
    if (!release || release.status === 'SUCCEEDED' || !isKnownToGateway(payment)) return undefined;
    return { release, payment };
  },

  inquire: (ctx, plan) => ctx.gateway.settle(plan.payment.connector, 'reverse', operationRequest(plan.release, plan.payment, 'remainder')),

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
        journal: [journalEntry('REVERSE', release.id, release.amount, release.currency)],
      },
      jobs: { cancel: [remainderJobKey(release.id)] },
    };
  },
};
