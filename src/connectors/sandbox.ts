/**
 * The built-in sandbox connector: deterministic outcomes by test card number (SPEC §3), in process.
 * The behaviour a card selects is carried in the connector reference it hands back
 * ("sbx.<behaviour>.<random>"), so later operations and status inquiries need no card data and
 * no memory: what a pending or timed-out operation "really" did is a function of the card.
 */
import { randomAlphanumeric } from '../domain/ids.js';
import type { AuthorizeOutcome, AuthorizeRequest, GatewayConnector, OperationOutcome, OperationRequest } from './gateway.js';
import { cardRule, DECLINE_MESSAGES, SANDBOX_OTP, type CardBehaviour } from './test-cards.js';

export { SANDBOX_OTP };

function behaviourOf(connectorReference: string | null): CardBehaviour {
  return ((connectorReference ?? '').split('.')[1] ?? 'ok') as CardBehaviour;
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

export class SandboxConnector implements GatewayConnector {
  readonly name = 'sandbox';

  async authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    const rule = cardRule(request.card.number);
    if ('decline' in rule) {
      return { kind: 'declined', connectorReference: null, code: rule.decline, message: DECLINE_MESSAGES[rule.decline] };
    }
    if (rule.behaviour === 'challenge') return { kind: 'challenge', connectorReference: `sbx.challenge.${randomAlphanumeric(10)}` };
    return approval(rule.behaviour);
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
    if (request.otp !== SANDBOX_OTP) {
      return {
        kind: 'declined',
        connectorReference: request.connectorReference,
        code: 'USER_AUTHENTICATION_FAILED',
        message: 'Consumer Authentication failed',
      };
    }
    return approval('ok');
  }

  async capture(request: OperationRequest): Promise<OperationOutcome> {
    switch (behaviourOf(request.connectorReference)) {
      case 'capture_pending':
        return { kind: 'pending', gatewayReference: gatewayRef('cap', request.operationId) };
      case 'capture_fails':
        return { kind: 'failed', code: 'CAPTURE_DECLINED', message: 'The acquirer declined the capture' };
      case 'capture_times_out':
        return { kind: 'unknown', reason: 'sandbox: capture timed out' };
      default:
        return { kind: 'succeeded', gatewayReference: gatewayRef('cap', request.operationId) };
    }
  }

  async reverse(request: OperationRequest): Promise<OperationOutcome> {
    // The void cards' behaviours apply to voids; releasing a partial capture's remainder succeeds.
    const behaviour = request.reason === 'remainder' ? 'ok' : behaviourOf(request.connectorReference);
    switch (behaviour) {
      case 'void_pending':
        return { kind: 'pending', gatewayReference: gatewayRef('rev', request.operationId) };
      case 'void_fails':
        return { kind: 'failed', code: 'VOID_DECLINED', message: 'The acquirer declined the void' };
      default:
        return { kind: 'succeeded', gatewayReference: gatewayRef('rev', request.operationId) };
    }
  }

  async refund(request: OperationRequest): Promise<OperationOutcome> {
    if (behaviourOf(request.connectorReference) === 'refund_fails') {
      return { kind: 'failed', code: 'REFUND_DECLINED', message: 'The acquirer declined the refund' };
    }
    return { kind: 'succeeded', gatewayReference: gatewayRef('rfnd', request.operationId) };
  }

  /** Pending and timed-out operations of the sandbox cards all complete in the end. */
  async inquire(kind: 'capture' | 'reverse' | 'refund', request: OperationRequest): Promise<OperationOutcome> {
    const prefix = kind === 'capture' ? 'cap' : kind === 'reverse' ? 'rev' : 'rfnd';
    const answer = await this[kind](request);
    return answer.kind === 'pending' || answer.kind === 'unknown'
      ? { kind: 'succeeded', gatewayReference: gatewayRef(prefix, request.operationId) }
      : answer;
  }

  /** The sandbox always answers authorizations, so an inquiry finds none it did not answer. */
  async inquireAuthorization(): Promise<AuthorizeOutcome> {
    return { kind: 'declined', connectorReference: null, code: 'PAYMENT_DECLINED', message: 'No such authorization at the gateway' };
  }
}
