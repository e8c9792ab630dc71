/**
 * Request limits in the Pine Labs dialect (docs/rate-limits.md): failed authentications on the
 * token endpoint, per client IP and credential and per client IP, and the per-merchant API limit.
 * Over a limit the answer is a 429 in Pine Labs' error shape (API_RATE_LIMIT) with Retry-After.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { fromIp, type InjectedReply } from '../helpers/from-ip.js';
import { call, PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const RATE_LIMITED = {
  code: 'API_RATE_LIMIT',
  message: 'The request was rejected because the client has sent too many requests in a given time window',
};

function assertRateLimited(reply: InjectedReply | { status: number; body: unknown; headers: Headers }, label: string): void {
  assert.equal(reply.status, 429, `${label}: ${JSON.stringify(reply.body)}`);
  assert.deepEqual(reply.body, RATE_LIMITED, label);
  const retryAfter = Number(reply.headers instanceof Headers ? reply.headers.get('retry-after') : reply.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `${label}: Retry-After ${retryAfter}`);
}

describe('Pine Labs token endpoint: failed authentications are limited', () => {
  let server: TestServer;
  let merchant: MerchantCredentials;
  before(async () => {
    server = await startTestServer({ HOLDFAST_RATE_LIMIT_AUTH_FAILURES: '3', HOLDFAST_RATE_LIMIT_AUTH_FAILURES_PER_IP: '5' });
    merchant = await server.newMerchant('Token limits');
  });
  after(() => server.close());

  const token = (ip: string, clientId: string, clientSecret: string) =>
    fromIp(server, ip, {
      method: 'POST',
      url: '/api/auth/v1/token',
      body: { client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' },
    });

  it('per IP and client_id: three wrong secrets are 401; then even the right one is 429, from that IP only', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await token('10.0.1.1', merchant.client_id, 'wrong')).status, 401, `attempt ${i + 1}`);
    assertRateLimited(await token('10.0.1.1', merchant.client_id, 'wrong'), 'a fourth wrong secret');
    assertRateLimited(await token('10.0.1.1', merchant.client_id, merchant.client_secret), 'the right secret from that IP');
    assert.equal((await token('10.0.1.2', merchant.client_id, merchant.client_secret)).status, 200, 'the merchant from another IP');
    const other = await server.newMerchant('Another client');
    assert.equal((await token('10.0.1.1', other.client_id, other.client_secret)).status, 200, 'another client_id from that IP');
  });

  it('per IP: failures with different client_ids add up, and the IP is refused whatever it sends next', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await token('10.0.2.1', `client-${i}`, 'guess')).status, 401, `client ${i}`);
    assertRateLimited(await token('10.0.2.1', 'client-new', 'guess'), 'a sixth client_id');
    assertRateLimited(await token('10.0.2.1', merchant.client_id, merchant.client_secret), 'good credentials from that IP');
    assert.equal((await token('10.0.2.2', merchant.client_id, merchant.client_secret)).status, 200, 'another IP');
  });

  it('only failures count: many logins in a row all succeed', async () => {
    for (let i = 0; i < 12; i++)
      assert.equal((await token('10.0.3.1', merchant.client_id, merchant.client_secret)).status, 200, `login ${i}`);
  });

  it('a body that fails validation (400) is not an authentication failure', async () => {
    for (let i = 0; i < 6; i++) {
      const reply = await fromIp(server, '10.0.4.1', {
        method: 'POST',
        url: '/api/auth/v1/token',
        body: { client_id: merchant.client_id },
      });
      assert.equal(reply.status, 400);
    }
    assert.equal((await token('10.0.4.1', merchant.client_id, merchant.client_secret)).status, 200);
  });

  it('over real HTTP, as a client sees it: 429 with Retry-After', async () => {
    const body = { client_id: 'nobody', client_secret: 'guess', grant_type: 'client_credentials' };
    for (let i = 0; i < 3; i++) assert.equal((await call(server.baseUrl, 'POST', '/api/auth/v1/token', { body })).status, 401);
    assertRateLimited(await call(server.baseUrl, 'POST', '/api/auth/v1/token', { body }), 'from 127.0.0.1');
  });
});

describe('Pine Labs per-merchant API limit', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ HOLDFAST_RATE_LIMIT_MERCHANT: '5' });
  });
  after(() => server.close());

  it('a merchant over its limit gets 429 on any endpoint; another merchant, and logging in, are unaffected', async () => {
    const busy = await server.newMerchant('Busy');
    const client = await PineLabsClient.login(server.baseUrl, busy);
    const created = await client.createOrder(1000);
    assert.equal(created.status, 200);
    for (let i = 0; i < 4; i++) assert.equal((await client.request('GET', `/api/pay/v1/orders/${created.body.data.order_id}`)).status, 200);
    const before = await server.db.query('select count(*)::int as n from orders');
    assertRateLimited(await client.createOrder(1000), 'the sixth request: a create');
    assert.deepEqual(await server.db.query('select count(*)::int as n from orders'), before, 'nothing was created');
    assertRateLimited(await client.request('GET', `/api/pay/v1/orders/${created.body.data.order_id}`), 'a read');

    const quiet = await PineLabsClient.login(server.baseUrl, await server.newMerchant('Quiet'));
    assert.equal((await quiet.createOrder(1000)).status, 200, 'another merchant');
    assert.equal((await PineLabsClient.login(server.baseUrl, busy)).token.length > 0, true, 'the busy merchant can still log in');
  });

  it('is off unless set', () => {
    assert.equal(loadConfig({}).requestLimits.merchant, 0);
  });
});

describe('Pine Labs limits by default', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('a merchant may make many requests; the defaults limit failed authentications only (20 per IP and credential)', async () => {
    const client = await PineLabsClient.login(server.baseUrl, await server.newMerchant('Default'));
    for (let i = 0; i < 30; i++) assert.equal((await client.createOrder(1000, { reference: uniqueRef('d') })).status, 200);
    const body = { client_id: 'nobody', client_secret: 'guess', grant_type: 'client_credentials' };
    for (let i = 0; i < 20; i++) assert.equal((await call(server.baseUrl, 'POST', '/api/auth/v1/token', { body })).status, 401);
    assertRateLimited(await call(server.baseUrl, 'POST', '/api/auth/v1/token', { body }), 'the 21st failure');
  });
});
