/**
 * The built-in sandbox connector: deterministic outcomes by test card number (docs/test-cards.md),
 * in process, decided by `src/test-cards/` as the acquirer simulator's are.
 * The behaviour a card selects is carried in the connector reference it hands back
 * ("sbx.<behaviour>.<random>"), so later operations and status inquiries need no card data and
 * no memory: what a pending or timed-out operation "really" did is a function of the card.
 */
import { randomAlphanumeric } from '../domain/ids.js';
import {
  decideAuthentication,
  decideAuthorization,
  decideOperation,
  isCardBehaviour,
  OPERATION_DECLINES,
  SANDBOX_OTP,
  type CardBehaviour,
  type CardOperation,
} from '../test-cards/index.js';
import type { AuthorizeOutcome, AuthorizeRequest, GatewayConnector, OperationOutcome, OperationRequest } from './gateway.js';

export { SANDBOX_OTP };

function behaviourOf(connectorReference: string | null): CardBehaviour {
  const behaviour = (connectorReference ?? '').split('.')[1] ?? 'ok';
  return isCardBehaviour(behaviour) ? behaviour : 'ok';
}

function approval(behaviour: CardBehaviour): AuthorizeOutcome {
  return {
    kind: 'approved',
    connectorReference: `sbx.${behaviour}.${randomAlphanumeric(10)}`,
    approvalCode: String(100000 + Math.floor(Math.random() * 900000)),
    rrn: String(Date.now()).slice(-12).padStart(12, '0'),
    acquirerReference: randomAlphanumeric(16),
  };
}

const gatewayRef = (prefix: string, operationId: string) => `${prefix}_${operationId.slice(-14)}`;

const OPERATIONS: Record<'capture' | 'reverse' | 'refund', { card: CardOperation; prefix: string }> = {
  capture: { card: 'capture', prefix: 'cap' },
  reverse: { card: 'reversal', prefix: 'rev' },
  refund: { card: 'refund', prefix: 'rfnd' },
};

/**
 * The sandbox's final answer to an operation it left pending, with the outcome the sandbox tools
 * choose (docs/admin-api.md "Sandbox tools"): its reference on success, its decline on failure.
 */
export function settledSandboxOperation(
  kind: 'capture' | 'reverse' | 'refund',
  operationId: string,
  outcome: 'succeeded' | 'failed',
): { kind: 'succeeded'; gatewayReference: string } | { kind: 'failed'; code: string; message: string } {
  const { card, prefix } = OPERATIONS[kind];
  return outcome === 'succeeded'
    ? { kind: 'succeeded', gatewayReference: gatewayRef(prefix, operationId) }
    : { kind: 'failed', ...OPERATION_DECLINES[card] };
}

export class SandboxConnector implements GatewayConnector {
  readonly name = 'sandbox';

  async authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    // The core has checked the number (Luhn included) before any connector sees it.
    const { decision, behaviour } = decideAuthorization(request.card.number, { checkLuhn: false });
    if (decision.outcome === 'declined')
      return { kind: 'declined', connectorReference: null, code: decision.code, message: decision.message };
    if (decision.outcome === 'challenge') return { kind: 'challenge', connectorReference: `sbx.challenge.${randomAlphanumeric(10)}` };
    return approval(behaviour);
  }

  async completeAuthentication(request: { connectorReference: string; otp: string }): Promise<AuthorizeOutcome> {
    if (behaviourOf(request.connectorReference) !== 'challenge') {
      return {
        kind: 'declined',
        connectorReference: request.connectorReference,
        code: 'USER_AUTHENTICATION_FAILED',
        message: 'No authentication is pending',
      };
    }
    const decision = decideAuthentication(request.otp);
    if (decision.outcome === 'declined') {
      return { kind: 'declined', connectorReference: request.connectorReference, code: decision.code, message: decision.message };
    }
    return approval('ok');
  }

  capture(request: OperationRequest): Promise<OperationOutcome> {
    return this.operate('capture', request);
  }

  reverse(request: OperationRequest): Promise<OperationOutcome> {
    return this.operate('reverse', request);
  }

  refund(request: OperationRequest): Promise<OperationOutcome> {
    return this.operate('refund', request);
  }

  /** Pending and timed-out operations of the sandbox cards all complete in the end. */
  async inquire(kind: 'capture' | 'reverse' | 'refund', request: OperationRequest): Promise<OperationOutcome> {
    const answer = await this[kind](request);
    return answer.kind === 'pending' || answer.kind === 'unknown'
      ? { kind: 'succeeded', gatewayReference: gatewayRef(OPERATIONS[kind].prefix, request.operationId) }
      : answer;
  }

  /** The sandbox always answers authorizations, so an inquiry finds none it did not answer. */
  async inquireAuthorization(): Promise<AuthorizeOutcome> {
    return { kind: 'declined', connectorReference: null, code: 'PAYMENT_DECLINED', message: 'No such authorization at the gateway' };
  }

  private async operate(kind: 'capture' | 'reverse' | 'refund', request: OperationRequest): Promise<OperationOutcome> {
    const { card, prefix } = OPERATIONS[kind];
    const decision = decideOperation(card, behaviourOf(request.connectorReference), request.reason);
    switch (decision.outcome) {
      case 'succeeded':
      case 'pending':
        return { kind: decision.outcome, gatewayReference: gatewayRef(prefix, request.operationId) };
      case 'failed':
        return { kind: 'failed', code: decision.code, message: decision.message };
      case 'unanswered':
        // Applied, but the answer never came: the core must find out by inquiring.
        return { kind: 'unknown', reason: `sandbox: ${kind} timed out` };
    }
  }
}
