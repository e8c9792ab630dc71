/**
 * A partial capture through a front Holdfast routed to one upstream Holdfast, for each upstream
 * kind: the upstream releases the uncaptured remainder itself, once; the front only confirms it
 * (its connectors read the upstream order, never send a second release), records the REVERSE
 * once, and both sides' dialects show the capture and the release. And where a payment went: the
 * gateway an upstream's answer names is the one the front's dialect names.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestServer } from '../helpers/test-server.js';
import { assertLedgerInvariants } from '../helpers/ledger-check.js';
import { linkUpstream, routeTo, startUpstream, type UpstreamKind } from '../helpers/upstream-chain.js';
import {
  assertAgree,
  FrontWebhooks,
  runBothJobs,
  startChain,
  SYNC_STEP_MS,
  syncUntil,
  upstreamOrder,
  frontPayment,
  type Chain,
  type FrontOrder,
} from './helpers/chain-cards.js';

const AMOUNT = 10_000;

/** The order's releases of held money and its REVERSE journal entries, from one side's database. */
async function releases(server: TestServer, orderId: string) {
  const rows = await server.db.query<{ kind: string; amount: number; status: string }>(
    'select kind, amount, status from reversals where order_id = $1 order by created_at',
    [orderId],
  );
  const entries = await server.db.query<{ id: string }>("select id from journal_entries where order_id = $1 and kind = 'REVERSE'", [
    orderId,
  ]);
  return { rows, reverseEntries: entries.length };
}

/** One release of the remainder, confirmed, and one REVERSE entry for it. */
const releasedOnce = (remainder: number) => ({
  rows: [{ kind: 'REMAINDER', amount: remainder, status: 'SUCCEEDED' }],
  reverseEntries: 1,
});

/** The Pine Labs payment's captures and releases, as its order shows them (docs/statuses.md). */
function pineLabsOperations(order: any) {
  const payment = order.payments.at(-1);
  return {
    status: order.status,
    paymentStatus: payment.status,
    captured: (payment.capture_data ?? []).map((c: any) => c.capture_amount.value),
    released: (payment.reversal_data ?? []).map((r: any) => [r.type, r.reversal_amount.value, r.status]),
  };
}

for (const kind of ['pinelabs-online', 'juspay'] as const satisfies readonly UpstreamKind[]) {
  describe(`partial capture through a front Holdfast routed to a ${kind} upstream`, () => {
    let chain: Chain;
    let webhooks: FrontWebhooks;
    before(async () => {
      chain = await startChain(kind);
      webhooks = new FrontWebhooks(chain.receiver);
    });
    after(() => chain.close());

    /**
     * The capture of `captured` stands on both sides, and what it left held was released once: one
     * REMAINDER row and one REVERSE entry at the front, and the same at the upstream, which shows
     * the release in its own dialect; the front's dialect shows it too.
     */
    async function assertCapturedInPart(order: FrontOrder, captured: number) {
      const remainder = AMOUNT - captured;
      await assertAgree(
        chain,
        order,
        {
          state: 'PARTIALLY_CAPTURED',
          standing: 'captured',
          errorCode: null,
          ledger: { authorized: AMOUNT, captured, reversed: remainder, refunded: 0 },
        },
        AMOUNT,
      );
      const upstream = await upstreamOrder(chain, order.id);
      const once = releasedOnce(remainder);
      assert.deepEqual(await releases(chain.front, order.id), once, 'the front recorded the release once');
      assert.deepEqual(await releases(chain.upstream.server, upstream.id), once, 'the upstream released the remainder once');

      const shownByPineLabs = {
        status: 'PROCESSED',
        paymentStatus: 'PROCESSED',
        captured: [captured],
        released: [['AUTO_REVERSAL', remainder, 'PROCESSED']],
      };
      const front = await chain.client.read(order);
      if (kind === 'pinelabs-online') {
        assert.deepEqual(pineLabsOperations(upstream.body), shownByPineLabs, 'the Pine Labs upstream shows the capture and the release');
        assert.deepEqual([front.status, front.txn_detail.status], ['PARTIAL_CHARGED', 'CHARGED'], 'the front shows it in Juspay words');
      } else {
        assert.deepEqual(
          [upstream.body.status, upstream.body.txn_detail.status],
          ['PARTIAL_CHARGED', 'CHARGED'],
          'the Juspay upstream shows it',
        );
        assert.deepEqual(pineLabsOperations(front), shownByPineLabs, 'the front shows it in Pine Labs words');
      }
      await assertLedgerInvariants(chain.front.db);
      await assertLedgerInvariants(chain.upstream.server.db);
    }

    const capturedWebhook = () => (chain.client.dialect === 'juspay' ? ['ORDER_PARTIAL_CHARGED'] : ['ORDER_PROCESSED']);

    /** Both sides' status sync and jobs run twice more past their first delays: nothing is released again. */
    async function laterRounds() {
      for (let round = 0; round < 2; round++) {
        chain.upstream.server.clock.advance(SYNC_STEP_MS);
        chain.front.clock.advance(SYNC_STEP_MS);
        await runBothJobs(chain);
      }
    }

    it('captured in part: the remainder is released once, at the upstream, and both sides show it; then refunded', async () => {
      const { order } = await chain.client.pay(AMOUNT, '4111111111111111');
      await runBothJobs(chain);
      webhooks.newFor(order.id);

      await chain.client.capture(order, 6_000);
      // The capture's own request confirmed the release at the upstream, before any job or webhook.
      assert.deepEqual(await releases(chain.front, order.id), releasedOnce(4_000));
      await runBothJobs(chain);
      await assertCapturedInPart(order, 6_000);
      assert.deepEqual(webhooks.newFor(order.id), capturedWebhook());

      await laterRounds();
      await assertCapturedInPart(order, 6_000);

      await chain.client.refund(order, 6_000);
      await runBothJobs(chain);
      await assertAgree(
        chain,
        order,
        {
          state: 'FULLY_REFUNDED',
          standing: 'refunded',
          ledger: { authorized: AMOUNT, captured: 6_000, reversed: 4_000, refunded: 6_000 },
        },
        AMOUNT,
      );
      assert.deepEqual(webhooks.newFor(order.id), chain.client.dialect === 'juspay' ? ['ORDER_REFUNDED'] : ['REFUND_PROCESSED']);
      webhooks.assertAllVerified();
    });

    it('a partial capture answered pending (4000000000000077): the status sync settles it on both sides, the remainder released once', async () => {
      const { order } = await chain.client.pay(AMOUNT, '4000000000000077');
      await runBothJobs(chain);
      webhooks.newFor(order.id);

      await chain.client.capture(order, 7_000);
      await runBothJobs(chain);
      await assertAgree(
        chain,
        order,
        { state: 'CAPTURE_PENDING', standing: 'authorized', ledger: { authorized: AMOUNT, captured: 0, reversed: 0, refunded: 0 } },
        AMOUNT,
      );
      assert.deepEqual(webhooks.newFor(order.id), []);

      assert.ok((await syncUntil(chain, order, 'PARTIALLY_CAPTURED')) > 0, 'pending until the status sync ran');
      await runBothJobs(chain);
      await assertCapturedInPart(order, 7_000);
      assert.deepEqual(webhooks.newFor(order.id), capturedWebhook());

      await laterRounds();
      await assertCapturedInPart(order, 7_000);
      webhooks.assertAllVerified();
    });
  });
}

describe('where a payment went: the gateway named two upstreams down reaches the front', () => {
  for (const kind of ['pinelabs-online', 'juspay'] as const satisfies readonly UpstreamKind[]) {
    const last: UpstreamKind = kind === 'juspay' ? 'pinelabs-online' : 'juspay';
    it(`front → ${kind} Holdfast → ${last} Holdfast: each names the gateway the one below it answered with`, async () => {
      const chain = await startChain(kind);
      const bottom = await startUpstream(last);
      try {
        // The upstream's own merchant routes to a gateway of its own: the upstream is itself a front.
        const middle = chain.upstream;
        const account = await linkUpstream(middle.server, middle.merchant.merchant_id, bottom, 'below');
        await routeTo(middle.server, middle.merchant.merchant_id, [account]);

        const { order } = await chain.client.pay(AMOUNT, '4111111111111111');
        const upstream = await upstreamOrder(chain, order.id);
        // The bottom Holdfast decides on its sandbox: a Juspay one names its gateway, a Pine Labs one no acquirer.
        const named = last === 'juspay' ? 'HOLDFAST_SANDBOX' : 'pinelabs-online:below';
        assert.equal(upstream.view.gateway, named, 'the middle Holdfast names the gateway the bottom one answered with');
        const front = await chain.client.view(order);
        assert.equal(front.gateway, named, "the front's dialect names the same gateway");
        assert.equal((await frontPayment(chain, order.id)).gateway_details?.gateway, named);
        assert.equal(front.standing, 'authorized');
      } finally {
        await Promise.all([chain.close(), bottom.server.close()]);
      }
    });
  }
});
