/**
 * Failover that never authorizes twice (docs/failover.md), through a front Holdfast whose merchant
 * routes to two upstream Holdfasts (one speaking Pine Labs Online, one Juspay):
 *
 * - an upstream that refuses connections sends the authorization to the next; capture follows it;
 * - an upstream that refuses our credentials (a decline its connector calls the gateway's own fault)
 *   sends it to the next too; a hard decline (a declining test card) is the payment's answer;
 * - an upstream that acted but did not answer within HOLDFAST_UPSTREAM_TIMEOUT (a proxy holds its
 *   answer back) is never failed over from: the attempt stays pending until the status sync, twice
 *   the timeout later, reads what the upstream did;
 * - the circuit breaker (docs/routing.md): after its failures an account is skipped, and after the
 *   cooldown one payment probes it again.
 *
 * Whether the second upstream was asked is read from the upstream itself: its own orders.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../src/core/admin/audit.js';
import { setGatewayAccountEnabled } from '../../src/core/gateway-accounts.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { startCountingProxy } from '../helpers/counting-http-proxy.js';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { PineLabsClient, VISA_OK } from '../helpers/pinelabs-client.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { linkUpstream, routeTo, startUpstream, type Upstream } from '../helpers/upstream-chain.js';

const DECLINED_CARD = '4000000000000002';

/** A loopback port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** The front's attempts of an order, oldest first, as `[account, status, error code]`. */
async function attemptsOf(front: TestServer, orderId: string) {
  const rows = await front.db.query<{ connector: string; status: string; error_code: string | null; failover_of: string | null }>(
    'select connector, status, error_code, failover_of from payments where order_id = $1 order by seq',
    [orderId],
  );
  return { rows, summary: rows.map((p) => [p.connector, p.status, p.error_code]) };
}

async function orderState(front: TestServer, orderId: string): Promise<string> {
  const rows = await front.db.query<{ state: string }>('select state from orders where id = $1', [orderId]);
  return rows[0]?.state ?? 'none';
}

/** How many orders an upstream holds: whether it was asked at all. */
async function ordersAt(upstream: Upstream): Promise<number> {
  const rows = await upstream.server.db.query<{ n: number }>('select count(*)::int as n from orders');
  return Number(rows[0]?.n);
}

/** The state of the order of the upstream's newest payment (the upstream's own core state). */
async function newestOrderAt(upstream: Upstream): Promise<string | undefined> {
  const rows = await upstream.server.db.query<{ state: string }>(
    'select o.state from payments p join orders o on o.id = p.order_id order by p.seq desc limit 1',
  );
  return rows[0]?.state;
}

/** A front merchant logged in to the front's Pine Labs dialect. */
async function frontMerchant(front: TestServer, name: string): Promise<{ merchant: MerchantCredentials; client: PineLabsClient }> {
  const merchant = await front.newMerchant(name);
  return { merchant, client: await PineLabsClient.login(front.baseUrl, merchant) };
}

/** A pre-authorization order at the front, paid with `card`; the pay reply is returned as well. */
async function pay(client: PineLabsClient, amount: number, card = VISA_OK) {
  const order = await client.createOrder(amount);
  assert.equal(order.status, 200, JSON.stringify(order.body));
  const orderId: string = order.body.data.order_id;
  const paid = await client.pay(orderId, amount, card);
  assert.equal(paid.status, 200, JSON.stringify(paid.body));
  return { orderId, paid };
}

/**
 * The impatient front's HOLDFAST_UPSTREAM_TIMEOUT: short, since a held answer is waited out in real
 * time, yet far above what a loopback call takes on a busy machine, so only the held answer times out.
 */
const UPSTREAM_TIMEOUT_MS = 3_000;

describe('failover between two upstream gateways', () => {
  let front: TestServer;
  /** A front with a short HOLDFAST_UPSTREAM_TIMEOUT, and a first sync delay short enough that twice that timeout governs. */
  let impatientFront: TestServer;
  let pine: Upstream;
  let juspay: Upstream;

  before(async () => {
    [front, impatientFront, pine, juspay] = await Promise.all([
      startTestServer(),
      startTestServer({
        HOLDFAST_UPSTREAM_TIMEOUT: `${UPSTREAM_TIMEOUT_MS}ms`,
        HOLDFAST_SYNC_DELAY: '1s',
        HOLDFAST_ACQUIRER_TIMEOUT: '500ms',
      }),
      startUpstream('pinelabs-online'),
      startUpstream('juspay'),
    ]);
  });
  after(async () => {
    await Promise.all([front.close(), impatientFront.close(), pine.server.close(), juspay.server.close()]);
  });

  it('an upstream that refuses connections: the authorization goes to the next one, once; capture follows it', async () => {
    const { merchant, client } = await frontMerchant(front, 'Refused connections');
    const down = await linkUpstream(front, merchant.merchant_id, pine, 'down', { baseUrl: await closedPort(), webhooks: false });
    const up = await linkUpstream(front, merchant.merchant_id, juspay, 'up', { webhooks: false });
    await routeTo(front, merchant.merchant_id, [down, up]);

    const orderId = await client.authorizedOrder(25_000, VISA_OK);
    const { rows, summary } = await attemptsOf(front, orderId);
    assert.deepEqual(summary, [
      [down, 'FAILED', 'GATEWAY_UNREACHABLE'],
      [up, 'AUTHORIZED', null],
    ]);
    assert.ok(rows[1]?.failover_of);

    const captured = await client.capture(orderId, {
      merchant_capture_reference: 'cap-1',
      capture_amount: { value: 25_000, currency: 'INR' },
    });
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    assert.equal(captured.body.data.status, 'PROCESSED');
    await assertLedgerInvariants(front.db);
    const ledger = await orderLedger(front.db, orderId);
    assert.equal(ledger.captured, 25_000, JSON.stringify(ledger));
  });

  it('an upstream that refuses our credentials declines retryably: the next one authorizes, and only it holds the money', async () => {
    const cases = [
      { refusing: pine, wrong: { clientSecret: 'not-the-client-secret' }, taking: juspay },
      { refusing: juspay, wrong: { apiKey: 'not-the-api-key' }, taking: pine },
    ];
    for (const { refusing, wrong, taking } of cases) {
      const { merchant, client } = await frontMerchant(front, `Wrong ${refusing.kind} credentials`);
      const refused = await linkUpstream(front, merchant.merchant_id, refusing, 'wrong-credentials', {
        credentials: wrong,
        webhooks: false,
      });
      const next = await linkUpstream(front, merchant.merchant_id, taking, 'next', { webhooks: false });
      await routeTo(front, merchant.merchant_id, [refused, next]);
      const refusingOrders = await ordersAt(refusing);

      const { orderId, paid } = await pay(client, 12_000);
      assert.equal(paid.body.data.status, 'AUTHORIZED', `${refusing.kind}: ${JSON.stringify(paid.body)}`);
      const { rows, summary } = await attemptsOf(front, orderId);
      assert.deepEqual(summary, [
        [refused, 'FAILED', 'PAYMENT_DECLINED'],
        [next, 'AUTHORIZED', null],
      ]);
      assert.ok(rows[1]?.failover_of, 'the second attempt names the one it replaced');
      assert.equal(await ordersAt(refusing), refusingOrders, `${refusing.kind} took no order from an account it refused`);
      const ledger = await orderLedger(front.db, orderId);
      assert.equal(ledger.authorized, 12_000, 'authorized once');
    }
    await assertLedgerInvariants(front.db);
  });

  it('a hard decline is the payment’s answer: one attempt, nothing sent to the next gateway', async () => {
    for (const [declining, next] of [
      [pine, juspay],
      [juspay, pine],
    ] as const) {
      const { merchant, client } = await frontMerchant(front, `Declining ${declining.kind}`);
      const first = await linkUpstream(front, merchant.merchant_id, declining, 'first', { webhooks: false });
      const second = await linkUpstream(front, merchant.merchant_id, next, 'second', { webhooks: false });
      await routeTo(front, merchant.merchant_id, [first, second]);
      const [declinerOrders, nextOrders] = [await ordersAt(declining), await ordersAt(next)];

      const { orderId, paid } = await pay(client, 8_000, DECLINED_CARD);
      assert.equal(paid.body.data.status, 'ATTEMPTED', `${declining.kind}: ${JSON.stringify(paid.body)}`);
      assert.deepEqual((await attemptsOf(front, orderId)).summary, [[first, 'FAILED', 'PAYMENT_DECLINED']]);
      assert.equal(await orderState(front, orderId), 'ATTEMPTED');
      assert.equal(await ordersAt(declining), declinerOrders + 1, `${declining.kind} declined the one attempt`);
      assert.equal(await ordersAt(next), nextOrders, `${next.kind} was never asked`);
    }
  });

  it('the circuit breaker: after two refused connections the account is skipped, and after its cooldown a payment probes it again', async () => {
    const { merchant, client } = await frontMerchant(front, 'Circuit');
    // A proxy in front of the Pine Labs upstream that can stop listening: the address stays the same.
    const target = new URL(pine.server.baseUrl);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    try {
      const flaky = await linkUpstream(front, merchant.merchant_id, pine, 'flaky', {
        baseUrl: `http://127.0.0.1:${proxy.port}`,
        webhooks: false,
      });
      const steady = await linkUpstream(front, merchant.merchant_id, juspay, 'steady', { webhooks: false });
      await routeTo(front, merchant.merchant_id, [flaky, steady], { circuit: { failures: 2, cooldown: '5s' } });
      await proxy.stopListening();

      for (let i = 0; i < 2; i += 1) {
        const { orderId } = await pay(client, 5_000);
        assert.deepEqual((await attemptsOf(front, orderId)).summary, [
          [flaky, 'FAILED', 'GATEWAY_UNREACHABLE'],
          [steady, 'AUTHORIZED', null],
        ]);
      }
      const connectionsWhileDown = proxy.stats.accepted;

      // Open: the third payment goes straight to the next account, with no attempt on the first.
      const skipped = await pay(client, 5_000);
      assert.deepEqual((await attemptsOf(front, skipped.orderId)).summary, [[steady, 'AUTHORIZED', null]]);

      // Still open just before the cooldown ends, even though the upstream is back.
      await proxy.listenAgain();
      front.clock.advance(4_000);
      const stillOpen = await pay(client, 5_000);
      assert.deepEqual((await attemptsOf(front, stillOpen.orderId)).summary, [[steady, 'AUTHORIZED', null]]);
      assert.equal(proxy.stats.accepted, connectionsWhileDown, 'nothing was sent to the open account');

      // Past the cooldown: one payment probes the account, it answers, and the circuit closes.
      front.clock.advance(1_001);
      const probe = await pay(client, 5_000);
      assert.deepEqual((await attemptsOf(front, probe.orderId)).summary, [[flaky, 'AUTHORIZED', null]]);
      const closed = await pay(client, 5_000);
      assert.deepEqual((await attemptsOf(front, closed.orderId)).summary, [[flaky, 'AUTHORIZED', null]]);
      await assertLedgerInvariants(front.db);
    } finally {
      await proxy.close();
    }
  });

  for (const kind of ['pinelabs-online', 'juspay'] as const) {
    it(`${kind} acts but does not answer within HOLDFAST_UPSTREAM_TIMEOUT: no failover; the order stays pending and the status sync settles it as the upstream did`, async () => {
      const [slow, other] = kind === 'pinelabs-online' ? [pine, juspay] : [juspay, pine];
      const proxy = await startCountingProxy(slow.server.baseUrl);
      try {
        const { merchant, client } = await frontMerchant(impatientFront, `Slow ${kind}`);
        const slowAccount = await linkUpstream(impatientFront, merchant.merchant_id, slow, 'slow', {
          baseUrl: proxy.baseUrl,
          webhooks: false,
        });
        const otherAccount = await linkUpstream(impatientFront, merchant.merchant_id, other, 'other', { webhooks: false });
        await routeTo(impatientFront, merchant.merchant_id, [slowAccount, otherAccount]);
        const otherOrders = await ordersAt(other);
        // The call that authorizes reaches the upstream, which acts on it; its answer never comes back.
        proxy.holdAnswerTo('POST', kind === 'pinelabs-online' ? /^\/api\/pay\/v1\/orders\/[^/]+\/payments$/ : /^\/txns$/);

        const { orderId, paid } = await pay(client, 30_000);
        assert.equal(paid.body.data.status, 'PENDING', JSON.stringify(paid.body));
        assert.deepEqual((await attemptsOf(impatientFront, orderId)).summary, [[slowAccount, 'PENDING', null]]);
        assert.equal(await ordersAt(other), otherOrders, 'the next gateway was not asked');
        assert.equal(await newestOrderAt(slow), 'AUTHORIZED', 'the upstream authorized; only its answer was lost');

        // The first inquiry waits twice the upstream timeout, so it never asks while the call may still be in flight.
        const policy = impatientFront.app.ctx.syncPolicy;
        assert.equal(policy.upstreamFirstDelayMs, 2 * UPSTREAM_TIMEOUT_MS);
        assert.ok(policy.firstDelayMs < 2 * UPSTREAM_TIMEOUT_MS);
        impatientFront.clock.advance(2 * UPSTREAM_TIMEOUT_MS - 1);
        await impatientFront.runJobs();
        assert.equal(proxy.count('GET', /.*/), 0, 'not asked yet');
        assert.equal(await orderState(impatientFront, orderId), 'PENDING');

        impatientFront.clock.advance(1);
        await impatientFront.runJobs();
        assert.ok(proxy.count('GET', /.*/) >= 1, 'the status sync asked the upstream');
        assert.deepEqual((await attemptsOf(impatientFront, orderId)).summary, [[slowAccount, 'AUTHORIZED', null]]);
        assert.equal(await orderState(impatientFront, orderId), 'AUTHORIZED');
        assert.equal((await client.getOrder(orderId)).body.data.status, 'AUTHORIZED');
        assert.equal(await ordersAt(other), otherOrders, 'the next gateway was never asked');
        const ledger = await orderLedger(impatientFront.db, orderId);
        assert.equal(ledger.authorized, 30_000, 'authorized once, at the upstream that did it');
        await assertLedgerInvariants(impatientFront.db);
      } finally {
        await proxy.close();
      }
    });
  }
  it('the only gateway left cannot be reached: the attempt is declined at once, nothing pending, nothing held', async () => {
    const { merchant, client } = await frontMerchant(front, 'Only gateway down');
    const down = await linkUpstream(front, merchant.merchant_id, pine, 'down', { baseUrl: await closedPort(), webhooks: false });
    await routeTo(front, merchant.merchant_id, [down]);

    const { orderId, paid } = await pay(client, 9_000);
    assert.equal(paid.body.data.status, 'ATTEMPTED', JSON.stringify(paid.body));
    assert.deepEqual((await attemptsOf(front, orderId)).summary, [[down, 'FAILED', 'PAYMENT_DECLINED']]);
    const payments = await front.db.query<{ error_message: string }>('select error_message from payments where order_id = $1', [orderId]);
    assert.match(payments[0]?.error_message ?? '', /could not be reached/);
    const syncs = await front.db.query("select 1 from jobs where kind = 'sync.authorization' and payload->>'orderId' = $1", [orderId]);
    assert.equal(syncs.length, 0, 'no status inquiry left to chase it');
    assert.equal((await orderLedger(front.db, orderId)).authorized, 0);
  });

  it("every account the rules name is disabled: the payment is refused in the dialect's shape and nothing is recorded", async () => {
    const { merchant, client } = await frontMerchant(front, 'All accounts disabled');
    const only = await linkUpstream(front, merchant.merchant_id, juspay, 'only', { webhooks: false });
    await routeTo(front, merchant.merchant_id, [only]);
    assert.ok('account' in (await setGatewayAccountEnabled(front.app.ctx, only, false, { actor: CLI_ACTOR })));
    const juspayOrders = await ordersAt(juspay);

    const order = await client.createOrder(7_000);
    const orderId: string = order.body.data.order_id;
    const paid = await client.pay(orderId, 7_000);
    assert.ok(paid.status >= 400 && paid.status < 500, `${paid.status} ${JSON.stringify(paid.body)}`);
    assert.equal(typeof paid.body.code, 'string', JSON.stringify(paid.body));
    assert.equal(typeof paid.body.message, 'string', JSON.stringify(paid.body));
    assert.deepEqual((await attemptsOf(front, orderId)).rows, []);
    assert.equal(await orderState(front, orderId), 'CREATED');
    assert.equal(await ordersAt(juspay), juspayOrders, 'the disabled account was never asked');
  });
});
