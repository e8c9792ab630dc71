import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_OTP } from '../../src/test-cards/index.js';
import { authorize, effectCount, operation, referenceOf, startSimulator, type RunningSimulator } from './simulator-fixture.js';

/** The http-acquirer connector against a real simulator: every sandbox test card (docs/test-cards.md). */
describe('http-acquirer connector: test cards', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  for (const number of ['4111111111111111', '5555555555554444', '6521000000000007', '378282246310005']) {
    it(`${number}: approved, then capture, void of another authorization and refund all succeed`, async () => {
      const { connector } = sim;
      const first = await authorize(connector, number);
      assert.equal(first.outcome.kind, 'approved');
      assert.ok(/^\d{6}$/.test(first.outcome.approvalCode) && /^\d{12}$/.test(first.outcome.rrn) && first.outcome.acquirerReference);
      const reference = referenceOf(first.outcome);

      const capture = await connector.capture(operation(first.paymentId, reference));
      assert.equal(capture.kind, 'succeeded');
      const refund = await connector.refund(operation(first.paymentId, reference, { amount: 2500 }));
      assert.equal(refund.kind, 'succeeded');

      const second = await authorize(connector, number);
      const voided = await connector.reverse(operation(second.paymentId, referenceOf(second.outcome), { reason: 'void' }));
      assert.equal(voided.kind, 'succeeded');
    });
  }

  it('a sale (capture: true) is approved in one step', async () => {
    const { outcome } = await authorize(sim.connector, '4111111111111111', { capture: true });
    assert.equal(outcome.kind, 'approved');
  });

  it('4000 0000 0000 3220: a challenge; OTP 123456 approves and a replay changes nothing', async () => {
    const { connector } = sim;
    const { paymentId, outcome } = await authorize(connector, '4000000000003220');
    assert.equal(outcome.kind, 'challenge');
    const reference = referenceOf(outcome);
    const inquiryDuringChallenge = await connector.inquireAuthorization({ paymentId, connectorReference: reference, capture: false });
    assert.equal(inquiryDuringChallenge.kind, 'challenge');

    const request = { paymentId, connectorReference: reference, otp: SANDBOX_OTP, capture: false, amount: 10_000, currency: 'INR' };
    const approved = await connector.completeAuthentication(request);
    assert.equal(approved.kind, 'approved');
    assert.equal(referenceOf(approved), reference);
    const replay = await connector.completeAuthentication({ ...request, otp: '000000' });
    assert.deepEqual(replay, approved, 'a replayed authentication returns the first result');
    assert.equal(effectCount(sim.simulator, 'authentication', paymentId), 1);
    assert.deepEqual(await connector.inquireAuthorization({ paymentId, connectorReference: reference, capture: false }), approved);

    assert.equal((await connector.capture(operation(paymentId, reference))).kind, 'succeeded');
  });

  it('4000 0000 0000 3220: a wrong OTP fails authentication', async () => {
    const { connector } = sim;
    const { paymentId, outcome } = await authorize(connector, '4000000000003220');
    const reference = referenceOf(outcome);
    const failed = await connector.completeAuthentication({
      paymentId,
      connectorReference: reference,
      otp: '654321',
      capture: false,
      amount: 10_000,
      currency: 'INR',
    });
    assert.deepEqual(failed, {
      kind: 'declined',
      connectorReference: reference,
      code: 'USER_AUTHENTICATION_FAILED',
      message: 'Consumer Authentication failed',
    });
    const capture = await connector.capture(operation(paymentId, reference));
    assert.equal(capture.kind === 'failed' && capture.code, 'AUTHORIZATION_NOT_APPROVED');
  });

  it('authentication of an authorization with no challenge is declined', async () => {
    const { paymentId, outcome } = await authorize(sim.connector, '4111111111111111');
    const answer = await sim.connector.completeAuthentication({
      paymentId,
      connectorReference: referenceOf(outcome),
      otp: SANDBOX_OTP,
      capture: false,
      amount: 10_000,
      currency: 'INR',
    });
    assert.equal(answer.kind === 'declined' && answer.code, 'USER_AUTHENTICATION_FAILED');
  });

  for (const [number, code] of [
    ['4000000000000002', 'PAYMENT_DECLINED'],
    ['4000000000009995', 'INSUFFICIENT_FUNDS'],
    ['4000000000000069', 'CARD_EXPIRED'],
    ['4111111111111112', 'INVALID_CARD'],
  ] as const) {
    it(`${number}: declined ${code}, and the inquiry says the same`, async () => {
      const { paymentId, outcome } = await authorize(sim.connector, number);
      assert.equal(outcome.kind, 'declined');
      assert.equal(outcome.code, code);
      const inquiry = await sim.connector.inquireAuthorization({ paymentId, connectorReference: null, capture: false });
      assert.deepEqual(inquiry, outcome);
    });
  }

  it('4000 0000 0000 0077: capture answered pending; the inquiry then finds it succeeded', async () => {
    const { paymentId, outcome } = await authorize(sim.connector, '4000000000000077');
    const request = operation(paymentId, referenceOf(outcome));
    const capture = await sim.connector.capture(request);
    assert.equal(capture.kind, 'pending');
    const inquiry = await sim.connector.inquire('capture', request);
    assert.deepEqual(inquiry, { kind: 'succeeded', gatewayReference: capture.gatewayReference });
  });

  it('4000 0000 0000 0085: capture fails, and the inquiry says so', async () => {
    const { paymentId, outcome } = await authorize(sim.connector, '4000000000000085');
    const request = operation(paymentId, referenceOf(outcome));
    const capture = await sim.connector.capture(request);
    assert.deepEqual(capture, { kind: 'failed', code: 'CAPTURE_DECLINED', message: 'The acquirer declined the capture' });
    assert.deepEqual(await sim.connector.inquire('capture', request), capture);
  });

  it('4000 0000 0000 0093: capture times out (unknown); the inquiry finds it captured, once', async () => {
    const { paymentId, outcome } = await authorize(sim.connector, '4000000000000093');
    const request = operation(paymentId, referenceOf(outcome));
    const capture = await sim.impatient.capture(request);
    assert.equal(capture.kind, 'unknown');
    assert.equal((await sim.connector.inquire('capture', request)).kind, 'succeeded');
    // A retry with the same operation id gets the recorded result instead of a second capture.
    assert.equal((await sim.connector.capture(request)).kind, 'succeeded');
    assert.equal(effectCount(sim.simulator, 'capture', request.operationId), 1);
  });

  it('4000 0000 0000 0101: void answered pending, later succeeded; a remainder release succeeds at once', async () => {
    const { paymentId, outcome } = await authorize(sim.connector, '4000000000000101');
    const reference = referenceOf(outcome);
    const voidRequest = operation(paymentId, reference, { reason: 'void' });
    assert.equal((await sim.connector.reverse(voidRequest)).kind, 'pending');
    assert.equal((await sim.connector.inquire('reverse', voidRequest)).kind, 'succeeded');

    const other = await authorize(sim.connector, '4000000000000101');
    const remainder = operation(other.paymentId, referenceOf(other.outcome), { reason: 'remainder', amount: 4000 });
    assert.equal((await sim.connector.reverse(remainder)).kind, 'succeeded');
  });

  it('4000 0000 0000 0119: void fails, the authorization can still be captured, and a remainder release succeeds', async () => {
    const { paymentId, outcome } = await authorize(sim.connector, '4000000000000119');
    const reference = referenceOf(outcome);
    const voidRequest = operation(paymentId, reference, { reason: 'void' });
    assert.deepEqual(await sim.connector.reverse(voidRequest), {
      kind: 'failed',
      code: 'VOID_DECLINED',
      message: 'The acquirer declined the void',
    });
    assert.equal((await sim.connector.inquire('reverse', voidRequest)).kind, 'failed');
    assert.equal((await sim.connector.capture(operation(paymentId, reference, { amount: 6000 }))).kind, 'succeeded');
    assert.equal((await sim.connector.reverse(operation(paymentId, reference, { reason: 'remainder', amount: 4000 }))).kind, 'succeeded');
  });

  it('4000 0000 0000 0127: capture succeeds, refunds fail', async () => {
    const { paymentId, outcome } = await authorize(sim.connector, '4000000000000127');
    const reference = referenceOf(outcome);
    assert.equal((await sim.connector.capture(operation(paymentId, reference))).kind, 'succeeded');
    const refund = operation(paymentId, reference, { amount: 1000 });
    assert.deepEqual(await sim.connector.refund(refund), {
      kind: 'failed',
      code: 'REFUND_DECLINED',
      message: 'The acquirer declined the refund',
    });
    assert.equal((await sim.connector.inquire('refund', refund)).kind, 'failed');
  });
});

describe('http-acquirer connector: settle delay', () => {
  it('a pending capture stays pending until the settle delay has passed', async () => {
    const sim = await startSimulator({ settleMs: 3_600_000 });
    try {
      const { paymentId, outcome } = await authorize(sim.connector, '4000000000000077');
      const request = operation(paymentId, referenceOf(outcome));
      assert.equal((await sim.connector.capture(request)).kind, 'pending');
      assert.equal((await sim.connector.inquire('capture', request)).kind, 'pending');
    } finally {
      await sim.close();
    }
  });

  it('with an injected clock, the inquiry finds it succeeded once the clock passes the delay', async () => {
    let now = 1_000_000;
    const sim = await startSimulator({ settleMs: 60_000, now: () => now });
    try {
      const { paymentId, outcome } = await authorize(sim.connector, '4000000000000101');
      const request = operation(paymentId, referenceOf(outcome), { reason: 'void' });
      assert.equal((await sim.connector.reverse(request)).kind, 'pending');
      now += 59_999;
      assert.equal((await sim.connector.inquire('reverse', request)).kind, 'pending');
      now += 1;
      assert.equal((await sim.connector.inquire('reverse', request)).kind, 'succeeded');
    } finally {
      await sim.close();
    }
  });
});
