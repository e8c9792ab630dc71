import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { authorize, effectCount, operation, referenceOf, startSimulator, uniqueId, type RunningSimulator } from './simulator-fixture.js';

/** The simulator's own rules: idempotency by key, refusals of requests it cannot apply, and what it logs. */
describe('acquirer simulator: idempotency and refusals', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  it('a retried authorization returns the first result and authorizes once', async () => {
    const { paymentId, outcome } = await authorize(sim.connector, '4111111111111111');
    const retry = await sim.connector.authorize({
      paymentId,
      amount: 10_000,
      currency: 'INR',
      capture: false,
      card: { number: '4111111111111111', cvv: null, expiryMonth: '12', expiryYear: '2030', holderName: null, network: 'VISA' },
    });
    assert.deepEqual(retry, outcome);
    assert.equal(effectCount(sim.simulator, 'authorization', paymentId), 1);
  });

  it('a retried capture returns the first result and captures once; other parameters under its id are refused', async () => {
    const { paymentId, outcome } = await authorize(sim.connector, '4111111111111111');
    const request = operation(paymentId, referenceOf(outcome), { amount: 6000 });
    const first = await sim.connector.capture(request);
    assert.equal(first.kind, 'succeeded');
    assert.deepEqual(await sim.connector.capture(request), first);
    const conflict = await sim.connector.capture({ ...request, amount: 7000 });
    assert.equal(conflict.kind === 'failed' && conflict.code, 'IDEMPOTENCY_CONFLICT');
    assert.equal(effectCount(sim.simulator, 'capture', request.operationId), 1);
    assert.deepEqual(await sim.connector.inquire('capture', request), first);
  });

  it('refuses operations it cannot apply, with nothing recorded', async () => {
    const { paymentId, outcome } = await authorize(sim.connector, '4111111111111111');
    const reference = referenceOf(outcome);
    const tooMuch = operation(paymentId, reference, { amount: 10_001 });
    const refused = await sim.connector.capture(tooMuch);
    assert.equal(refused.kind === 'failed' && refused.code, 'AMOUNT_EXCEEDS_AUTHORIZATION');
    assert.equal((await sim.connector.inquire('capture', tooMuch)).kind, 'failed');
    assert.equal(effectCount(sim.simulator, 'capture', tooMuch.operationId), 0);

    const otherCurrency = await sim.connector.capture(operation(paymentId, reference, { currency: 'USD' }));
    assert.equal(otherCurrency.kind === 'failed' && otherCurrency.code, 'CURRENCY_MISMATCH');
    const noSuchAuthorization = await sim.connector.capture(operation(paymentId, 'auth_doesnotexist'));
    assert.equal(noSuchAuthorization.kind === 'failed' && noSuchAuthorization.code, 'AUTHORIZATION_NOT_FOUND');
    const declined = await authorize(sim.connector, '4000000000000002');
    const onDeclined = await sim.connector.capture(operation(declined.paymentId, referenceOf(declined.outcome)));
    assert.equal(onDeclined.kind === 'failed' && onDeclined.code, 'AUTHORIZATION_NOT_APPROVED');
  });

  it('answers malformed requests 400 {code, message} naming the field, never echoing the card number', async () => {
    const post = (body: string) =>
      fetch(`${sim.baseUrl}/v1/authorizations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const badNumber = await post(
      JSON.stringify({
        payment_id: uniqueId('p'),
        amount: 100,
        currency: 'INR',
        capture: false,
        card: { number: '4111-1111-1111-1111', expiry_month: '12', expiry_year: '30' },
      }),
    );
    assert.equal(badNumber.status, 400);
    const body = (await badNumber.json()) as { code: string; message: string };
    assert.deepEqual(body, { code: 'INVALID_REQUEST', message: 'card.number has an invalid format' });

    const broken = await post('{"card":{"number":"4111111111111111"');
    assert.equal(broken.status, 400);
    const text = await broken.text();
    assert.ok(!text.includes('4111'), text);

    const missing = await fetch(`${sim.baseUrl}/v1/captures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(missing.status, 400);
    assert.match(((await missing.json()) as { message: string }).message, /operation_id is required/);
  });

  it('answers an unknown path 404 with a code that no inquiry mistakes for "never received"', async () => {
    const response = await fetch(`${sim.baseUrl}/v2/elsewhere`);
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { code: 'NO_SUCH_ENDPOINT', message: 'No such endpoint' });
  });
});

describe('acquirer simulator: logging', () => {
  it('logs requests and injected faults, never a card number or CVV', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const sim = await startSimulator({ logger: pino({ level: 'trace' }, stream) });
    try {
      await authorize(sim.connector, '4000000000000077');
      await fetch(`${sim.baseUrl}/v1/authorizations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"card":{"number":"4000000000000077","cvv":"987"',
      });
      sim.simulator.configureFaults({ errorRate: 1 });
      await authorize(sim.connector, '4000000000000077');
    } finally {
      await sim.close();
    }
    const log = lines.join('');
    assert.match(log, /injecting fault/);
    assert.match(log, /\/v1\/authorizations/);
    assert.ok(!log.includes('4000000000000077'), 'no card number in the log');
    // Not the CVV's digits: timestamps could contain them by chance; no body field reaches the log at all.
    assert.ok(!/cvv|expiry/i.test(log), 'no card field in the log');
  });
});
