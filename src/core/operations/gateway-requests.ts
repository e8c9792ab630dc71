import type { OperationOutcome, OperationRequest } from '../../connectors/gateway.js';
import type { OperationAnswer } from '../../domain/order-change.js';
import type { Operation, OperationStatus, Payment } from '../../domain/order.js';
import type { OrderState, OrderEvent } from '../../domain/order-state.js';
import { nextState } from '../../domain/order-state.js';

/** A payment the gateway knows, by the reference its authorization handed back. */
export type KnownPayment = Payment & { connectorReference: string };

export function isKnownToGateway(payment: Payment | undefined): payment is KnownPayment {
  return payment?.connectorReference !== null && payment?.connectorReference !== undefined;
}

/** What a connector is sent for a capture, release or refund row. */
export function operationRequest(operation: Operation, payment: KnownPayment, reason?: 'void' | 'remainder'): OperationRequest {
  return {
    operationId: operation.id,
    orderId: operation.orderId,
    paymentId: operation.paymentId,
    connectorReference: payment.connectorReference,
    amount: operation.amount,
    currency: operation.currency,
    ...(reason ? { reason } : {}),
  };
}

/** How an operation row records a gateway answer, with the latency of the call that gave it. */
export function operationAnswer(outcome: OperationOutcome): OperationAnswer {
  const latencyMs = outcome.latencyMs ?? null;
  switch (outcome.kind) {
    case 'succeeded':
    case 'pending':
      return {
        status: outcome.kind === 'succeeded' ? 'SUCCEEDED' : 'GATEWAY_PENDING',
        errorCode: null,
        errorMessage: null,
        gatewayReference: outcome.gatewayReference,
        latencyMs,
      };
    case 'failed':
      return { status: 'FAILED', errorCode: outcome.code, errorMessage: outcome.message, gatewayReference: null, latencyMs };
    case 'unknown':
      return { status: 'UNKNOWN', errorCode: null, errorMessage: outcome.reason, gatewayReference: null, latencyMs };
  }
}

/** A gateway answer that settles an operation (success or failure), as opposed to pending or unknown. */
export const isFinalOutcome = (outcome: OperationOutcome) => outcome.kind === 'succeeded' || outcome.kind === 'failed';

const FINAL_STATUSES: ReadonlySet<OperationStatus> = new Set(['SUCCEEDED', 'FAILED']);

/** An operation row that already holds a final answer: a second answer records nothing. */
export const isSettled = (operation: Operation) => FINAL_STATUSES.has(operation.status);

/** The state an event leads to from `from`; throws when the table has no such edge (the callers check first). */
export function transition(from: OrderState, event: OrderEvent): OrderState {
  const to = nextState(from, event);
  if (!to) throw new Error(`no transition ${event} from ${from}`);
  return to;
}
