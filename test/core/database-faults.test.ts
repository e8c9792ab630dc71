/**
 * The database can fail (docs/database-faults.md): Holdfast in this process reaches PostgreSQL
 * through a loopback proxy, which cuts, refuses or silences the connections for real. While the
 * database is gone both dialects answer 503 in their own shapes with Retry-After, /readyz says
 * 503 and /healthz stays 200; once it is back the same process serves again. An answer lost after
 * the server committed is an unknown outcome, and sending the same request again is answered once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isUnavailable } from '../../src/domain/errors.js';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { basicAuth, juspayCall, JuspayHttp, newOrderId } from '../juspay/helpers/juspay-http.js';
import { call, cardPayment, PineLabsClient, uniqueRef, type Reply } from '../helpers/pinelabs-client.js';
import { startProxiedServer, type ProxiedServer } from '../helpers/proxied-server.js';
import { onPostgres } from '../helpers/test-database.js';

/** A COMMIT as node-postgres sends it: a simple-query ('Q') message. */
const isCommit = (bytes: Buffer) => bytes[0] === 0x51 && bytes.includes('COMMIT\0');

describe(
  'the database can fail',
  { skip: !onPostgres && 'PostgreSQL only (set TEST_DATABASE_URL): the embedded database cannot vanish' },
  () => {
    let server: ProxiedServer;
    let pinelabs: PineLabsClient;
    let juspayKey: string;
    let juspayAuth: string;

    before(async () => {
      server = await startProxiedServer();
      // A webhook URL makes every write with a notification a transaction: the COMMIT to cut below.
      const merchant = await server.newMerchant('Database faults', { webhookUrl: 'http://127.0.0.1:9/hooks' });
      pinelabs = await PineLabsClient.login(server.baseUrl, merchant);
      juspayKey = merchant.api_key;
      juspayAuth = basicAuth(juspayKey);
    });
    after(() => server.close());

    const readyz = () => call(server.baseUrl, 'GET', '/readyz');
    const healthz = () => call(server.baseUrl, 'GET', '/healthz');
    const juspayOrder = () =>
      juspayCall(server.baseUrl, 'POST', '/orders', { authorization: juspayAuth, body: { order_id: newOrderId(), amount: '100.00' } });

    /** A 503 that says when to come back and carries nothing internal. */
    function assertUnavailable(reply: Reply, what: string): void {
      assert.equal(reply.status, 503, `${what}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.headers.get('retry-after'), '2', what);
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      assert.doesNotMatch(text, /ECONN|terminat|timeout|stack|\bat .+:\d+/i, `${what} leaks internals: ${text}`);
    }

    /**
     * Loses the answer to the next COMMIT: the request's own, once the API call log has written what
     * it buffered (its batches are transactions too, and would take the cut).
     */
    async function cutTheNextCommit(): Promise<{ done: Promise<void> }> {
      await server.app.server.flushApiCalls();
      return { done: server.proxy.cutAfterAnswer(isCommit) };
    }

    async function assertServingAgain(): Promise<void> {
      const ready = await readyz();
      assert.equal(ready.status, 200, JSON.stringify(ready.body));
      assert.deepEqual(ready.body, { status: 'ready', database: 'ok' });
      const orderId = await pinelabs.authorizedOrder(5000);
      assert.equal((await pinelabs.getOrder(orderId)).body.data.status, 'AUTHORIZED');
      const juspay = await juspayOrder();
      assert.equal(juspay.status, 200, JSON.stringify(juspay.body));
    }

    it('while the database is reachable, /readyz is 200', async () => {
      await assertServingAgain();
    });

    it('a database that went down: 503 in each dialect with Retry-After, /readyz 503, /healthz 200; back up: served again, same process', async () => {
      const checkout = await pinelabs.request('POST', '/api/checkout/v1/orders', {
        merchant_order_reference: uniqueRef('chk'),
        order_amount: { value: 10000, currency: 'INR' },
        pre_auth: true,
      });
      assert.equal(checkout.status, 200, JSON.stringify(checkout.body));

      server.proxy.refuse();
      server.proxy.drop();
      const pine = await pinelabs.createOrder(3000);
      assertUnavailable(pine, 'Pine Labs create order');
      assert.deepEqual(pine.body, {
        code: 'SERVICE_UNAVAILABLE',
        message: 'The service is temporarily unavailable. Please try again later',
      });
      const juspay = await juspayOrder();
      assertUnavailable(juspay, 'Juspay create order');
      assert.deepEqual(juspay.body, {
        status: 'error',
        error_code: 'service_unavailable',
        error_message: 'Service temporarily unavailable. Please try again later',
      });
      const page = await call(server.baseUrl, 'GET', new URL(checkout.body.redirect_url as string).pathname);
      assertUnavailable(page, 'hosted checkout page');
      assert.match(String(page.headers.get('content-type')), /text\/html/);
      const ready = await readyz();
      assertUnavailable(ready, '/readyz');
      assert.deepEqual(ready.body, { status: 'unavailable', reason: 'the database does not answer', database: 'unreachable' });
      assert.equal((await healthz()).status, 200, 'liveness does not depend on the database');

      server.proxy.restore();
      await assertServingAgain();
    });

    it('a network gone silent: requests end in 503 at the database timeouts instead of hanging; served again once it answers', async () => {
      await pinelabs.createOrder(1000); // leaves idle connections in the pool, which the silence freezes
      server.proxy.blackhole();
      assertUnavailable(await pinelabs.createOrder(3000), 'Pine Labs create order');
      assertUnavailable(await juspayOrder(), 'Juspay create order');
      assertUnavailable(await readyz(), '/readyz');
      server.proxy.restore();
      await assertServingAgain();
    });

    it('backends terminated by pg_terminate_backend: the process lives on, and a request sent again is served', async () => {
      await pinelabs.createOrder(1000);
      const terminated = await server.direct.query<{ n: number }>(
        // Materialized first: the planner may otherwise call pg_terminate_backend before the other conditions.
        `with holdfast as materialized (select pid from pg_stat_activity where datname = current_database() and application_name = 'holdfast')
       select count(*)::int as n from holdfast where pg_terminate_backend(pid)`,
      );
      assert.ok((terminated[0]?.n ?? 0) > 0, 'Holdfast had connections to terminate');
      // A request may meet a connection whose end it has not heard of yet: a 503, never a 500, and the same request again is served.
      const reference = uniqueRef('ord');
      const body = { merchant_order_reference: reference, order_amount: { value: 2000, currency: 'INR' }, pre_auth: true };
      let reply = await pinelabs.request('POST', '/api/pay/v1/orders', body);
      if (reply.status !== 200) {
        assertUnavailable(reply, 'create order after the terminations');
        reply = await pinelabs.request('POST', '/api/pay/v1/orders', body);
      }
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      await assertServingAgain();
    });

    it('a statement past the statement timeout is cancelled by the server and reported as unavailable; the pool carries on', async () => {
      await assert.rejects(
        server.db.query('select pg_sleep(5)'),
        (error) => isUnavailable(error) && (error.cause as { code?: string }).code === '57014',
      );
      assert.equal((await readyz()).status, 200);
    });

    it('the answer to a payment lost after COMMIT: 503, and the same Request-ID again answers from what was committed; one payment, settled once', async () => {
      const order = await pinelabs.createOrder(4000);
      const orderId = order.body.data.order_id as string;
      const payment = cardPayment(uniqueRef('pay'), 4000);
      const headers = { 'Request-ID': uniqueRef('rid') };
      const cut = await cutTheNextCommit();
      const first = await pinelabs.request('POST', `/api/pay/v1/orders/${orderId}/payments`, payment, headers);
      await cut.done;
      assertUnavailable(first, 'the payment whose COMMIT answer was lost');
      const again = await pinelabs.request('POST', `/api/pay/v1/orders/${orderId}/payments`, payment, headers);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.data.payments.length, 1, JSON.stringify(again.body));
      await settle();
      // The gateway's answer decides: authorized once, or (when the lost COMMIT was the intent's, before
      // the gateway was asked) never received there, so failed with nothing held.
      const settled = (await pinelabs.getOrder(orderId)).body.data;
      assert.equal(settled.payments.length, 1, JSON.stringify(settled));
      const payments = await server.direct.query('select 1 from payments where order_id = $1', [orderId]);
      assert.equal(payments.length, 1);
      const { authorized } = await orderLedger(server.direct, orderId);
      assert.equal(authorized, settled.status === 'AUTHORIZED' ? 4000 : 0, `${settled.status}, authorized ${authorized}`);
      assert.ok(['AUTHORIZED', 'ATTEMPTED'].includes(settled.status), settled.status);
    });

    it('the answer to a refund lost after COMMIT: the same merchant reference again refunds nothing twice', async () => {
      const orderId = await pinelabs.authorizedOrder(6000);
      const captured = await pinelabs.capture(orderId, { merchant_capture_reference: uniqueRef('cap') });
      assert.equal(captured.status, 200, JSON.stringify(captured.body));
      const reference = uniqueRef('rfd');
      const cut = await cutTheNextCommit();
      const first = await pinelabs.refund(orderId, 2500, reference);
      await cut.done;
      assertUnavailable(first, 'the refund whose COMMIT answer was lost');
      const again = await pinelabs.refund(orderId, 2500, reference);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      await settle();
      const refunds = await server.direct.query('select 1 from refunds where order_id = $1', [orderId]);
      assert.equal(refunds.length, 1);
      assert.equal((await orderLedger(server.direct, orderId)).refunded, 2500, 'refunded once');
    });

    it('Juspay: a refund whose answer was lost after COMMIT, sent again with its unique_request_id, is refused as a duplicate and made once', async () => {
      const juspay = new JuspayHttp(server.baseUrl, juspayKey);
      const paid = await juspay.paidOrder('80.00', undefined, { preAuth: false });
      assert.equal(paid.txnStatus, 'CHARGED');
      const body = { unique_request_id: uniqueRef('jrf'), amount: '30.00' };
      const cut = await cutTheNextCommit();
      const first = await juspay.refund(paid.orderId, body);
      await cut.done;
      assertUnavailable(first, 'the Juspay refund whose COMMIT answer was lost');
      // Juspay answers every reuse of a unique_request_id with duplicate.call: the refund exists, once.
      const again = await juspay.refund(paid.orderId, body);
      assert.equal(again.status, 400, JSON.stringify(again.body));
      assert.equal(again.body.error_code, 'duplicate.call');
      await settle();
      const refunds = await server.direct.query('select 1 from refunds where order_id = $1', [paid.id]);
      assert.equal(refunds.length, 1);
      assert.equal((await orderLedger(server.direct, paid.id)).refunded, 3000, 'refunded once');
    });

    it('every ledger balances after all of the above', async () => {
      await assertLedgerInvariants(server.direct);
    });

    /** Runs the background jobs (status sync) until nothing is due, the clock moved past their first delay. */
    async function settle(): Promise<void> {
      for (let round = 0; round < 5; round++) {
        server.clock.advance(60_000);
        await server.runJobs();
      }
    }
  },
);
