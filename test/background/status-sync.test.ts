import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthorizeOutcome, OperationOutcome } from '../../src/connectors/gateway.js';
import { SandboxConnector } from '../../src/connectors/sandbox.js';
import { ScriptedConnector } from '../helpers/scripted-connector.js';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const SECOND = 1000;
const HOUR = 3600 * SECOND;

const state = async (server: TestServer, orderId: string) =>
  (await server.db.query<{ state: string }>('select state from orders where id = $1', [orderId]))[0]!.state;
const jobKinds = async (server: TestServer) =>
  (await server.db.query<{ kind: string }>('select kind from jobs where failed_at is null order by id')).map((r) => r.kind);

describe('status sync resolves pending and unknown gateway outcomes', () => {
  let server: TestServer;
  let client: PineLabsClient;
  // The merchants of these tests use a gateway the tests script (the sandbox where unscripted).
  const gateway = new ScriptedConnector();
  const newMerchant = () => server.newMerchant('Scripted merchant', { connector: gateway.name });
  before(async () => {
    server = await startTestServer({}, { connectors: [gateway] });
    client = await PineLabsClient.login(server.baseUrl, await newMerchant());
  });
  after(() => server.close());

  it('a capture answered pending (4000 0000 0000 0077) is found captured by the sync', async () => {
    gateway.play({});
    const orderId = await client.authorizedOrder(8000, '4000000000000077');
    const captured = await client.capture(orderId, { merchant_capture_reference: 'pending-cap' });
    assert.equal(captured.body.data.status, 'AUTHORIZED');
    assert.equal(await state(server, orderId), 'CAPTURE_PENDING');
    assert.ok((await jobKinds(server)).includes('sync.capture'));
    const latency = async () =>
      (await server.db.query<{ ms: number | null }>('select gateway_latency_ms as ms from captures where order_id = $1', [orderId]))[0]!.ms;
    const pendingLatency = await latency();
    assert.ok(Number.isInteger(pendingLatency) && pendingLatency! >= 0, 'the pending answer is stored with its latency');
    // Cleared, so that only the inquiry's own answer can set it again.
    await server.db.query('update captures set gateway_latency_ms = null where order_id = $1', [orderId]);
    assert.equal(await server.runJobs(), 0, 'nothing is due before the first inquiry delay');
    server.clock.advance(10 * SECOND);
    await server.runJobs();
    assert.equal(await state(server, orderId), 'CAPTURED');
    const settledLatency = await latency();
    assert.ok(Number.isInteger(settledLatency) && settledLatency! >= 0, 'the inquiry that settled it stores its own latency');
    assert.equal((await client.getOrder(orderId)).body.data.status, 'PROCESSED');
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 8000,
      captured: 8000,
      reversed: 0,
      refunded: 0,
      held: 0,
      merchant: 8000,
    });
    assert.ok(!(await jobKinds(server)).includes('sync.capture'), 'the sync job is done');
  });

  it('a capture that timed out (4000 0000 0000 0093) with a partial amount: captured, and the remainder released', async () => {
    client = await PineLabsClient.login(server.baseUrl, await newMerchant());
    const orderId = await client.authorizedOrder(8000, '4000000000000093');
    await client.capture(orderId, { merchant_capture_reference: 'timeout-cap', capture_amount: { value: 5000, currency: 'INR' } });
    assert.equal(await state(server, orderId), 'CAPTURE_PENDING');
    assert.equal((await orderLedger(server.db, orderId)).captured, 0, 'nothing captured is guessed');
    server.clock.advance(10 * SECOND);
    await server.runJobs();
    assert.equal(await state(server, orderId), 'PARTIALLY_CAPTURED');
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 8000,
      captured: 5000,
      reversed: 3000,
      refunded: 0,
      held: 0,
      merchant: 5000,
    });
  });

  it('a void answered pending (4000 0000 0000 0101) is found voided', async () => {
    const orderId = await client.authorizedOrder(4000, '4000000000000101');
    await client.cancel(orderId);
    assert.equal(await state(server, orderId), 'VOID_PENDING');
    server.clock.advance(10 * SECOND);
    await server.runJobs();
    assert.equal(await state(server, orderId), 'VOIDED');
    assert.equal((await client.getOrder(orderId)).body.data.status, 'CANCELLED');
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 4000,
      captured: 0,
      reversed: 4000,
      refunded: 0,
      held: 0,
      merchant: 0,
    });
  });

  it('a capture the gateway never received is sent again under the same id', async () => {
    let sends = 0;
    gateway.play({
      capture: async (request) => {
        sends += 1;
        if (sends === 1) throw new Error('socket hang up');
        return new SandboxConnector().capture(request);
      },
      inquire: (): Promise<OperationOutcome> => Promise.resolve({ kind: 'failed', code: 'NOT_FOUND', message: 'no such operation' }),
    });
    const orderId = await client.authorizedOrder(3000);
    await client.capture(orderId, { merchant_capture_reference: 'lost' });
    assert.equal(await state(server, orderId), 'CAPTURE_PENDING');
    server.clock.advance(10 * SECOND);
    await server.runJobs();
    assert.equal(sends, 2);
    assert.equal(await state(server, orderId), 'CAPTURED');
    gateway.play({});
  });

  it('a refund whose answer never came is settled by inquiry', async () => {
    gateway.play({ refund: () => Promise.resolve({ kind: 'unknown', reason: 'timeout' }) });
    const orderId = await client.authorizedOrder(6000);
    await client.capture(orderId, { merchant_capture_reference: 'c' });
    const refund = await client.refund(orderId, 6000, 'slow-refund');
    assert.equal(refund.body.data.status, 'PENDING');
    assert.equal((await orderLedger(server.db, orderId)).refunded, 0);
    gateway.play({});
    server.clock.advance(10 * SECOND);
    await server.runJobs();
    assert.equal((await client.getOrder(refund.body.data.order_id)).body.data.status, 'PROCESSED');
    assert.equal(await state(server, orderId), 'FULLY_REFUNDED');
    assert.equal((await orderLedger(server.db, orderId)).refunded, 6000);
  });

  it('an authorization whose answer never came is settled by inquiry', async () => {
    gateway.play({
      authorize: () => Promise.reject(new Error('connect ETIMEDOUT')),
      inquireAuthorization: (): Promise<AuthorizeOutcome> =>
        Promise.resolve({
          kind: 'approved',
          connectorReference: 'sbx.ok.late',
          approvalCode: '123456',
          rrn: '000000000001',
          acquirerReference: 'late',
        }),
    });
    const created = await client.createOrder(2000);
    const orderId = created.body.data.order_id;
    const paid = await client.pay(orderId, 2000);
    assert.equal(paid.status, 200);
    assert.equal(paid.body.data.status, 'PENDING');
    assert.equal((await orderLedger(server.db, orderId)).authorized, 0);
    server.clock.advance(10 * SECOND);
    await server.runJobs();
    assert.equal(await state(server, orderId), 'AUTHORIZED');
    assert.equal((await orderLedger(server.db, orderId)).held, 2000);
    gateway.play({});
  });

  it('an outcome still unknown after the last inquiry is flagged for review, never guessed', async () => {
    gateway.play({
      capture: () => Promise.resolve({ kind: 'unknown', reason: 'timeout' }),
      inquire: () => Promise.resolve({ kind: 'unknown', reason: 'gateway cannot tell' }),
    });
    const merchant = await newMerchant();
    client = await PineLabsClient.login(server.baseUrl, merchant);
    const orderId = await client.authorizedOrder(1500);
    await client.capture(orderId, { merchant_capture_reference: 'limbo' });
    for (let i = 0; i < 15; i++) {
      server.clock.advance(HOUR);
      await server.runJobs();
    }
    assert.equal(await state(server, orderId), 'CAPTURE_PENDING', 'still pending: nothing was guessed');
    const failed = await server.db.query<{ kind: string; attempts: number }>(
      "select kind, attempts from jobs where failed_at is not null and payload->>'orderId' = $1",
      [orderId],
    );
    assert.deepEqual(
      failed.map((j) => j.kind),
      ['sync.capture'],
    );
    assert.equal(failed[0]!.attempts, server.app.ctx.syncPolicy.maxAttempts);
    client = await PineLabsClient.login(server.baseUrl, merchant); // hours have passed: a fresh token
    const order = await client.getOrder(orderId);
    assert.match(order.body.data.manual_review.reason, /outcome still unknown after the last status inquiry/);
    assert.equal((await orderLedger(server.db, orderId)).captured, 0);
    gateway.play({});
    await assertLedgerInvariants(server.db);
  });
});

describe('background release of held money', () => {
  let server: TestServer;
  let client: PineLabsClient;
  const gateway = new ScriptedConnector();
  before(async () => {
    server = await startTestServer({ HOLDFAST_CAPTURE_WINDOW: '2h' }, { connectors: [gateway] });
    client = await PineLabsClient.login(server.baseUrl, await server.newMerchant());
  });
  after(() => server.close());

  it('the end of the capture window voids an authorization still held (auto-void job)', async () => {
    const orderId = await client.authorizedOrder(7000);
    assert.ok((await jobKinds(server)).includes('order.auto_void'));
    server.clock.advance(HOUR);
    await server.runJobs();
    assert.equal(await state(server, orderId), 'AUTHORIZED', 'not before the window closes');
    server.clock.advance(HOUR);
    await server.runJobs();
    assert.equal(await state(server, orderId), 'VOIDED');
    client = await PineLabsClient.login(server.baseUrl, await server.newMerchant());
    const reversals = await server.db.query<{ kind: string; amount: number }>('select kind, amount from reversals where order_id = $1', [
      orderId,
    ]);
    assert.deepEqual(reversals, [{ kind: 'AUTO_VOID', amount: 7000 }]);
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 7000,
      captured: 0,
      reversed: 7000,
      refunded: 0,
      held: 0,
      merchant: 0,
    });
  });

  it('a captured order is left alone by its auto-void job', async () => {
    const orderId = await client.authorizedOrder(7000);
    await client.capture(orderId, { merchant_capture_reference: 'in-time' });
    server.clock.advance(3 * HOUR);
    await server.runJobs();
    assert.equal(await state(server, orderId), 'CAPTURED');
    client = await PineLabsClient.login(server.baseUrl, await server.newMerchant());
  });

  it('the hold left by a failed capture (4000 0000 0000 0085) is released when the window closes', async () => {
    const orderId = await client.authorizedOrder(2500, '4000000000000085');
    await client.capture(orderId, { merchant_capture_reference: 'fails' });
    assert.equal(await state(server, orderId), 'CAPTURE_FAILED');
    assert.equal((await orderLedger(server.db, orderId)).held, 2500);
    server.clock.advance(3 * HOUR);
    await server.runJobs();
    assert.equal(await state(server, orderId), 'VOIDED');
    assert.equal((await orderLedger(server.db, orderId)).held, 0);
    client = await PineLabsClient.login(server.baseUrl, await server.newMerchant());
  });

  it('a remainder whose release failed in the request is released by its job', async () => {
    let remainderCalls = 0;
    gateway.play({
      reverse: async (request) => {
        remainderCalls += 1;
        if (remainderCalls === 1) throw new Error('ECONNRESET');
        return new SandboxConnector().reverse(request);
      },
    });
    client = await PineLabsClient.login(server.baseUrl, await server.newMerchant('Scripted merchant', { connector: gateway.name }));
    const orderId = await client.authorizedOrder(10000);
    const captured = await client.capture(orderId, {
      merchant_capture_reference: 'part',
      capture_amount: { value: 6000, currency: 'INR' },
    });
    assert.equal(captured.body.data.status, 'PROCESSED');
    assert.equal(captured.body.data.payments[0].reversal_data[0].status, 'PENDING');
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 10000,
      captured: 6000,
      reversed: 0,
      refunded: 0,
      held: 4000,
      merchant: 6000,
    });
    server.clock.advance(10 * SECOND);
    await server.runJobs();
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 10000,
      captured: 6000,
      reversed: 4000,
      refunded: 0,
      held: 0,
      merchant: 6000,
    });
    assert.equal((await client.getOrder(orderId)).body.data.payments[0].reversal_data[0].status, 'PROCESSED');
    await assertLedgerInvariants(server.db);
  });
});
