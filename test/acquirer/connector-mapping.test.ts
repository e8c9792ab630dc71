import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { HttpAcquirerConnector } from '../../src/connectors/http-acquirer/connector.js';
import { card, PATIENT_TIMEOUT_MS } from './simulator-fixture.js';

/** A connector whose every request gets `status` and `body`; the URLs it asked for are kept. */
function answering(status: number, body: string) {
  const urls: string[] = [];
  const fetchStub: typeof fetch = (input) => {
    urls.push(input instanceof Request ? input.url : input.toString());
    return Promise.resolve(new Response(body, { status, headers: { 'content-type': 'application/json' } }));
  };
  return {
    connector: new HttpAcquirerConnector({ baseUrl: 'http://acquirer.test/base/', timeoutMs: PATIENT_TIMEOUT_MS, fetch: fetchStub }),
    urls,
  };
}

const operation = { operationId: 'cap_1', paymentId: 'pay_1', connectorReference: 'auth_1', amount: 100, currency: 'INR' };
const authorization = { paymentId: 'pay_1', amount: 100, currency: 'INR', capture: false, card: card('4111111111111111') };

/** How the connector translates answers it cannot trust, without a simulator. */
describe('http-acquirer connector: translation of unusual answers', () => {
  it('keeps the base URL path and encodes ids in paths', async () => {
    const { connector, urls } = answering(404, '{"code":"OPERATION_NOT_FOUND","message":"x"}');
    await connector.inquire('capture', { ...operation, operationId: 'cap/1' });
    assert.deepEqual(urls, ['http://acquirer.test/base/v1/operations/cap%2F1']);
  });

  it('an unparseable or unrecognised 200 is unknown', async () => {
    assert.equal((await answering(200, 'not json').connector.capture(operation)).kind, 'unknown');
    assert.equal((await answering(200, '{"outcome":"maybe"}').connector.capture(operation)).kind, 'unknown');
    const authorize = await answering(200, '{"outcome":"approved","reference":"a"}').connector.authorize(authorization);
    assert.deepEqual(authorize, {
      kind: 'unknown',
      connectorReference: null,
      reason: 'acquirer answered HTTP 200 with a body it does not recognise',
    });
  });

  it('5xx, 408 and 429 are unknown; other 4xx are failed with the acquirer code, or HTTP_<status> without one', async () => {
    for (const status of [500, 502, 503, 408, 429]) {
      assert.equal((await answering(status, '{"code":"X","message":"y"}').connector.refund(operation)).kind, 'unknown', `HTTP ${status}`);
    }
    assert.deepEqual(await answering(422, '{"code":"AMOUNT_EXCEEDS_AUTHORIZATION","message":"too much"}').connector.capture(operation), {
      kind: 'failed',
      code: 'AMOUNT_EXCEEDS_AUTHORIZATION',
      message: 'too much',
    });
    assert.deepEqual(await answering(400, '<html>').connector.capture(operation), {
      kind: 'failed',
      code: 'HTTP_400',
      message: 'The acquirer refused the request with HTTP 400',
    });
  });

  it('a 4xx authorization is declined, keeping a code that is not ours in the message', async () => {
    const declined = await answering(409, '{"code":"IDEMPOTENCY_CONFLICT","message":"other amount"}').connector.authorize(authorization);
    assert.deepEqual(declined, {
      kind: 'declined',
      connectorReference: null,
      code: 'PAYMENT_DECLINED',
      message: 'other amount (IDEMPOTENCY_CONFLICT)',
    });
  });

  it('only the simulator’s own "never received" 404 makes an inquiry final; any other 404 leaves it unknown', async () => {
    const other404 = '{"code":"NO_SUCH_ENDPOINT","message":"No such endpoint"}';
    assert.equal((await answering(404, other404).connector.inquire('capture', operation)).kind, 'unknown');
    assert.equal(
      (await answering(404, other404).connector.inquireAuthorization({ paymentId: 'p', connectorReference: 'auth_1', capture: false }))
        .kind,
      'unknown',
    );
    assert.equal((await answering(400, '{"code":"INVALID_REQUEST","message":"x"}').connector.inquire('refund', operation)).kind, 'unknown');
    const notFound = await answering(404, '{"code":"AUTHORIZATION_NOT_FOUND","message":"x"}').connector.inquireAuthorization({
      paymentId: 'p',
      connectorReference: null,
      capture: false,
    });
    assert.equal(notFound.kind === 'declined' && notFound.code, 'PAYMENT_DECLINED');
  });

  it('a refused connection is unknown', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address() as { port: number };
        probe.close(() => {
          resolve(address.port);
        });
      });
    });
    const connector = new HttpAcquirerConnector({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: PATIENT_TIMEOUT_MS });
    const outcome = await connector.capture(operation);
    assert.equal(outcome.kind, 'unknown');
    assert.match(outcome.reason, /connection failed \(ECONNREFUSED\)/);
    assert.equal((await connector.inquireAuthorization({ paymentId: 'p', connectorReference: 'auth_1', capture: false })).kind, 'unknown');
  });
});
