/**
 * A late authorization is voided (docs/failover.md), through a front Holdfast in front of an
 * upstream Holdfast of each kind.
 *
 * How it comes about here: 3-D Secure at the upstream, whose challenge window is longer than the
 * front's (HOLDFAST_CHALLENGE_TTL 2m at the front, the default 10m at the upstream). The customer
 * opens the upstream's challenge page through the front and is slow; the front's window closes and
 * its job declines the attempt (the merchant is told); the customer pays the same order again with
 * another card, which is authorized; then the customer finally types the OTP on the upstream's page,
 * still open there, and the upstream authorizes the attempt the front had ended. The upstream says
 * so by the browser's signed return and by its webhook, both to the front's routes for the account;
 * the front asks the upstream, finds it authorized, and voids it there.
 *
 * Why this path rather than a dropped answer (a proxy cutting the payment call's answer): an attempt
 * whose answer was lost stays PENDING, and the status sync then records the upstream's authorization
 * as the attempt's answer — an ordinary authorization, not a late one. Only an attempt the front had
 * already ended can be authorized late; an expired challenge ends it with real components only,
 * while the upstream still waits for its cardholder.
 *
 * Pine Labs is reached first by the browser's return, then by its webhook; Juspay first by its
 * webhook, then by the return: whichever comes second finds the void already under way and does
 * nothing more.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_OTP } from '../../src/test-cards/table.js';
import { submitOtp } from '../juspay/helpers/juspay-http.js';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { returnOf, type MerchantReturn } from '../helpers/merchant-return.js';
import { PineLabsClient, VISA_OK } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { linkUpstream, routeTo, startUpstream, upstreamOrderStatus, type Upstream, type UpstreamKind } from '../helpers/upstream-chain.js';

const CHALLENGE_CARD = '4000000000003220';
const FRONT_CHALLENGE_TTL_MS = 2 * 60_000;
const AMOUNT = 20_000;

/** A loopback URL nothing listens at: the merchant's webhook endpoint, so the front records its events without delivering them. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/hooks`;
}

/** The browser following the upstream's return to the front (a form POST or a 303 GET). */
async function followReturn(back: MerchantReturn): Promise<number> {
  const response =
    back.method === 'POST'
      ? await fetch(back.url, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(back.fields).toString(),
        })
      : await fetch(back.url, { redirect: 'manual' });
  await response.text();
  return response.status;
}

describe('an authorization that arrives after the front ended its attempt', () => {
  let front: TestServer;
  const upstreams = {} as Record<UpstreamKind, Upstream>;

  before(async () => {
    [front, upstreams['pinelabs-online'], upstreams.juspay] = await Promise.all([
      startTestServer({ HOLDFAST_CHALLENGE_TTL: '2m' }),
      startUpstream('pinelabs-online'),
      startUpstream('juspay'),
    ]);
  });
  after(async () => {
    await Promise.all([front.close(), upstreams['pinelabs-online'].server.close(), upstreams.juspay.server.close()]);
  });

  /** Time passes for both Holdfasts alike. */
  function advanceClocks(upstream: Upstream, ms: number) {
    front.clock.advance(ms);
    upstream.server.clock.advance(ms);
  }

  for (const kind of ['pinelabs-online', 'juspay'] as const) {
    it(`${kind}: voided at the upstream, AUTHORIZE and REVERSE in the ledger, no webhook to the merchant, audited; one capture`, async () => {
      const upstream = upstreams[kind];
      const merchant = await front.newMerchant(`Late ${kind}`, { webhookUrl: await closedUrl() });
      const client = await PineLabsClient.login(front.baseUrl, merchant);
      const account = await linkUpstream(front, merchant.merchant_id, upstream, 'main');
      await routeTo(front, merchant.merchant_id, [account]);

      // The customer pays with a 3-D Secure card and is sent, through the front, to the upstream's page.
      const created = await client.createOrder(AMOUNT);
      const orderId: string = created.body.data.order_id;
      const challenged = await client.pay(orderId, AMOUNT, CHALLENGE_CARD);
      assert.equal(challenged.body.data.status, 'PENDING', JSON.stringify(challenged.body));
      const frontPage = await fetch(challenged.body.data.challenge_url, { redirect: 'manual' });
      await frontPage.text();
      assert.equal(frontPage.status, 303);
      const upstreamPage = frontPage.headers.get('location') ?? '';
      assert.ok(upstreamPage.startsWith(`${upstream.server.baseUrl}/`), `the upstream's own page: ${upstreamPage}`);

      // The front's window closes first: its job declines the attempt.
      advanceClocks(upstream, FRONT_CHALLENGE_TTL_MS + 1_000);
      await front.runJobs();
      const [ended] = await front.db.query<{ id: string; status: string; error_code: string; connector_reference: string }>(
        'select id, status, error_code, connector_reference from payments where order_id = $1 order by seq',
        [orderId],
      );
      assert.ok(ended);
      assert.deepEqual([ended.status, ended.error_code], ['FAILED', 'USER_AUTHENTICATION_FAILED']);
      assert.equal((await client.getOrder(orderId)).body.data.status, 'ATTEMPTED');

      // The customer pays the same order again with another card.
      const paid = await client.pay(orderId, AMOUNT, VISA_OK);
      assert.equal(paid.body.data.status, 'AUTHORIZED', JSON.stringify(paid.body));
      const eventsBefore = await merchantEvents(orderId);
      assert.ok(eventsBefore.length > 0, 'the merchant hears of the decline and the authorization');

      // Then types the OTP on the upstream's page, still open there: the upstream authorizes the ended attempt.
      const back = returnOf(await submitOtp(upstreamPage, SANDBOX_OTP));
      assert.equal(back.url.origin, new URL(front.baseUrl).origin, 'the upstream sends the browser back to the front');
      assert.equal(await upstreamOrderStatus(upstream, ended.connector_reference), 'AUTHORIZED');

      const voidedThere = kind === 'juspay' ? 'VOIDED' : 'CANCELLED';
      const browserReturns = async () => {
        const status = await followReturn(back);
        assert.ok(status === 200 || status === 303, `the return page answers: ${status}`);
      };
      const upstreamWebhooks = async () => {
        await upstream.server.runJobs();
        const heard = await front.db.query('select event_id from upstream_events where gateway_account_id = $1 and payment_id = $2', [
          account,
          ended.id,
        ]);
        assert.ok(heard.length > 0, "the upstream's webhooks about the attempt reached the front");
      };
      const [firstWord, secondWord] = kind === 'pinelabs-online' ? [browserReturns, upstreamWebhooks] : [upstreamWebhooks, browserReturns];
      await firstWord();
      // Voided where it was authorized.
      assert.equal(await upstreamOrderStatus(upstream, ended.connector_reference), voidedThere);
      await secondWord();

      // The attempt stays FAILED, as the merchant was told.
      const attempts = await front.db.query<{ id: string; status: string }>(
        'select id, status from payments where order_id = $1 order by seq',
        [orderId],
      );
      assert.deepEqual(
        attempts.map((p) => p.status),
        ['FAILED', 'AUTHORIZED'],
      );
      const releases = await front.db.query<{ id: string; kind: string; status: string }>(
        'select id, kind, status from reversals where payment_id = $1',
        [ended.id],
      );
      assert.deepEqual(
        releases.map((r) => [r.kind, r.status]),
        [['LATE_VOID', 'SUCCEEDED']],
        'one void, however many times the upstream said so',
      );
      const entries = await front.db.query<{ kind: string; reference_id: string }>(
        'select kind, reference_id from journal_entries where reference_id in ($1, $2) order by id',
        [ended.id, releases[0]!.id],
      );
      assert.deepEqual(
        entries.map((e) => [e.kind, e.reference_id]),
        [
          ['AUTHORIZE', ended.id],
          ['REVERSE', releases[0]!.id],
        ],
      );
      await assertLedgerInvariants(front.db);
      assert.deepEqual(await merchantEvents(orderId), eventsBefore, 'the merchant is sent nothing about it');
      const audit = await front.db.query<{ actor_kind: string; merchant_id: string }>(
        "select actor_kind, merchant_id from audit_log where action = 'payment.late_authorization_void' and target_id = $1",
        [ended.id],
      );
      assert.deepEqual(
        audit.map((a) => [a.actor_kind, a.merchant_id]),
        [['system', merchant.merchant_id]],
      );
      assert.equal((await client.getOrder(orderId)).body.data.status, 'AUTHORIZED');

      // Only the attempt the merchant holds can be captured, and only once.
      const captured = await client.capture(orderId, {
        merchant_capture_reference: `cap-${kind}`,
        capture_amount: { value: AMOUNT, currency: 'INR' },
      });
      assert.equal(captured.status, 200, JSON.stringify(captured.body));
      assert.equal(captured.body.data.status, 'PROCESSED');
      const again = await client.capture(orderId, {
        merchant_capture_reference: `cap-${kind}-again`,
        capture_amount: { value: AMOUNT, currency: 'INR' },
      });
      assert.ok(again.status >= 400 && again.status < 500, `a second capture is refused: ${again.status}`);
      const ledger = await orderLedger(front.db, orderId);
      assert.deepEqual(
        { authorized: ledger.authorized, captured: ledger.captured, reversed: ledger.reversed, held: ledger.held },
        { authorized: 2 * AMOUNT, captured: AMOUNT, reversed: AMOUNT, held: 0 },
      );
      assert.equal(await upstreamOrderStatus(upstream, ended.connector_reference), voidedThere);
      await assertLedgerInvariants(front.db);
    });
  }

  /** The webhook events the front recorded for the merchant about an order, oldest first. */
  async function merchantEvents(orderId: string) {
    const rows = await front.db.query<{ id: string; event_type: string }>(
      'select id, event_type from webhook_events where order_id = $1 order by created_at, id',
      [orderId],
    );
    return rows.map((r) => [r.id, r.event_type]);
  }
});
