/**
 * Webhooks from upstream gateways (docs/gateways.md, docs/failover.md), through a front Holdfast in
 * front of an upstream Holdfast of each kind whose merchant's webhooks point at the front's route
 * for the gateway account (`/upstream/{account}/webhooks`).
 *
 * A capture the upstream leaves pending (the test card whose capture is answered pending,
 * docs/test-cards.md) is settled at the upstream by the upstream's own status sync; its webhook then
 * settles the front's capture without the front's sync running (the front's clock never moves and
 * its jobs never run here). While that webhook is held up (the front unreachable from the upstream
 * for a moment), the front is sent, with the upstream's capture already settled, so that any webhook
 * acted on would change the order:
 *
 * - forgeries (a changed or missing Pine Labs signature, one made with another secret; wrong or
 *   missing Juspay Basic credentials): 401, nothing changes;
 * - the upstream's own genuine delivery at another account's route (an account of another front
 *   merchant logging in to the same upstream merchant): `unknown_order`, nothing changes;
 * - an event already acted on, resent by the upstream under the same id: `duplicate`, nothing changes.
 *
 * Deliveries are the upstream's own: its outbox and job runner, or its signer (src/webhooks/signing.ts)
 * for one sent by hand to another route.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { upstreamWebhookPath } from '../../src/connectors/upstream.js';
import { setMerchantWebhook } from '../../src/core/merchants.js';
import { findWebhookEndpoint, findWebhookEvent } from '../../src/store/webhooks-repository.js';
import { replayWebhookEvent } from '../../src/webhooks/outbox.js';
import { webhookHeaders } from '../../src/webhooks/signing.js';
import { assertLedgerInvariants, orderLedger, snapshot } from '../helpers/ledger-check.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import {
  linkUpstream,
  routeTo,
  startUpstream,
  UPSTREAM_WEBHOOK_AUTH,
  upstreamOrderStatus,
  type Upstream,
  type UpstreamKind,
} from '../helpers/upstream-chain.js';

/** Authorized; its capture is answered pending, and settles as succeeded at the status sync. */
const CAPTURE_PENDING_CARD = '4000000000000077';
const AMOUNT = 15_000;

/** A loopback URL nothing listens at. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/hooks`;
}

interface Delivery {
  headers: Record<string, string>;
  body: string;
}

describe('webhooks from upstream gateways', () => {
  let front: TestServer;
  const upstreams = {} as Record<UpstreamKind, Upstream>;

  before(async () => {
    [front, upstreams['pinelabs-online'], upstreams.juspay] = await Promise.all([
      startTestServer(),
      startUpstream('pinelabs-online'),
      startUpstream('juspay'),
    ]);
  });
  after(async () => {
    await Promise.all([front.close(), upstreams['pinelabs-online'].server.close(), upstreams.juspay.server.close()]);
  });

  /** The upstream's events, in the order its outbox made them. */
  async function upstreamEvents(upstream: Upstream) {
    return upstream.server.db.query<{ id: string; event_type: string; delivered_at: Date | null }>(
      'select id, event_type, delivered_at from webhook_events order by created_at, id',
    );
  }

  /** What the front answered the upstream's latest delivery of `eventId`. */
  async function lastAnswerTo(upstream: Upstream, eventId: string) {
    const rows = await upstream.server.db.query<{ status_code: number | null; response_excerpt: string | null; error: string | null }>(
      'select status_code, response_excerpt, error from webhook_attempts where event_id = $1 order by id desc limit 1',
      [eventId],
    );
    const [last] = rows;
    assert.ok(last, `the upstream tried to deliver ${eventId}`);
    return last;
  }

  /** Event `eventId` as the upstream signs it now, for its merchant's endpoint. */
  async function genuineDelivery(upstream: Upstream, eventId: string): Promise<Delivery> {
    const { ctx } = upstream.server.app;
    const event = await findWebhookEvent(ctx.db, eventId);
    const endpoint = await findWebhookEndpoint(ctx.db, upstream.merchant.merchant_id);
    assert.ok(event && endpoint);
    const headers = await webhookHeaders(ctx, event.merchantId, endpoint, {
      id: event.id,
      sentAt: ctx.clock.now(),
      payload: event.payload,
    });
    return { headers, body: event.payload };
  }

  async function deliver(accountId: string, delivery: Delivery): Promise<{ status: number; body: any }> {
    const response = await fetch(`${front.baseUrl}${upstreamWebhookPath(accountId)}`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Deliveries no upstream made: each a genuine one with one thing changed. */
  function forgeries(kind: UpstreamKind, genuine: Delivery): Array<[string, Delivery]> {
    const without = (name: string) => Object.fromEntries(Object.entries(genuine.headers).filter(([key]) => key !== name));
    if (kind === 'juspay') {
      const wrong = Buffer.from(`${UPSTREAM_WEBHOOK_AUTH.split(':')[0]}:not-the-password`).toString('base64');
      return [
        ['wrong Basic password', { ...genuine, headers: { ...genuine.headers, authorization: `Basic ${wrong}` } }],
        ['no Basic credentials', { ...genuine, headers: without('authorization') }],
      ];
    }
    const signature = genuine.headers['webhook-signature'] ?? '';
    const flipped = signature.replace(/,(.)/, (_, c: string) => `,${c === 'A' ? 'B' : 'A'}`);
    const otherSecret = `whsec_${randomBytes(24).toString('base64')}`;
    const id = genuine.headers['webhook-id'] ?? '';
    const at = new Date(Number(genuine.headers['webhook-timestamp']) * 1000);
    return [
      ['a changed signature', { ...genuine, headers: { ...genuine.headers, 'webhook-signature': flipped } }],
      [
        'signed with another secret',
        { ...genuine, headers: { ...genuine.headers, 'webhook-signature': new Webhook(otherSecret).sign(id, at, genuine.body) } },
      ],
      ['a changed body', { ...genuine, body: genuine.body.replace(/"order_id":"/, '"order_id":"x') }],
      ['no signature', { ...genuine, headers: without('webhook-signature') }],
    ];
  }

  for (const kind of ['pinelabs-online', 'juspay'] as const) {
    it(`${kind}: a verified webhook settles a pending capture before the front's sync; forged, misrouted and replayed ones change nothing`, async () => {
      const upstream = upstreams[kind];
      const upstreamCtx = upstream.server.app.ctx;
      const merchant = await front.newMerchant(`Webhooks ${kind}`);
      const client = await PineLabsClient.login(front.baseUrl, merchant);
      const account = await linkUpstream(front, merchant.merchant_id, upstream, 'main');
      await routeTo(front, merchant.merchant_id, [account]);
      // Another front merchant's account, logging in to the same upstream merchant.
      const neighbour = await front.newMerchant(`Neighbour ${kind}`);
      const neighbourAccount = await linkUpstream(front, neighbour.merchant_id, upstream, 'same-login', { webhooks: false });
      const frontStart = front.clock.now().getTime();

      const orderId = await client.authorizedOrder(AMOUNT, CAPTURE_PENDING_CARD);
      const [attempt] = await front.db.query<{ connector_reference: string }>(
        'select connector_reference from payments where order_id = $1',
        [orderId],
      );
      assert.ok(attempt);
      // The upstream's webhooks about the authorization reach the front and are acted on.
      await upstream.server.runJobs();
      const authorizationEvents = await upstreamEvents(upstream);
      assert.ok(authorizationEvents.length > 0 && authorizationEvents.every((e) => e.delivered_at !== null));
      const actedOn = authorizationEvents[0]!.id;
      const firstAnswer = await lastAnswerTo(upstream, actedOn);
      assert.equal(firstAnswer.status_code, 200);
      assert.equal(JSON.parse(firstAnswer.response_excerpt ?? '{}').status, 'applied');

      const captured = await client.capture(orderId, {
        merchant_capture_reference: `cap-${kind}`,
        capture_amount: { value: AMOUNT, currency: 'INR' },
      });
      assert.equal(captured.status, 200, JSON.stringify(captured.body));
      const frontState = async () =>
        (await front.db.query<{ state: string }>('select state from orders where id = $1', [orderId]))[0]?.state;
      assert.equal(await frontState(), 'CAPTURE_PENDING');

      // The front is unreachable from the upstream for a moment, while the upstream's own sync settles the capture.
      const auth = kind === 'juspay' ? UPSTREAM_WEBHOOK_AUTH : undefined;
      const route = `${front.baseUrl}${upstreamWebhookPath(account)}`;
      assert.ok(await setMerchantWebhook(upstreamCtx, upstream.merchant.merchant_id, await closedUrl(), auth));
      upstream.server.clock.advance(upstreamCtx.syncPolicy.firstDelayMs + 1_000);
      await upstream.server.runJobs();
      assert.equal(await upstreamOrderStatus(upstream, attempt.connector_reference), kind === 'juspay' ? 'CHARGED' : 'PROCESSED');
      const held = (await upstreamEvents(upstream)).filter((e) => e.delivered_at === null);
      assert.ok(held.length > 0, 'the upstream has news the front has not heard');
      const news = held[0]!.id;
      assert.match((await lastAnswerTo(upstream, news)).error ?? '', /ECONNREFUSED|fetch failed|refused/i);

      assert.equal(await frontState(), 'CAPTURE_PENDING');
      const [syncJob] = await front.db.query<{ run_at: Date; attempts: number }>(
        "select run_at, attempts from jobs where kind = 'sync.capture' and payload->>'orderId' = $1",
        [orderId],
      );
      assert.ok(
        syncJob && new Date(syncJob.run_at).getTime() > front.clock.now().getTime() && syncJob.attempts === 0,
        'the front sync is not due',
      );
      const before = await snapshot(front.db, orderId);
      const heardBefore = await front.db.query('select * from upstream_events order by gateway_account_id, event_id');

      // Forged: refused, nothing recorded.
      const genuine = await genuineDelivery(upstream, news);
      for (const [what, forged] of forgeries(kind, genuine)) {
        const answer = await deliver(account, forged);
        assert.equal(answer.status, 401, `${what}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error.code, 'UNAUTHORIZED');
      }
      assert.deepEqual(await snapshot(front.db, orderId), before, 'forgeries changed nothing');

      // The upstream's genuine event, at the route of an account that never sent this payment.
      const misrouted = await deliver(neighbourAccount, genuine);
      assert.equal(misrouted.status, 200, JSON.stringify(misrouted.body));
      assert.deepEqual(misrouted.body, { status: 'unknown_order', event_id: news });
      assert.deepEqual(await snapshot(front.db, orderId), before, "another account's event changed nothing");
      const neighbourOrders = await front.db.query('select id from orders where merchant_id = $1', [neighbour.merchant_id]);
      assert.deepEqual(neighbourOrders, []);

      // The front is reachable again; the upstream resends an event the front already acted on.
      assert.ok(await setMerchantWebhook(upstreamCtx, upstream.merchant.merchant_id, route, auth));
      await replayWebhookEvent(upstream.server.db, actedOn, upstream.server.config.webhookRetryScheduleMs, upstreamCtx.clock.now());
      await upstream.server.runJobs();
      const replayed = await lastAnswerTo(upstream, actedOn);
      assert.equal(replayed.status_code, 200);
      assert.deepEqual(JSON.parse(replayed.response_excerpt ?? '{}'), { status: 'duplicate', event_id: actedOn });
      assert.deepEqual(await snapshot(front.db, orderId), before, 'a replay changed nothing');
      assert.equal(
        (await front.db.query('select * from upstream_events order by gateway_account_id, event_id')).length,
        heardBefore.length + 1,
        'only the misrouted event was recorded, under the account it came to',
      );

      // The upstream's own retry of its news: verified, acted on, and the front's capture settles.
      upstream.server.clock.advance(upstream.server.config.webhookRetryScheduleMs[0]!);
      await upstream.server.runJobs();
      const delivered = await lastAnswerTo(upstream, news);
      assert.equal(delivered.status_code, 200);
      assert.deepEqual(JSON.parse(delivered.response_excerpt ?? '{}'), { status: 'applied', event_id: news });
      assert.equal(await frontState(), 'CAPTURED');
      const captures = await front.db.query<{ status: string }>('select status from captures where order_id = $1', [orderId]);
      assert.deepEqual(
        captures.map((c) => c.status),
        ['SUCCEEDED'],
      );
      assert.equal((await client.getOrder(orderId)).body.data.status, 'PROCESSED');
      assert.equal(front.clock.now().getTime(), frontStart, "the front's clock never moved: its sync never ran");
      const ledger = await orderLedger(front.db, orderId);
      assert.equal(ledger.captured, AMOUNT, JSON.stringify(ledger));
      await assertLedgerInvariants(front.db);
    });
  }
});
