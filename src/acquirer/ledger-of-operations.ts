/**
 * The simulator's in-memory record of what it did: every authorization and operation it applied,
 * indexed by the caller's idempotency keys, plus an append-only list of effects so a test can
 * check that a retried request had one effect, not two. Card numbers are never kept here.
 */
import type { OperationKind } from '../connectors/http-acquirer/protocol.js';
import type { CardBehaviour } from '../test-cards/index.js';

export interface AuthorizationRecord {
  paymentId: string;
  /** The simulator's id of the authorization, which later operations name. */
  reference: string;
  amount: number;
  currency: string;
  capture: boolean;
  /** What the card makes later operations do. */
  behaviour: CardBehaviour;
  status: 'approved' | 'challenge' | 'declined';
  /** Whether it went through a 3-D Secure challenge (an authentication replay then returns the result). */
  challenged: boolean;
  approval?: { approvalCode: string; rrn: string; acquirerReference: string };
  decline?: { code: string; message: string };
}

export interface OperationRecord {
  operationId: string;
  kind: OperationKind;
  reference: string;
  amount: number;
  currency: string;
  reason: 'void' | 'remainder' | undefined;
  gatewayReference: string;
  outcome: 'succeeded' | 'pending' | 'failed';
  decline?: { code: string; message: string };
  /** For a pending operation: when (ms since the epoch) it becomes succeeded. */
  settlesAt?: number;
}

/** One thing the simulator did, in order. */
export interface Effect {
  kind: 'authorization' | 'authentication' | OperationKind;
  /** The idempotency key: payment id (authorization, authentication) or operation id. */
  key: string;
  reference: string;
  amount: number;
  outcome: string;
  at: number;
}

export class LedgerOfOperations {
  private readonly authorizationsByReference = new Map<string, AuthorizationRecord>();
  private readonly referenceByPayment = new Map<string, string>();
  private readonly operationsById = new Map<string, OperationRecord>();
  private readonly effectLog: Effect[] = [];

  authorizationByPayment(paymentId: string): AuthorizationRecord | undefined {
    const reference = this.referenceByPayment.get(paymentId);
    return reference === undefined ? undefined : this.authorizationsByReference.get(reference);
  }

  authorizationByReference(reference: string): AuthorizationRecord | undefined {
    return this.authorizationsByReference.get(reference);
  }

  addAuthorization(record: AuthorizationRecord, at: number): void {
    this.authorizationsByReference.set(record.reference, record);
    this.referenceByPayment.set(record.paymentId, record.reference);
    this.effectLog.push({
      kind: 'authorization',
      key: record.paymentId,
      reference: record.reference,
      amount: record.amount,
      outcome: record.status,
      at,
    });
  }

  /** The result of a 3-D Secure challenge, recorded once on its authorization. */
  completeAuthentication(
    record: AuthorizationRecord,
    result: Pick<AuthorizationRecord, 'status' | 'approval' | 'decline'>,
    at: number,
  ): void {
    Object.assign(record, result);
    this.effectLog.push({
      kind: 'authentication',
      key: record.paymentId,
      reference: record.reference,
      amount: record.amount,
      outcome: record.status,
      at,
    });
  }

  /** The operation as it stands at `now`: a pending one whose settle time has come has succeeded. */
  operation(operationId: string, now: number): OperationRecord | undefined {
    const record = this.operationsById.get(operationId);
    if (record?.outcome === 'pending' && record.settlesAt !== undefined && record.settlesAt <= now) {
      record.outcome = 'succeeded';
      delete record.settlesAt;
    }
    return record;
  }

  addOperation(record: OperationRecord, at: number): void {
    this.operationsById.set(record.operationId, record);
    this.effectLog.push({
      kind: record.kind,
      key: record.operationId,
      reference: record.reference,
      amount: record.amount,
      outcome: record.outcome,
      at,
    });
  }

  /** Everything the simulator did, oldest first. */
  effects(): readonly Effect[] {
    return this.effectLog;
  }
}
