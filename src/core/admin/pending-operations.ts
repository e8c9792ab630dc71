import type { AuthorizeOutcome, OperationOutcome } from '../../connectors/gateway.js';
import type { Operation, OrderAggregate, Payment } from '../../domain/order.js';
import type { CoreContext } from '../context.js';
import { authorizeSpec } from '../operations/authorize.js';
import { captureSpec } from '../operations/capture.js';
import { isSettled } from '../operations/gateway-requests.js';
import { settleWithOutcome, type AlongsideAnswer } from '../operations/pipeline.js';
import { refundSpec } from '../operations/refund.js';
import { remainderReleaseSpec } from '../operations/release-remainder.js';
import { voidSpec } from '../operations/void.js';

/** What an operation waiting for the gateway is, as the admin API names it. */
export type PendingOperationKind = 'authorization' | 'capture' | 'void' | 'remainder_release' | 'refund';

/** An operation of an order still waiting for the gateway's final answer. */
export interface PendingOperation {
  id: string;
  kind: PendingOperationKind;
  amount: number;
  currency: string;
  status: string;
  /** The connector of the payment it belongs to. */
  connector: string;
  /** What the gateway has handed back for it so far (the authorization's connector reference). */
  gatewayReference: string | null;
}

/** A final answer for an operation, as a gateway gives it. */
export type FinalAnswer = { kind: 'succeeded'; gatewayReference: string } | { kind: 'failed'; code: string; message: string };

function pending(payment: Payment | undefined, operation: Operation, kind: PendingOperationKind): PendingOperation {
  return {
    id: operation.id,
    kind,
    amount: operation.amount,
    currency: operation.currency,
    status: operation.status,
    connector: payment?.connector ?? 'unknown',
    gatewayReference: operation.gatewayReference,
  };
}

/**
 * The operations of an order whose outcome is not final: a payment still PENDING (one waiting on
 * its cardholder's 3-D Secure challenge excepted: the gateway has answered it), and every capture,
 * release and refund without a final answer.
 */
export function pendingOperations(read: OrderAggregate): PendingOperation[] {
  const paymentOf = (id: string) => read.payments.find((p) => p.id === id);
  const authorizations = read.payments
    .filter((p) => p.status === 'PENDING' && !p.challengeId)
    .map((p) => ({
      id: p.id,
      kind: 'authorization' as const,
      amount: p.amount,
      currency: p.currency,
      status: p.status,
      connector: p.connector,
      gatewayReference: p.connectorReference,
    }));
  return [
    ...authorizations,
    ...read.captures.filter((c) => !isSettled(c)).map((c) => pending(paymentOf(c.paymentId), c, 'capture')),
    ...read.reversals
      .filter((r) => !isSettled(r))
      .map((r) => pending(paymentOf(r.paymentId), r, r.kind === 'REMAINDER' ? 'remainder_release' : 'void')),
    ...read.refunds.filter((r) => !isSettled(r)).map((r) => pending(paymentOf(r.paymentId), r, 'refund')),
  ];
}

function operationOutcome(answer: FinalAnswer): OperationOutcome {
  return answer.kind === 'succeeded'
    ? { kind: 'succeeded', gatewayReference: answer.gatewayReference }
    : { kind: 'failed', code: answer.code, message: answer.message };
}

function authorizationOutcome(read: OrderAggregate, paymentId: string, answer: FinalAnswer): AuthorizeOutcome {
  const payment = read.payments.find((p) => p.id === paymentId);
  if (answer.kind === 'failed') {
    return { kind: 'declined', connectorReference: payment?.connectorReference ?? null, code: 'PAYMENT_DECLINED', message: answer.message };
  }
  // What the gateway's approval would carry besides its reference is not known here: kept as stored.
  return {
    kind: 'approved',
    connectorReference: answer.gatewayReference,
    approvalCode: payment?.approvalCode ?? '',
    rrn: payment?.rrn ?? '',
    acquirerReference: payment?.acquirerReference ?? '',
  };
}

/**
 * Records a final answer for one pending operation through the status sync's own answer path
 * (operations/pipeline.ts `settleWithOutcome`): the same state change, ledger postings, jobs and
 * webhook as an inquiry's answer, exactly once. Undefined when the operation is not pending any
 * more (another answer was recorded first).
 */
export function answerPendingOperation(
  ctx: CoreContext,
  read: OrderAggregate,
  operation: PendingOperation,
  answer: FinalAnswer,
  alongside?: AlongsideAnswer,
): Promise<OrderAggregate | undefined> {
  switch (operation.kind) {
    case 'authorization':
      return settleWithOutcome(ctx, authorizeSpec, read, operation.id, authorizationOutcome(read, operation.id, answer), alongside);
    case 'capture':
      return settleWithOutcome(ctx, captureSpec, read, operation.id, { capture: operationOutcome(answer) }, alongside);
    case 'void':
      return settleWithOutcome(ctx, voidSpec, read, operation.id, operationOutcome(answer), alongside);
    case 'remainder_release':
      return settleWithOutcome(ctx, remainderReleaseSpec, read, operation.id, operationOutcome(answer), alongside);
    case 'refund':
      return settleWithOutcome(ctx, refundSpec, read, operation.id, operationOutcome(answer), alongside);
  }
}
