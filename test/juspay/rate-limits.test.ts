/**
 * Request limits in the Juspay dialect (docs/rate-limits.md): failed Basic authentication per
 * client IP and API key tried and per client IP, and the per-merchant API limit. Over a limit the
 * answer is a 429 in Juspay's error shape with Retry-After.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromIp, type InjectedReply } from '../helpers/from-ip.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { basicAuth, JuspayHttp, juspayCall, newOrderId, type JuspayReply } from './helpers/juspay-http.js';

const INVALID_AUTHENTICATION = { status: 'error', error_code: 'access_denied', error_message: 'Invalid Authentication' };

function assertRateLimited(reply: InjectedReply | JuspayReply, label: string): void {
  assert.equal(reply.status, 429, `${label}: ${JSON.stringify(reply.body)}`);
  const retryAfter = Number(reply.headers instanceof Headers ? reply.headers.get('retry-after') : reply.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `${label}: Retry-After ${retryAfter}`);
  const message = `Too many requests: try again in ${retryAfter} seconds`;
  assert.deepEqual(
    reply.body,
    {
      status: 'Too Many Requests',
      error_code: 'too_many_requests',
      error_message: message,
      error_info: {
        code: 'TOO_MANY_REQUESTS',
        category: 'USER_ERROR',
        user_message: 'Too many requests. Please try again later.',
        developer_message: message,
      },
    },
    label,
  );
}

describe('Juspay: failed Basic authentication is limited', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ HOLDFAST_RATE_LIMIT_AUTH_FAILURES: '3', HOLDFAST_RATE_LIMIT_AUTH_FAILURES_PER_IP: '5' });
  });
  after(() => server.close());

  const status = (ip: string, apiKey: string, colon = true) =>
    fromIp(server, ip, { method: 'GET', url: '/orders/o1', headers: { authorization: basicAuth(apiKey, colon) } });

  it('per IP and API key: three failures with one key are 401, the fourth 429; the same key from another IP is still 401', async () => {
    for (const colon of [true, false, true])
      assert.deepEqual((await status('10.1.1.1', 'hf_wrong_key', colon)).body, INVALID_AUTHENTICATION);
    assertRateLimited(await status('10.1.1.1', 'hf_wrong_key'), 'a fourth try of that key');
    const elsewhere = await status('10.1.1.2', 'hf_wrong_key');
    assert.equal(elsewhere.status, 401, 'another IP');
  });

  it('per IP: failures with different keys add up; then even a valid key not seen before is refused from that IP', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await status('10.1.2.1', `hf_guess_${i}`)).status, 401, `key ${i}`);
    assertRateLimited(await status('10.1.2.1', 'hf_guess_new'), 'a sixth key');
    const merchant = await server.newMerchant('Fresh');
    assertRateLimited(await status('10.1.2.1', merchant.api_key), 'a valid key from that IP');
    assert.equal((await status('10.1.2.2', merchant.api_key)).status, 404, 'the valid key from another IP (order o1 does not exist)');
  });

  it('a missing or malformed Authorization header is refused but not counted: no guess was made', async () => {
    for (let i = 0; i < 8; i++) {
      for (const authorization of ['', 'Basic ', 'Basic !!!not-base64!!!', `Basic ${Buffer.from(':').toString('base64')}`]) {
        const reply = await fromIp(server, '10.1.3.1', {
          method: 'GET',
          url: '/orders/o1',
          headers: authorization ? { authorization } : {},
        });
        assert.deepEqual(reply.body, INVALID_AUTHENTICATION);
      }
    }
    const merchant = await server.newMerchant('Unaffected');
    assert.equal((await status('10.1.3.1', merchant.api_key)).status, 404);
  });

  it('over real HTTP, as a client sees it: 429 with Retry-After, the same on every endpoint', async () => {
    const authorization = basicAuth('hf_http_wrong_key');
    for (let i = 0; i < 3; i++) assert.equal((await juspayCall(server.baseUrl, 'GET', '/orders/o1', { authorization })).status, 401);
    assertRateLimited(
      await juspayCall(server.baseUrl, 'POST', '/orders', { authorization, body: { order_id: 'a1', amount: '1' } }),
      'POST /orders',
    );
    assertRateLimited(await juspayCall(server.baseUrl, 'POST', '/txns', { authorization, body: { order_id: 'a1' } }), 'POST /txns');
  });
});

describe('Juspay per-merchant API limit', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ HOLDFAST_RATE_LIMIT_MERCHANT: '4' });
  });
  after(() => server.close());

  it('a merchant over its limit gets 429, nothing is created; another merchant is unaffected', async () => {
    const busy = new JuspayHttp(server.baseUrl, (await server.newMerchant('Busy')).api_key);
    const orderId = newOrderId();
    assert.equal((await busy.createOrder(orderId, '10.00')).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await busy.status(orderId)).status, 200);
    const before = await server.db.query('select count(*)::int as n from orders');
    assertRateLimited(await busy.createOrder(newOrderId(), '10.00'), 'the fifth request');
    assert.deepEqual(await server.db.query('select count(*)::int as n from orders'), before);
    const quiet = new JuspayHttp(server.baseUrl, (await server.newMerchant('Quiet')).api_key);
    assert.equal((await quiet.createOrder(newOrderId(), '10.00')).status, 200);
  });
});
