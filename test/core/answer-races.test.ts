/**
 * Two paths may record the same gateway answer: the request that called the gateway, and the
 * status sync that asked the gateway about it while the request was still waiting. Whichever
 * writes second finds the order moved on (its version guard matches nothing), reads it again,
 * sees the operation already settled and records nothing: one answer, one ledger movement, and a
 * reply that is the order as it really is.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OperationRequest } from '../../src/connectors/gateway.js';
import { SandboxConnector } from '../../src/connectors/sandbox.js';
import { captureOrder } from '../../src/core/operations/capture.js';
import { recordAnswer, runOperation, type AnswerSpec, type OperationSpec } from '../../src/core/operations/pipeline.js';
import { HoldfastError } from '../../src/domain/errors.js';
import { refundOrder } from '../../src/core/operations/refund.js';
import { voidOrder } from '../../src/core/operations/void.js';
import { loadAggregate } from '../../src/store/orders-repository.js';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { ScriptedConnector } from '../helpers/scripted-connector.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const SYNC_DELAY_MS = 10_000;

/** A gateway call held until the test lets it answer, with a signal that it was sent. */
function heldCall() {
  let sent!: () => void;
  let answer!: () => void;
  const wasSent = new Promise<void>((resolve) => (sent = resolve));
  const mayAnswer = new Promise<void>((resolve) => (answer = resolve));
  return {
    wasSent,
    answer,
    async hold<T>(call: () => Promise<T>): Promise<T> {
      sent();
      await mayAnswer;
      return call();
    },
  };
}

describe('a gateway answer recorded by the status sync while the request still waits for it', () => {
  let server: TestServer;
  let client: PineLabsClient;
  let merchantId: string;
  const gateway = new ScriptedConnector();
  const sandbox = new SandboxConnector();
  before(async () => {
    server = await startTestServer({}, { connectors: [gateway] });
    const merchant = await server.newMerchant('Race merchant', { connector: gateway.name });
    merchantId = merchant.merchant_id;
    client = await PineLabsClient.login(server.baseUrl, merchant);
  });
  after(() => server.close());

  const entries = async (orderId: string) =>
    (await server.db.query<{ kind: string }>('select kind from journal_entries where order_id = $1 order by id', [orderId])).map(
      (r) => r.kind,
    );

  it('partial capture: the sync records it first; the request records nothing more and answers the order as it is', async () => {
    gateway.play({});
    const orderId = await client.authorizedOrder(10000);
    const call = heldCall();
    gateway.play({ capture: (request: OperationRequest) => call.hold(() => sandbox.capture(request)) });
    const request = captureOrder(server.app.ctx, {
      merchantId,
      orderId,
      merchantCaptureReference: 'raced',
      amount: { value: 6000, currency: 'INR' },
      requestFingerprint: 'fp-raced',
    });
    await call.wasSent;
    server.clock.advance(SYNC_DELAY_MS);
    await server.runJobs(); // the sync asks the gateway (the sandbox finds it captured) and records it
    assert.equal((await loadAggregate(server.db, merchantId, orderId))?.order.state, 'PARTIALLY_CAPTURED');
    call.answer();
    const answer = await request;
    const read = await loadAggregate(server.db, merchantId, orderId);
    assert.deepEqual(answer.aggregate, read);
    assert.deepEqual(await entries(orderId), ['AUTHORIZE', 'CAPTURE', 'REVERSE']);
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 10000,
      captured: 6000,
      reversed: 4000,
      refunded: 0,
      held: 0,
      merchant: 6000,
    });
    await assertLedgerInvariants(server.db);
  });

  it('void: recorded once', async () => {
    gateway.play({});
    const orderId = await client.authorizedOrder(4000);
    const call = heldCall();
    gateway.play({ reverse: (request: OperationRequest) => call.hold(() => sandbox.reverse(request)) });
    const request = voidOrder(server.app.ctx, { merchantId, orderId });
    await call.wasSent;
    server.clock.advance(SYNC_DELAY_MS);
    await server.runJobs();
    call.answer();
    const answer = await request;
    assert.deepEqual(answer, await loadAggregate(server.db, merchantId, orderId));
    assert.equal(answer.order.state, 'VOIDED');
    assert.deepEqual(await entries(orderId), ['AUTHORIZE', 'REVERSE']);
  });

  it('refund: recorded once', async () => {
    gateway.play({});
    const orderId = await client.authorizedOrder(5000);
    await captureOrder(server.app.ctx, { merchantId, orderId, merchantCaptureReference: 'c', requestFingerprint: 'fp-c' });
    const call = heldCall();
    gateway.play({ refund: (request: OperationRequest) => call.hold(() => sandbox.refund(request)) });
    const request = refundOrder(server.app.ctx, { merchantId, orderId, merchantRefundReference: 'r', requestFingerprint: 'fp-r' });
    await call.wasSent;
    server.clock.advance(SYNC_DELAY_MS);
    await server.runJobs();
    call.answer();
    const answer = await request;
    assert.deepEqual(answer.aggregate, await loadAggregate(server.db, merchantId, orderId));
    assert.equal(answer.aggregate.order.state, 'FULLY_REFUNDED');
    assert.deepEqual(await entries(orderId), ['AUTHORIZE', 'CAPTURE', 'REFUND']);
    gateway.play({});
  });

  describe('a write that keeps losing its race', () => {
    /** A write decided on a version the order never has again: its guard matches nothing, every time. */
    const stale = (version: number) => ({ change: { version: version - 1 } });

    it('an answer is left to the status sync after 64 tries: the request still answers, with the order as it is', async () => {
      gateway.play({});
      const orderId = await client.authorizedOrder(1000);
      const read = await loadAggregate(server.db, merchantId, orderId);
      assert.ok(read);
      let tries = 0;
      const losing: AnswerSpec<null, null> = {
        answer: (current) => {
          tries += 1;
          return stale(current.order.version);
        },
      };
      const answer = await recordAnswer(server.app.ctx, losing, { merchantId, orderId }, read, null, null);
      assert.equal(tries, 64);
      assert.deepEqual(answer, await loadAggregate(server.db, merchantId, orderId));
    });

    it('an intent gives up after 64 tries with invalid_state, having written nothing', async () => {
      const orderId = await client.authorizedOrder(1000);
      const before = await loadAggregate(server.db, merchantId, orderId);
      let tries = 0;
      const losing: OperationSpec<null, null, null> = {
        decide: () => ({ kind: 'start', plan: null }),
        intent: (read) => {
          tries += 1;
          return stale(read.order.version);
        },
        call: () => Promise.reject(new Error('never called: no intent was written')),
        answer: () => undefined,
      };
      await assert.rejects(
        runOperation(server.app.ctx, losing, { merchantId, orderId }, null),
        (error) => error instanceof HoldfastError && error.code === 'invalid_state',
      );
      assert.equal(tries, 64);
      assert.deepEqual(await loadAggregate(server.db, merchantId, orderId), before);
    });
  });
});
