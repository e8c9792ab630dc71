import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildAcquirerServer, type AcquirerSimulator } from '../../src/acquirer/server.js';

/** The simulator's own answers to requests it cannot take: the field and the rule, never the value sent. */
describe('acquirer simulator: messages of refused requests', () => {
  let simulator: AcquirerSimulator;
  before(async () => {
    simulator = await buildAcquirerServer({ faults: { seed: 1 } });
  });
  after(() => simulator.app.close());

  const send = async (method: 'GET' | 'POST', url: string, payload?: string, contentType = 'application/json') => {
    const response = await simulator.app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload, headers: { 'content-type': contentType } }),
    });
    return { status: response.statusCode, body: response.json<{ code: string; message: string }>() };
  };
  const operation = { operation_id: 'op_1', reference: 'auth_1', amount: 500, currency: 'INR' };

  for (const [what, url, payload, message] of [
    ['a reason outside the union', '/v1/reversals', { ...operation, reason: 'oops' }, 'reason must be one of void, remainder'],
    ['a fractional amount', '/v1/captures', { ...operation, amount: 5.5 }, 'amount must be an integer'],
    ['an amount of 0', '/v1/captures', { ...operation, amount: 0 }, 'amount must be greater than or equal to 1'],
    ['a lower-case currency', '/v1/refunds', { ...operation, currency: 'inr' }, 'currency has an invalid format'],
    ['an empty OTP', '/v1/authorizations/auth_1/authenticate', { otp: '' }, 'otp must not be empty'],
    ['a body that is not an object', '/v1/captures', [], 'request body must be a JSON object'],
  ] as const) {
    it(`${what}: 400 INVALID_REQUEST "${message}"`, async () => {
      assert.deepEqual(await send('POST', url, JSON.stringify(payload)), { status: 400, body: { code: 'INVALID_REQUEST', message } });
    });
  }

  it('a path id of the wrong form names the parameter', async () => {
    assert.deepEqual(await send('GET', '/v1/operations/a%20b'), {
      status: 400,
      body: { code: 'INVALID_REQUEST', message: 'operation_id has an invalid format' },
    });
  });

  it("Fastify's own refusals keep their status with a fixed message", async () => {
    assert.deepEqual(await send('POST', '/v1/captures', ''), {
      status: 400,
      body: { code: 'INVALID_REQUEST', message: 'Request body is empty' },
    });
    const broken = await send('POST', '/v1/authorizations', '{"card":{"number":"4111111111111111"');
    assert.deepEqual(broken, { status: 400, body: { code: 'INVALID_REQUEST', message: 'Request body is not valid JSON' } });
  });
});
