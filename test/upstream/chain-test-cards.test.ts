/**
 * Every sandbox test card (docs/test-cards.md) through a front Holdfast whose merchant routes to
 * one upstream Holdfast, for each upstream kind: the front is driven in the dialect the upstream
 * does not speak. After every step the front order and the upstream order (read through the
 * upstream's own API) agree on where they stand, their amounts, their core state and their
 * ledgers; pending and timed-out operations are settled by both sides' status sync; the front's
 * merchant gets its webhooks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants } from '../helpers/ledger-check.js';
import type { UpstreamKind } from '../helpers/upstream-chain.js';
import {
  assertAgree,
  FrontWebhooks,
  frontPayment,
  runBothJobs,
  startChain,
  syncUntil,
  upstreamOrder,
  webhooksFor,
  type Chain,
  type CoreEvent,
  type Expected,
  type FrontOrder,
} from './helpers/chain-cards.js';

const AMOUNT = 10_000;

type Step =
  | { do: 'capture'; amount?: number }
  | { do: 'void' }
  | { do: 'refund'; amount: number }
  /** Advance both clocks past the first status inquiry and run both sides' jobs until both are settled. */
  | { do: 'sync' };

interface Expect extends Expected {
  events: CoreEvent[];
}

interface Card {
  number: string;
  title: string;
  /** What the payment leaves. */
  paid: Expect;
  steps: [Step, Expect][];
}

/** The ledger of an order of AMOUNT after these movements. */
const moved = (captured = 0, reversed = 0, refunded = 0) => ({ authorized: AMOUNT, captured, reversed, refunded });
const NOTHING = { authorized: 0, captured: 0, reversed: 0, refunded: 0 };

const AUTHORIZED: Expect = {
  state: 'AUTHORIZED',
  standing: 'authorized',
  errorCode: null,
  ledger: moved(),
  events: ['payment.started', 'payment.authorized'],
};
const CAPTURED: Expect = { state: 'CAPTURED', standing: 'captured', errorCode: null, ledger: moved(AMOUNT), events: ['capture.succeeded'] };
const REFUNDED: Expect = { state: 'FULLY_REFUNDED', standing: 'refunded', ledger: moved(AMOUNT, 0, AMOUNT), events: ['refund.succeeded'] };
const VOIDED: Expect = { state: 'VOIDED', standing: 'voided', ledger: moved(0, AMOUNT), events: ['void.succeeded'] };
const declined = (code: string): Expect => ({
  state: 'ATTEMPTED',
  standing: 'declined',
  errorCode: code,
  ledger: NOTHING,
  events: ['payment.started', 'payment.declined'],
});

const CARDS: Card[] = [
  {
    number: '4111111111111111',
    title: 'VISA approved: authorize, capture, refund in full',
    paid: AUTHORIZED,
    steps: [
      [{ do: 'capture' }, CAPTURED],
      [{ do: 'refund', amount: AMOUNT }, REFUNDED],
    ],
  },
  {
    number: '5555555555554444',
    title: 'MASTERCARD approved: authorize, capture, refund in two parts',
    paid: AUTHORIZED,
    steps: [
      [{ do: 'capture' }, CAPTURED],
      [
        { do: 'refund', amount: 4_000 },
        { state: 'PARTIALLY_REFUNDED', standing: 'partially_refunded', ledger: moved(AMOUNT, 0, 4_000), events: ['refund.succeeded'] },
      ],
      [{ do: 'refund', amount: 6_000 }, REFUNDED],
    ],
  },
  {
    number: '6521000000000007',
    title: 'RUPAY approved: authorize, void',
    paid: AUTHORIZED,
    steps: [[{ do: 'void' }, VOIDED]],
  },
  {
    number: '378282246310005',
    title: 'AMEX approved: authorize, capture, refund in full',
    paid: AUTHORIZED,
    steps: [
      [{ do: 'capture' }, CAPTURED],
      [{ do: 'refund', amount: AMOUNT }, REFUNDED],
    ],
  },
  { number: '4000000000000002', title: 'declined PAYMENT_DECLINED', paid: declined('PAYMENT_DECLINED'), steps: [] },
  { number: '4000000000009995', title: 'declined INSUFFICIENT_FUNDS', paid: declined('INSUFFICIENT_FUNDS'), steps: [] },
  { number: '4000000000000069', title: 'declined CARD_EXPIRED', paid: declined('CARD_EXPIRED'), steps: [] },
  {
    number: '4000000000000077',
    title: 'capture answered pending: settled captured by the status sync, then refunded',
    paid: AUTHORIZED,
    steps: [
      [{ do: 'capture' }, { state: 'CAPTURE_PENDING', standing: 'authorized', ledger: moved(), events: [] }],
      [{ do: 'sync' }, CAPTURED],
      [{ do: 'refund', amount: AMOUNT }, REFUNDED],
    ],
  },
  {
    number: '4000000000000085',
    title: 'capture fails CAPTURE_DECLINED, the hold kept; then voided',
    paid: AUTHORIZED,
    steps: [
      [
        { do: 'capture' },
        { state: 'CAPTURE_FAILED', standing: 'capture_failed', errorCode: 'CAPTURE_DECLINED', ledger: moved(), events: ['capture.failed'] },
      ],
      [{ do: 'void' }, VOIDED],
    ],
  },
  {
    number: '4000000000000093',
    title: 'capture times out: settled captured by the status sync',
    paid: AUTHORIZED,
    steps: [
      [{ do: 'capture' }, { state: 'CAPTURE_PENDING', standing: 'authorized', ledger: moved(), events: [] }],
      [{ do: 'sync' }, CAPTURED],
    ],
  },
  {
    number: '4000000000000101',
    title: 'void answered pending: settled voided by the status sync',
    paid: AUTHORIZED,
    steps: [
      [{ do: 'void' }, { state: 'VOID_PENDING', standing: 'authorized', ledger: moved(), events: [] }],
      [{ do: 'sync' }, VOIDED],
    ],
  },
  {
    number: '4000000000000119',
    title: 'void fails VOID_DECLINED; the authorization is then captured',
    paid: AUTHORIZED,
    steps: [
      [{ do: 'void' }, { state: 'VOID_FAILED', standing: 'authorized', ledger: moved(), events: ['void.failed'] }],
      [{ do: 'capture' }, CAPTURED],
    ],
  },
  {
    number: '4000000000000127',
    title: 'capture succeeds; the refund fails REFUND_DECLINED and nothing is refunded',
    paid: AUTHORIZED,
    steps: [
      [{ do: 'capture' }, CAPTURED],
      [
        { do: 'refund', amount: AMOUNT },
        { ...CAPTURED, events: ['refund.failed'] },
      ],
    ],
  },
];

async function perform(chain: Chain, order: FrontOrder, step: Step, state: string): Promise<void> {
  switch (step.do) {
    case 'capture':
      return chain.client.capture(order, step.amount ?? AMOUNT);
    case 'void':
      return chain.client.void(order);
    case 'refund':
      return chain.client.refund(order, step.amount);
    case 'sync': {
      const rounds = await syncUntil(chain, order, state);
      assert.ok(rounds > 0, 'the step was pending until the status sync ran');
      return;
    }
  }
}

/**
 * The gateway the front's dialect names for an authorization: what the upstream's answer named
 * (a Juspay upstream's `txn_detail.gateway`), or — when it names none, as a Pine Labs upstream
 * without an acquirer of its own — the front's gateway account.
 */
function expectedGateway(chain: Chain, upstreamGateway: string | null): string {
  if (chain.kind === 'juspay') {
    assert.ok(upstreamGateway, 'a Juspay upstream names its gateway');
    return upstreamGateway;
  }
  assert.equal(upstreamGateway, null, 'the Pine Labs upstream names no acquirer of its own');
  return `pinelabs-online:${chain.accountName}`;
}

for (const kind of ['pinelabs-online', 'juspay'] as const satisfies readonly UpstreamKind[]) {
  describe(`test cards through a front Holdfast routed to a ${kind} upstream`, () => {
    let chain: Chain;
    let webhooks: FrontWebhooks;
    before(async () => {
      chain = await startChain(kind);
      webhooks = new FrontWebhooks(chain.receiver);
    });
    after(() => chain.close());

    /** After a step: both sides' jobs run (webhooks delivered), then everything agrees. */
    async function check(order: FrontOrder, expected: Expect, what: string): Promise<void> {
      await runBothJobs(chain);
      await assertAgree(chain, order, expected, AMOUNT);
      assert.deepEqual(webhooks.newFor(order.id), webhooksFor(chain.client.dialect, expected.events), `webhooks after ${what}`);
      await assertLedgerInvariants(chain.front.db);
    }

    for (const card of CARDS) {
      it(`${card.number}: ${card.title}`, async () => {
        const { order, challengeUrl } = await chain.client.pay(AMOUNT, card.number);
        assert.equal(challengeUrl, undefined, 'no 3-D Secure for this card');
        await check(order, card.paid, 'the payment');
        if (card.paid.standing === 'authorized') {
          // Where it went: the front's dialect names the gateway the upstream's answer named.
          const front = await chain.client.view(order);
          const upstream = await upstreamOrder(chain, order.id);
          const gateway = expectedGateway(chain, upstream.view.gateway);
          assert.equal(front.gateway, gateway);
          assert.equal((await frontPayment(chain, order.id)).gateway_details?.gateway, gateway);
        }
        for (const [step, expected] of card.steps) {
          await perform(chain, order, step, expected.state);
          await check(order, expected, step.do);
        }
        webhooks.assertAllVerified();
      });
    }

    it('4000000000003220: 3-D Secure leaves the front payment pending, its challenge page sending the customer to the upstream’s', async () => {
      const { order, challengeUrl } = await chain.client.pay(AMOUNT, '4000000000003220');
      await check(order, { state: 'PENDING', standing: 'pending', ledger: NOTHING, events: ['payment.started'] }, 'the payment');
      const payment = await frontPayment(chain, order.id);
      assert.equal(payment.status, 'PENDING');
      assert.ok(challengeUrl, "the front's answer gives a challenge page");
      assert.ok(challengeUrl.startsWith(`${chain.front.baseUrl}/web/auth/landing/?token=`), challengeUrl);

      // The front's page answers with the upstream's challenge page, which the upstream serves.
      const redirected = await fetch(challengeUrl, { redirect: 'manual' });
      assert.equal(redirected.status, 303);
      const target = redirected.headers.get('location');
      assert.ok(target);
      assert.equal(target, payment.challenge_redirect_url);
      const upstream = await upstreamOrder(chain, order.id);
      const [upstreamPayment] = await chain.upstream.server.db.query<{ challenge_id: string }>(
        'select challenge_id from payments where order_id = $1',
        [upstream.id],
      );
      const upstreamChallenge = upstreamPayment?.challenge_id;
      assert.ok(upstreamChallenge, 'the upstream payment holds the challenge');
      assert.equal(target, `${chain.upstream.server.baseUrl}/web/auth/landing/?token=${upstreamChallenge}`);
      if (kind === 'pinelabs-online') assert.equal(target, upstream.body.challenge_url);
      const page = await fetch(target, { redirect: 'manual' });
      assert.equal(page.status, 200);
      assert.match(await page.text(), /otp/i);
    });
  });
}
