import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuthorizeOutcome, GatewayConnector, OperationOutcome, OperationRequest } from '../../src/connectors/gateway.js';
import { SandboxConnector } from '../../src/connectors/sandbox.js';
import { cardRule, SANDBOX_OTP, TEST_CARDS } from '../../src/test-cards/index.js';
import { authorize, operation, referenceOf, startSimulator, type RunningSimulator } from './simulator-fixture.js';

/** What a comparison keeps of an outcome: its kind, and a decline's code and message (references are random). */
function shape(outcome: AuthorizeOutcome | OperationOutcome) {
  return outcome.kind === 'declined' || outcome.kind === 'failed'
    ? { kind: outcome.kind, code: outcome.code, message: outcome.message }
    : { kind: outcome.kind };
}

/** Everything one connector does with one card: authorize, authenticate, each operation and its inquiry. */
async function story(connector: GatewayConnector, number: string, timesOut: GatewayConnector = connector) {
  const lines: Record<string, unknown> = {};
  const first = await authorize(connector, number);
  lines.authorize = shape(first.outcome);
  let { paymentId, outcome } = first;
  if (outcome.kind === 'challenge') {
    const challenge = { paymentId, connectorReference: referenceOf(outcome), capture: false, amount: 10_000, currency: 'INR' };
    lines.wrongOtp = shape(await connector.completeAuthentication({ ...challenge, otp: '000000' }));
    const second = await authorize(connector, number);
    paymentId = second.paymentId;
    outcome = await connector.completeAuthentication({
      ...challenge,
      paymentId,
      connectorReference: referenceOf(second.outcome),
      otp: SANDBOX_OTP,
    });
    lines.rightOtp = shape(outcome);
  }
  if (outcome.kind !== 'approved') return lines;
  const reference = referenceOf(outcome);
  const run = async (name: string, kind: 'capture' | 'reverse' | 'refund', request: OperationRequest, via = connector) => {
    lines[name] = shape(await via[kind](request));
    lines[`${name} inquiry`] = shape(await connector.inquire(kind, request));
  };
  await run('capture', 'capture', operation(paymentId, reference, { amount: 6000 }), timesOut);
  await run('remainder', 'reverse', operation(paymentId, reference, { amount: 4000, reason: 'remainder' }));
  await run('void', 'reverse', operation(paymentId, reference, { reason: 'void' }));
  await run('refund', 'refund', operation(paymentId, reference, { amount: 2500 }));
  return lines;
}

/** The sandbox connector and the acquirer simulator read the one table of `src/test-cards/`: same card, same story. */
describe('test cards: the sandbox connector and the acquirer simulator decide alike', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  for (const number of [...Object.keys(TEST_CARDS), '4111111111111111']) {
    it(number, async () => {
      // The simulator never answers this card's capture: a connector that gives up soon, as the sandbox's unknown says.
      const rule = cardRule(number);
      const timesOut = 'behaviour' in rule && rule.behaviour === 'capture_times_out';
      const sandbox = await story(new SandboxConnector(), number);
      const simulated = await story(sim.connector, number, timesOut ? sim.impatient : sim.connector);
      assert.deepEqual(simulated, sandbox);
      if (number === '4000000000000093') assert.deepEqual(sandbox.capture, { kind: 'unknown' });
    });
  }
});

describe('acquirer simulator: imports', () => {
  it('src/acquirer imports nothing of the gateway but src/test-cards and the http-acquirer protocol', () => {
    const dir = join(import.meta.dirname, '../../src/acquirer');
    for (const file of readdirSync(dir)) {
      for (const [, target] of readFileSync(join(dir, file), 'utf8').matchAll(/from '(\.[^']*)'/g)) {
        const allowed =
          target!.startsWith('./') || target!.startsWith('../test-cards/') || target === '../connectors/http-acquirer/protocol.js';
        assert.ok(allowed, `${file} imports ${target}`);
      }
    }
  });
});
