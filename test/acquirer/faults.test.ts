import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { createFaultPlan, defaultFaultSettings } from '../../src/acquirer/faults.js';
import { authorize, effectCount, operation, referenceOf, startSimulator, type RunningSimulator } from './simulator-fixture.js';

/**
 * Each injected fault at rate 1, through the http-acquirer connector: the answer it gives, and
 * what a later inquiry (with the faults off) finds out. Authorizations are set up fault-free.
 */
describe('http-acquirer connector: injected faults', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator();
  });
  afterEach(() => {
    sim.simulator.configureFaults({});
  });
  after(() => sim.close());

  /** An approved pre-authorization made before any fault is on, and a capture request on it. */
  async function approvedCapture() {
    const { paymentId, outcome } = await authorize(sim.connector, '4111111111111111');
    return operation(paymentId, referenceOf(outcome));
  }

  it('timeout: no answer → unknown; the inquiry finds it was never applied; a retry then captures once', async () => {
    const request = await approvedCapture();
    sim.simulator.configureFaults({ timeoutRate: 1 });
    const capture = await sim.impatient.capture(request);
    assert.equal(capture.kind, 'unknown');
    assert.match(capture.reason, /no answer within 200 ms/);

    assert.deepEqual(await sim.connector.inquire('capture', request), {
      kind: 'failed',
      code: 'NOT_FOUND',
      message: 'The acquirer never received the operation',
    });
    sim.simulator.configureFaults({});
    assert.equal((await sim.connector.capture(request)).kind, 'succeeded');
    assert.equal((await sim.connector.inquire('capture', request)).kind, 'succeeded');
    assert.equal(effectCount(sim.simulator, 'capture', request.operationId), 1);
  });

  it('timeout on an authorization: unknown with no reference; the inquiry finds none', async () => {
    sim.simulator.configureFaults({ timeoutRate: 1 });
    const { paymentId, outcome } = await authorize(sim.impatient, '4111111111111111');
    assert.equal(outcome.kind, 'unknown');
    assert.equal(outcome.connectorReference, null);
    const inquiry = await sim.connector.inquireAuthorization({ paymentId, connectorReference: null, capture: false });
    assert.deepEqual(inquiry, {
      kind: 'declined',
      connectorReference: null,
      code: 'PAYMENT_DECLINED',
      message: 'No such authorization at the gateway',
    });
    assert.equal(effectCount(sim.simulator, 'authorization', paymentId), 0);
  });

  it('late success: applied, no answer → unknown; the inquiry finds it succeeded; a retry does not capture twice', async () => {
    const request = await approvedCapture();
    sim.simulator.configureFaults({ lateSuccessRate: 1 });
    assert.equal((await sim.impatient.capture(request)).kind, 'unknown');

    const inquiry = await sim.connector.inquire('capture', request);
    assert.equal(inquiry.kind, 'succeeded');
    sim.simulator.configureFaults({});
    assert.deepEqual(await sim.connector.capture(request), inquiry, 'the retry returns the recorded result');
    assert.equal(effectCount(sim.simulator, 'capture', request.operationId), 1);
  });

  it('late success on an authorization: unknown; the inquiry finds it approved', async () => {
    sim.simulator.configureFaults({ lateSuccessRate: 1 });
    const { paymentId, outcome } = await authorize(sim.impatient, '5555555555554444');
    assert.equal(outcome.kind, 'unknown');
    const inquiry = await sim.connector.inquireAuthorization({ paymentId, connectorReference: null, capture: false });
    assert.equal(inquiry.kind, 'approved');
    assert.equal(effectCount(sim.simulator, 'authorization', paymentId), 1);
  });

  it('5xx: 503 with nothing done → unknown; the inquiry says the acquirer never received it', async () => {
    const request = await approvedCapture();
    sim.simulator.configureFaults({ errorRate: 1 });
    const capture = await sim.connector.capture(request);
    assert.deepEqual(capture, { kind: 'unknown', reason: 'acquirer answered HTTP 503' });
    const inquiry = await sim.connector.inquire('capture', request);
    assert.equal(inquiry.kind === 'failed' && inquiry.code, 'NOT_FOUND');
    assert.equal(effectCount(sim.simulator, 'capture', request.operationId), 0);
  });

  it('reset before applying → unknown; nothing was applied', async () => {
    const request = await approvedCapture();
    sim.simulator.configureFaults({ resetRate: 1 });
    const capture = await sim.connector.capture(request);
    assert.equal(capture.kind, 'unknown');
    assert.match(capture.reason, /connection failed/);
    const inquiry = await sim.connector.inquire('capture', request);
    assert.equal(inquiry.kind === 'failed' && inquiry.code, 'NOT_FOUND');
  });

  it('reset after applying → unknown; the inquiry finds it succeeded', async () => {
    const { paymentId, outcome } = await authorize(sim.connector, '4111111111111111');
    const request = operation(paymentId, referenceOf(outcome), { reason: 'void' });
    sim.simulator.configureFaults({ resetRate: 1, resetPoint: 'after' });
    assert.equal((await sim.connector.reverse(request)).kind, 'unknown');
    assert.equal((await sim.connector.inquire('reverse', request)).kind, 'succeeded');
    assert.equal(effectCount(sim.simulator, 'reversal', request.operationId), 1);
  });

  it('reset on an authorization: unknown with no reference', async () => {
    sim.simulator.configureFaults({ resetRate: 1 });
    const { outcome } = await authorize(sim.connector, '4111111111111111');
    assert.equal(outcome.kind, 'unknown');
    assert.equal(outcome.connectorReference, null);
  });

  it('faults hit operations only: inquiries are answered while every POST times out', async () => {
    const request = await approvedCapture();
    assert.equal((await sim.connector.capture(request)).kind, 'succeeded');
    sim.simulator.configureFaults({ timeoutRate: 1 });
    assert.equal((await sim.connector.inquire('capture', request)).kind, 'succeeded');
    assert.equal(
      (await sim.connector.inquireAuthorization({ paymentId: request.paymentId, connectorReference: null, capture: false })).kind,
      'approved',
    );
  });

  it('with faultInquiries, inquiries suffer the faults too and stay unknown', async () => {
    const request = await approvedCapture();
    sim.simulator.configureFaults({ errorRate: 1, faultInquiries: true });
    assert.deepEqual(await sim.connector.inquire('capture', request), {
      kind: 'unknown',
      reason: 'acquirer answered the inquiry with HTTP 503',
    });
    const authorization = await sim.connector.inquireAuthorization({
      paymentId: request.paymentId,
      connectorReference: request.connectorReference,
      capture: false,
    });
    assert.equal(authorization.kind, 'unknown');
    assert.equal(authorization.connectorReference, request.connectorReference);
  });

  it("added latency (log-normal) delays each operation by the plan's draw and does not change the answers", async () => {
    const settings = { seed: 42, latencyMedianMs: 30, latencyP99Ms: 120 };
    sim.simulator.configureFaults(settings);
    assert.deepEqual(sim.simulator.faults.settings, defaultFaultSettings(settings), 'the simulator plans with these settings');
    // The plan is deterministic for a seed: a replica draws what the simulator will draw, one draw
    // per operation (POST); inquiries (GET) draw nothing unless faultInquiries is on.
    const replica = createFaultPlan(defaultFaultSettings(settings));
    const authorizationDraw = replica.next({ inquiry: false });
    const captureDraw = replica.next({ inquiry: false });
    assert.deepEqual([authorizationDraw.fault, captureDraw.fault], [null, null], 'latency only, no transport fault');
    assert.ok(authorizationDraw.latencyMs > 0 && captureDraw.latencyMs > 0, 'both operations get added latency');

    // Lower bounds set by the simulator's own sleep, not a machine-speed threshold (a timer may fire
    // up to 1 ms early by rounding); nothing bounds the time from above.
    let started = performance.now();
    const { paymentId, outcome } = await authorize(sim.connector, '4000000000000077');
    const authorizationMs = performance.now() - started;
    assert.equal(outcome.kind, 'approved');
    assert.ok(
      authorizationMs >= authorizationDraw.latencyMs - 1,
      `the authorization took ${authorizationMs} ms, at least its drawn ${authorizationDraw.latencyMs} ms`,
    );
    const request = operation(paymentId, referenceOf(outcome));
    started = performance.now();
    assert.equal((await sim.connector.capture(request)).kind, 'pending');
    const captureMs = performance.now() - started;
    assert.ok(captureMs >= captureDraw.latencyMs - 1, `the capture took ${captureMs} ms, at least its drawn ${captureDraw.latencyMs} ms`);
    assert.equal((await sim.connector.inquire('capture', request)).kind, 'succeeded');
    // The simulator drew exactly those two: its plan's next draw is the replica's next one.
    assert.deepEqual(sim.simulator.faults.next({ inquiry: false }), replica.next({ inquiry: false }));
  });
});
