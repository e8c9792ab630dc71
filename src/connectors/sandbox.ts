/**
 * The built-in sandbox connector: deterministic outcomes by test card number (SPEC §3), in process.
 * The behaviour a card selects is carried in the connector reference it hands back
 * ("sbx.<behaviour>.<random>"), so later operations need no card data.
 */
import { randomAlphanumeric } from '../domain/ids.js';
import type { AuthorizeOutcome, AuthorizeRequest, GatewayConnector, OperationOutcome, OperationRequest } from './gateway.js';

/** What a test card does after (or instead of) an approval. */
type Behaviour =
  | 'ok'
  | 'challenge'
  | 'capture_pending'
  | 'capture_fails'
  | 'capture_times_out'
  | 'void_pending'
  | 'void_fails'
  | 'refund_fails';

type CardRule = { behaviour: Behaviour } | { decline: 'PAYMENT_DECLINED' | 'INSUFFICIENT_FUNDS' | 'CARD_EXPIRED' };

const TEST_CARDS: Readonly<Record<string, CardRule>> = {
  '4000000000003220': { behaviour: 'challenge' },
  '4000000000000002': { decline: 'PAYMENT_DECLINED' },
  '4000000000009995': { decline: 'INSUFFICIENT_FUNDS' },
  '4000000000000069': { decline: 'CARD_EXPIRED' },
  '4000000000000077': { behaviour: 'capture_pending' },
  '4000000000000085': { behaviour: 'capture_fails' },
  '4000000000000093': { behaviour: 'capture_times_out' },
  '4000000000000101': { behaviour: 'void_pending' },
  '4000000000000119': { behaviour: 'void_fails' },
  '4000000000000127': { behaviour: 'refund_fails' },
};

const DECLINE_MESSAGES = {
  PAYMENT_DECLINED: 'The payment was declined by the acquirer',
  INSUFFICIENT_FUNDS: 'Insufficient funds',
  CARD_EXPIRED: 'The card has expired',
} as const;

/** The OTP that approves a 3-D Secure challenge. */
export const SANDBOX_OTP = '123456';

function behaviourOf(connectorReference: string): Behaviour {
  return (connectorReference.split('.')[1] ?? 'ok') as Behaviour;
}

function approval(behaviour: Behaviour): AuthorizeOutcome {
  return {
    kind: 'approved',
    connectorReference: `sbx.${behaviour}.${randomAlphanumeric(10)}`,
    approvalCode: String(100000 + Math.floor(Math.random() * 900000)),
    rrn: String(Date.now()).slice(-12).padStart(12, '0'),
    acquirerReference: randomAlphanumeric(16),
  };
}

const gatewayRef = (prefix: string) => `${prefix}_${randomAlphanumeric(14)}`;

export class SandboxConnector implements GatewayConnector {
  readonly name = 'sandbox';

  async authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    const rule = TEST_CARDS[request.card.number];
    if (rule && 'decline' in rule) {
      return { kind: 'declined', connectorReference: null, code: rule.decline, message: DECLINE_MESSAGES[rule.decline] };
    }
    const behaviour = rule?.behaviour ?? 'ok';
    if (behaviour === 'challenge') return { kind: 'challenge', connectorReference: `sbx.challenge.${randomAlphanumeric(10)}` };
    return approval(behaviour);
  }

  async completeAuthentication(request: { connectorReference: string; otp: string }): Promise<AuthorizeOutcome> {
    if (behaviourOf(request.connectorReference) !== 'challenge') {
      return { kind: 'declined', connectorReference: request.connectorReference, code: 'USER_AUTHENTICATION_FAILED', message: 'No authentication is pending' };
    }
    if (request.otp !== SANDBOX_OTP) {
      return { kind: 'declined', connectorReference: request.connectorReference, code: 'USER_AUTHENTICATION_FAILED', message: 'Consumer Authentication failed' };
    }
    return approval('ok');
  }

  async capture(request: OperationRequest): Promise<OperationOutcome> {
    switch (behaviourOf(request.connectorReference)) {
      case 'capture_pending':
        return { kind: 'pending', gatewayReference: gatewayRef('cap') };
      case 'capture_fails':
        return { kind: 'failed', code: 'CAPTURE_DECLINED', message: 'The acquirer declined the capture' };
      case 'capture_times_out':
        return { kind: 'unknown', reason: 'sandbox: capture timed out' };
      default:
        return { kind: 'succeeded', gatewayReference: gatewayRef('cap') };
    }
  }

  async reverse(request: OperationRequest): Promise<OperationOutcome> {
    switch (behaviourOf(request.connectorReference)) {
      case 'void_pending':
        return { kind: 'pending', gatewayReference: gatewayRef('rev') };
      case 'void_fails':
        return { kind: 'failed', code: 'VOID_DECLINED', message: 'The acquirer declined the void' };
      default:
        return { kind: 'succeeded', gatewayReference: gatewayRef('rev') };
    }
  }

  async refund(request: OperationRequest): Promise<OperationOutcome> {
    if (behaviourOf(request.connectorReference) === 'refund_fails') {
      return { kind: 'failed', code: 'REFUND_DECLINED', message: 'The acquirer declined the refund' };
    }
    return { kind: 'succeeded', gatewayReference: gatewayRef('rfnd') };
  }
}
