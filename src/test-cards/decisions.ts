/**
 * What the test cards decide (docs/test-cards.md), for the in-process sandbox connector and the
 * acquirer simulator alike: pure functions of the card number, the OTP, or the behaviour an
 * authorization's card selected.
 */
import { passesLuhn } from '../domain/card.js';
import { DECLINE_MESSAGES, OPERATION_DECLINES, type AuthorizationDeclineCode, type CardOperation } from './messages.js';
import { cardRule, SANDBOX_OTP, type CardBehaviour } from './table.js';

export type AuthorizationDecision =
  { outcome: 'approved' } | { outcome: 'challenge' } | { outcome: 'declined'; code: AuthorizationDeclineCode; message: string };

const declined = (code: AuthorizationDeclineCode): AuthorizationDecision => ({
  outcome: 'declined',
  code,
  message: DECLINE_MESSAGES[code],
});

/**
 * The decision and, for an authorization that goes on, the behaviour its later operations follow
 * (`ok` for a decline). `checkLuhn`: decline a number that fails the Luhn check as `INVALID_CARD`
 * first, as the simulated bank does; the sandbox is only handed numbers the gateway checked.
 */
export function decideAuthorization(
  cardNumber: string,
  options: { checkLuhn: boolean },
): { decision: AuthorizationDecision; behaviour: CardBehaviour } {
  if (options.checkLuhn && !passesLuhn(cardNumber)) return { decision: declined('INVALID_CARD'), behaviour: 'ok' };
  const rule = cardRule(cardNumber);
  if ('decline' in rule) return { decision: declined(rule.decline), behaviour: 'ok' };
  return { decision: { outcome: rule.behaviour === 'challenge' ? 'challenge' : 'approved' }, behaviour: rule.behaviour };
}

/** The cardholder's answer to a 3-D Secure challenge: {@link SANDBOX_OTP} approves, anything else declines. */
export function decideAuthentication(otp: string): AuthorizationDecision {
  return otp === SANDBOX_OTP ? { outcome: 'approved' } : declined('USER_AUTHENTICATION_FAILED');
}

export type OperationDecision =
  | { outcome: 'succeeded' }
  | { outcome: 'pending' }
  | { outcome: 'failed'; code: string; message: string }
  /** Applied (it succeeded), but the answer never comes: the capture-times-out card. */
  | { outcome: 'unanswered' };

/**
 * An operation on an authorization whose card selected `behaviour`. For a reversal, `reason`
 * `remainder` (the release of what a partial capture left) always succeeds: the void cards'
 * behaviours apply to voids only (`void`, or no reason).
 */
export function decideOperation(kind: CardOperation, behaviour: CardBehaviour, reason?: 'void' | 'remainder'): OperationDecision {
  const failed = (): OperationDecision => ({ outcome: 'failed', ...OPERATION_DECLINES[kind] });
  switch (kind) {
    case 'capture':
      if (behaviour === 'capture_pending') return { outcome: 'pending' };
      if (behaviour === 'capture_fails') return failed();
      if (behaviour === 'capture_times_out') return { outcome: 'unanswered' };
      return { outcome: 'succeeded' };
    case 'reversal':
      if (reason === 'remainder') return { outcome: 'succeeded' };
      if (behaviour === 'void_pending') return { outcome: 'pending' };
      if (behaviour === 'void_fails') return failed();
      return { outcome: 'succeeded' };
    case 'refund':
      return behaviour === 'refund_fails' ? failed() : { outcome: 'succeeded' };
  }
}
