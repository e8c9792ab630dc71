/**
 * What the simulated bank decides, by test card (SPEC §3), exactly as the in-process sandbox
 * connector does: both read the one table in `connectors/test-cards.ts`.
 */
import { passesLuhn } from '../domain/card.js';
import { cardRule, DECLINE_MESSAGES, SANDBOX_OTP, type CardBehaviour } from '../connectors/test-cards.js';
import type { OperationKind } from './protocol.js';

export type AuthorizationDecision =
  { outcome: 'approved' } | { outcome: 'challenge' } | { outcome: 'declined'; code: string; message: string };

/** The decision and, for an authorization that goes on, the behaviour its later operations follow. */
export function decideAuthorization(cardNumber: string): { decision: AuthorizationDecision; behaviour: CardBehaviour } {
  if (!passesLuhn(cardNumber)) {
    return { decision: { outcome: 'declined', code: 'INVALID_CARD', message: 'The card number is not valid' }, behaviour: 'ok' };
  }
  const rule = cardRule(cardNumber);
  if ('decline' in rule)
    return { decision: { outcome: 'declined', code: rule.decline, message: DECLINE_MESSAGES[rule.decline] }, behaviour: 'ok' };
  return { decision: { outcome: rule.behaviour === 'challenge' ? 'challenge' : 'approved' }, behaviour: rule.behaviour };
}

export function decideAuthentication(otp: string): AuthorizationDecision {
  return otp === SANDBOX_OTP
    ? { outcome: 'approved' }
    : { outcome: 'declined', code: 'USER_AUTHENTICATION_FAILED', message: 'Consumer Authentication failed' };
}

export interface OperationDecision {
  outcome: 'succeeded' | 'pending' | 'failed';
  code?: string;
  message?: string;
  /** false: the bank applies the operation but never answers this request (the capture-times-out card). */
  answered: boolean;
}

const succeeded: OperationDecision = { outcome: 'succeeded', answered: true };
const pending: OperationDecision = { outcome: 'pending', answered: true };
const failed = (code: string, message: string): OperationDecision => ({ outcome: 'failed', code, message, answered: true });

export function decideOperation(
  kind: OperationKind,
  behaviour: CardBehaviour,
  reason: 'void' | 'remainder' | undefined,
): OperationDecision {
  switch (kind) {
    case 'capture':
      if (behaviour === 'capture_pending') return pending;
      if (behaviour === 'capture_fails') return failed('CAPTURE_DECLINED', 'The acquirer declined the capture');
      if (behaviour === 'capture_times_out') return { outcome: 'succeeded', answered: false };
      return succeeded;
    case 'reversal':
      // The void cards' behaviours apply to voids; releasing a partial capture's remainder always succeeds.
      if (reason === 'remainder') return succeeded;
      if (behaviour === 'void_pending') return pending;
      if (behaviour === 'void_fails') return failed('VOID_DECLINED', 'The acquirer declined the void');
      return succeeded;
    case 'refund':
      return behaviour === 'refund_fails' ? failed('REFUND_DECLINED', 'The acquirer declined the refund') : succeeded;
  }
}
