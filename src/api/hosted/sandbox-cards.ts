import { SANDBOX_OTP, TEST_CARDS, type CardBehaviour, type CardRule, type DeclineReason } from '../../test-cards/index.js';

/**
 * The sandbox panel's cards: the approved card of each network, then every card of the test-card
 * table with what it does (docs/test-cards.md). Shown only to merchants whose connector decides
 * by that table.
 */
export interface SandboxCard {
  number: string;
  outcome: string;
  /** Whether the authorization is approved (the panel marks declines differently). */
  approves: boolean;
}

/** The connectors that decide payments by the test-card table: the in-process sandbox and the acquirer simulator. */
const TEST_CARD_CONNECTORS: ReadonlySet<string> = new Set(['sandbox', 'http-acquirer']);

export const decidesByTestCards = (connector: string): boolean => TEST_CARD_CONNECTORS.has(connector);

// Not in the table (any number outside it is approved): one per network, as docs/test-cards.md lists them.
const APPROVED_BY_NETWORK = ['4111111111111111', '5555555555554444', '6521000000000007', '378282246310005'];

const BEHAVIOUR_OUTCOMES: Readonly<Record<CardBehaviour, string>> = {
  ok: 'Approved',
  challenge: `3-D Secure: OTP ${SANDBOX_OTP} approves, any other fails`,
  capture_pending: 'Approved; capture stays pending, then succeeds',
  capture_fails: 'Approved; capture fails',
  capture_times_out: 'Approved; capture times out, then succeeds',
  void_pending: 'Approved; void stays pending, then succeeds',
  void_fails: 'Approved; void fails',
  refund_fails: 'Approved; refunds fail',
};

const DECLINE_OUTCOMES: Readonly<Record<DeclineReason, string>> = {
  PAYMENT_DECLINED: 'Declined by the bank',
  INSUFFICIENT_FUNDS: 'Declined: insufficient funds',
  CARD_EXPIRED: 'Declined: card expired',
};

function describe(number: string, rule: CardRule): SandboxCard {
  return 'decline' in rule
    ? { number, outcome: DECLINE_OUTCOMES[rule.decline], approves: false }
    : { number, outcome: BEHAVIOUR_OUTCOMES[rule.behaviour], approves: true };
}

export const SANDBOX_CARDS: readonly SandboxCard[] = [
  ...APPROVED_BY_NETWORK.map((number) => describe(number, { behaviour: 'ok' })),
  ...Object.entries(TEST_CARDS).map(([number, rule]) => describe(number, rule)),
];

export { SANDBOX_OTP };
