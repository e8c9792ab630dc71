import type { OperationOutcome } from '../../connectors/gateway.js';
import { journalEntry } from '../../domain/ledger.js';
import type { Reversal } from '../../domain/order.js';
import { remainderJobKey } from '../scheduled-jobs.js';
import { isFinalOutcome, isKnownToGateway, operationAnswer, operationRequest, type KnownPayment } from './gateway-requests.js';
import type { SettleSpec } from './pipeline.js';

interface ReleasePlan {
  reversal: Reversal;
  payment: KnownPayment;
}

/**
 * The release of a partial capture's uncaptured remainder, when the capture's own try did not
 * settle it: asked about (or sent again) under its id until the gateway confirms, then moved in
 * the ledger (held → customer). It changes no order state. Run by the job the capture scheduled;
 * a failed release is tried again too, since the money is still held.
 */
export const remainderReleaseSpec: SettleSpec<ReleasePlan, OperationOutcome> = {
  planFor(_ctx, read, reversalId) {
    const reversal = read.reversals.find((r) => r.id === reversalId && r.kind === 'REMAINDER');
    const payment = read.payments.find((p) => p.id === reversal?.paymentId);
    if (!reversal || reversal.status === 'SUCCEEDED' || !isKnownToGateway(payment)) return undefined;
    return { reversal, payment };
  },

  inquire: (ctx, plan) => ctx.gateway.settle(plan.payment.connector, 'reverse', operationRequest(plan.reversal, plan.payment, 'remainder')),

  isFinal: isFinalOutcome,

  isDone: (outcome) => outcome.kind === 'succeeded',

  answer(current, { reversal }, outcome) {
    const row = current.reversals.find((r) => r.id === reversal.id);
    if (!row || row.status === 'SUCCEEDED') return undefined;
    const answers = [{ table: 'reversals' as const, id: reversal.id, answer: operationAnswer(outcome) }];
    if (outcome.kind !== 'succeeded') return { change: { version: current.order.version, answers } };
    return {
      change: {
        version: current.order.version,
        answers,
        journal: [journalEntry('REVERSE', reversal.id, reversal.amount, reversal.currency)],
      },
      jobs: { cancel: [remainderJobKey(reversal.id)] },
    };
  },
};
