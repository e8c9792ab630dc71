/** The codes and messages of every decline the test cards decide (docs/test-cards.md). */
import type { DeclineReason } from './table.js';

/** Declines of an authorization: the table's, a number failing the Luhn check, a wrong OTP. */
export type AuthorizationDeclineCode = DeclineReason | 'INVALID_CARD' | 'USER_AUTHENTICATION_FAILED';

export const DECLINE_MESSAGES: Readonly<Record<AuthorizationDeclineCode, string>> = {
  PAYMENT_DECLINED: 'The payment was declined by the acquirer',
  INSUFFICIENT_FUNDS: 'Insufficient funds',
  CARD_EXPIRED: 'The card has expired',
  INVALID_CARD: 'The card number is not valid',
  USER_AUTHENTICATION_FAILED: 'Consumer Authentication failed',
};

/** The three operations on an authorization (a reversal is a void or the release of a remainder). */
export type CardOperation = 'capture' | 'reversal' | 'refund';

/** The decline of each operation, for the cards that make it fail. */
export const OPERATION_DECLINES: Readonly<Record<CardOperation, { code: string; message: string }>> = {
  capture: { code: 'CAPTURE_DECLINED', message: 'The acquirer declined the capture' },
  reversal: { code: 'VOID_DECLINED', message: 'The acquirer declined the void' },
  refund: { code: 'REFUND_DECLINED', message: 'The acquirer declined the refund' },
};
