import type { GatewayConnector, OperationOutcome } from '../connectors/gateway.js';
import type { Operation } from '../domain/order.js';
import type { OperationOutcomeUpdate } from '../store/orders-repository.js';

/**
 * Calls a connector. A thrown error is a transport failure after which the gateway may or may
 * not have acted, so it becomes an `unknown` outcome to be resolved by a status sync, not a guess.
 */
export async function callGateway<T>(call: () => Promise<T>, unknown: (reason: string) => T): Promise<T> {
  try {
    return await call();
  } catch (error) {
    return unknown(error instanceof Error ? error.message : String(error));
  }
}

/** How an operation outcome is recorded on its row. */
export function operationUpdate(outcome: OperationOutcome): OperationOutcomeUpdate {
  switch (outcome.kind) {
    case 'succeeded':
      return { status: 'SUCCEEDED', gatewayReference: outcome.gatewayReference };
    case 'pending':
      return { status: 'GATEWAY_PENDING', gatewayReference: outcome.gatewayReference };
    case 'failed':
      return { status: 'FAILED', errorCode: outcome.code, errorMessage: outcome.message };
    case 'unknown':
      return { status: 'UNKNOWN', errorMessage: outcome.reason };
  }
}

/** Sends a capture, reversal or refund row to its connector; a transport failure is an unknown outcome. */
export function callOperation(
  connector: GatewayConnector,
  kind: 'capture' | 'reverse' | 'refund',
  operation: Operation,
  connectorReference: string,
  reason?: 'void' | 'remainder',
): Promise<OperationOutcome> {
  const request = {
    ...(reason ? { reason } : {}),
    operationId: operation.id,
    paymentId: operation.paymentId,
    connectorReference,
    amount: operation.amount,
    currency: operation.currency,
  };
  return callGateway<OperationOutcome>(
    () => connector[kind](request),
    (reason) => ({ kind: 'unknown', reason }),
  );
}
