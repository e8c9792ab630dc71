/**
 * The sandbox test cards (docs/test-cards.md): the numbers that decline, and the numbers whose
 * authorization makes its later operations behave otherwise. Any other number is approved.
 */

/** What a card makes its authorization and the operations on it do. */
export type CardBehaviour =
  'ok' | 'challenge' | 'capture_pending' | 'capture_fails' | 'capture_times_out' | 'void_pending' | 'void_fails' | 'refund_fails';

const CARD_BEHAVIOURS: ReadonlySet<string> = new Set<CardBehaviour>([
  'ok',
  'challenge',
  'capture_pending',
  'capture_fails',
  'capture_times_out',
  'void_pending',
  'void_fails',
  'refund_fails',
]);

/** The declines a card of the table selects. */
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

/** Any number not in the table is approved with no special behaviour. */
export function cardRule(number: string): CardRule {
  return TEST_CARDS[number] ?? { behaviour: 'ok' };
}

/** For behaviours read back from somewhere (e.g. a connector reference). */
export function isCardBehaviour(value: string): value is CardBehaviour {
  return CARD_BEHAVIOURS.has(value);
}

/** The OTP that approves a 3-D Secure challenge; any other is refused. */
export const SANDBOX_OTP = '123456';
