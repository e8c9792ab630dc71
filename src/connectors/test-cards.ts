/**
 * The sandbox test cards (SPEC §3), shared by the in-process sandbox connector and the acquirer
 * simulator so both behave the same for the same number.
 */
export type CardBehaviour =
  'ok' | 'challenge' | 'capture_pending' | 'capture_fails' | 'capture_times_out' | 'void_pending' | 'void_fails' | 'refund_fails';

export type DeclineReason = 'PAYMENT_DECLINED' | 'INSUFFICIENT_FUNDS' | 'CARD_EXPIRED';

export type CardRule = { behaviour: CardBehaviour } | { decline: DeclineReason };

export const TEST_CARDS: Readonly<Record<string, CardRule>> = {
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

export const DECLINE_MESSAGES: Readonly<Record<DeclineReason, string>> = {
  PAYMENT_DECLINED: 'The payment was declined by the acquirer',
  INSUFFICIENT_FUNDS: 'Insufficient funds',
  CARD_EXPIRED: 'The card has expired',
};

/** Any number not in the table is approved with no special behaviour. */
export function cardRule(number: string): CardRule {
  return TEST_CARDS[number] ?? { behaviour: 'ok' };
}

/** The OTP that approves a 3-D Secure challenge. */
export const SANDBOX_OTP = '123456';
