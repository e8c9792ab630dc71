/**
 * The simulated bank's use-cases, free of HTTP: check a request against what was recorded, decide
 * by test card (docs/test-cards.md, through `src/test-cards/` as the sandbox connector does),
 * record the effect once, and say what to answer. Every request is idempotent by its key (payment
 * id, authorization reference for an authentication, operation id): a replay gets the
 * operation's current view and causes no second effect; a replay with different parameters is
 * refused with `409 IDEMPOTENCY_CONFLICT`.
 */
import { randomInt } from 'node:crypto';
import {
  NOT_RECEIVED,
  type AuthorizationAnswer,
  type AuthorizationBody,
  type ErrorAnswer,
  type OperationAnswer,
  type OperationBody,
  type OperationKind,
} from '../connectors/http-acquirer/protocol.js';
import { decideAuthentication, decideAuthorization, decideOperation, type AuthorizationDecision } from '../test-cards/index.js';
import type { AuthorizationRecord, LedgerOfOperations, OperationRecord } from './ledger-of-operations.js';
import { randomAlphanumeric } from './random-id.js';

/** What to answer, and whether to answer at all (false: the effect is applied, the caller waits in vain). */
export interface BankAnswer {
  status: number;
  body: AuthorizationAnswer | OperationAnswer | ErrorAnswer;
  answered: boolean;
}

export interface SimulatedBankOptions {
  /** How long a `pending` capture or void stays pending before an inquiry finds it succeeded. Default 0 (at once). */
  settleMs?: number;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

const GATEWAY_REFERENCE_PREFIX: Record<OperationKind, string> = { capture: 'cap', reversal: 'rev', refund: 'rfnd' };

const refuse = (status: number, code: string, message: string): BankAnswer => ({ status, body: { code, message }, answered: true });
const answer = (body: AuthorizationAnswer | OperationAnswer, answered = true): BankAnswer => ({ status: 200, body, answered });

export class SimulatedBank {
  private readonly settleMs: number;
  private readonly now: () => number;

  constructor(
    readonly ledger: LedgerOfOperations,
    options: SimulatedBankOptions = {},
  ) {
    this.settleMs = options.settleMs ?? 0;
    this.now = options.now ?? Date.now;
  }

  authorize(body: AuthorizationBody): BankAnswer {
    const existing = this.ledger.authorizationByPayment(body.payment_id);
    if (existing) {
      if (existing.amount !== body.amount || existing.currency !== body.currency || existing.capture !== body.capture) {
        return refuse(409, 'IDEMPOTENCY_CONFLICT', `payment_id ${body.payment_id} was already sent with other amount, currency or capture`);
      }
      return answer(authorizationView(existing));
    }
    // The card number is used for the decision only and is not kept.
    const { decision, behaviour } = decideAuthorization(body.card.number, { checkLuhn: true });
    const record: AuthorizationRecord = {
      paymentId: body.payment_id,
      reference: `auth_${randomAlphanumeric(16)}`,
      amount: body.amount,
      currency: body.currency,
      capture: body.capture,
      behaviour,
      status: decision.outcome,
      challenged: decision.outcome === 'challenge',
      ...decisionDetails(decision),
    };
    this.ledger.addAuthorization(record, this.now());
    return answer(authorizationView(record));
  }

  authenticate(reference: string, otp: string): BankAnswer {
    const record = this.ledger.authorizationByReference(reference);
    if (!record) return refuse(404, NOT_RECEIVED.authorization, `No authorization ${reference}`);
    if (!record.challenged) return refuse(409, 'NO_AUTHENTICATION_PENDING', `Authorization ${reference} has no 3-D Secure challenge`);
    if (record.status === 'challenge') {
      const decision = decideAuthentication(otp);
      this.ledger.completeAuthentication(
        record,
        { status: decision.outcome === 'approved' ? 'approved' : 'declined', ...decisionDetails(decision) },
        this.now(),
      );
    }
    return answer(authorizationView(record));
  }

  operate(kind: OperationKind, body: OperationBody): BankAnswer {
    const reason = kind === 'reversal' ? (body.reason ?? 'void') : undefined;
    const existing = this.ledger.operation(body.operation_id, this.now());
    if (existing) {
      const same =
        existing.kind === kind &&
        existing.reference === body.reference &&
        existing.amount === body.amount &&
        existing.currency === body.currency &&
        existing.reason === reason;
      if (!same) return refuse(409, 'IDEMPOTENCY_CONFLICT', `operation_id ${body.operation_id} was already sent with other parameters`);
      return answer(operationView(existing));
    }
    const authorization = this.ledger.authorizationByReference(body.reference);
    if (!authorization) return refuse(404, NOT_RECEIVED.authorization, `No authorization ${body.reference}`);
    if (authorization.status !== 'approved')
      return refuse(409, 'AUTHORIZATION_NOT_APPROVED', `Authorization ${body.reference} is ${authorization.status}`);
    if (authorization.currency !== body.currency)
      return refuse(422, 'CURRENCY_MISMATCH', `Authorization ${body.reference} is in ${authorization.currency}`);
    if (body.amount > authorization.amount)
      return refuse(422, 'AMOUNT_EXCEEDS_AUTHORIZATION', `amount must be at most the authorized ${authorization.amount}`);

    const decision = decideOperation(kind, authorization.behaviour, reason);
    // An unanswered operation is applied (it succeeded): the caller waits in vain, an inquiry finds it.
    const outcome = decision.outcome === 'unanswered' ? 'succeeded' : decision.outcome;
    const now = this.now();
    const record: OperationRecord = {
      operationId: body.operation_id,
      kind,
      reference: body.reference,
      amount: body.amount,
      currency: body.currency,
      reason,
      gatewayReference: `${GATEWAY_REFERENCE_PREFIX[kind]}_${randomAlphanumeric(16)}`,
      outcome,
      ...(decision.outcome === 'failed' ? { decline: { code: decision.code, message: decision.message } } : {}),
      ...(outcome === 'pending' ? { settlesAt: now + this.settleMs } : {}),
    };
    this.ledger.addOperation(record, now);
    return answer(operationView(record), decision.outcome !== 'unanswered');
  }

  inquireOperation(operationId: string): BankAnswer {
    const record = this.ledger.operation(operationId, this.now());
    return record ? answer(operationView(record)) : refuse(404, NOT_RECEIVED.operation, `No operation ${operationId} was received`);
  }

  inquireAuthorization(paymentId: string): BankAnswer {
    const record = this.ledger.authorizationByPayment(paymentId);
    return record
      ? answer(authorizationView(record))
      : refuse(404, NOT_RECEIVED.authorization, `No authorization for payment ${paymentId} was received`);
  }
}

function decisionDetails(decision: AuthorizationDecision): Pick<AuthorizationRecord, 'approval' | 'decline'> {
  if (decision.outcome === 'approved') {
    return {
      approval: {
        approvalCode: String(randomInt(100_000, 1_000_000)),
        rrn: String(randomInt(0, 1_000_000_000_000)).padStart(12, '0'),
        acquirerReference: randomAlphanumeric(16),
      },
    };
  }
  return decision.outcome === 'declined' ? { decline: { code: decision.code, message: decision.message } } : {};
}

function authorizationView(record: AuthorizationRecord): AuthorizationAnswer {
  const base = { payment_id: record.paymentId, reference: record.reference };
  if (record.status === 'approved' && record.approval) {
    return {
      outcome: 'approved',
      ...base,
      approval_code: record.approval.approvalCode,
      rrn: record.approval.rrn,
      acquirer_reference: record.approval.acquirerReference,
    };
  }
  if (record.status === 'declined' && record.decline)
    return { outcome: 'declined', ...base, code: record.decline.code, message: record.decline.message };
  return { outcome: 'challenge', ...base };
}

function operationView(record: OperationRecord): OperationAnswer {
  const base = { operation_id: record.operationId, kind: record.kind, gateway_reference: record.gatewayReference };
  if (record.outcome === 'failed') {
    return { ...base, outcome: 'failed', code: record.decline?.code ?? 'DECLINED', message: record.decline?.message ?? 'Declined' };
  }
  return { ...base, outcome: record.outcome };
}
