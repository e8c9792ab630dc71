/**
 * With HOLDFAST_REDIS_URL set, every process counts against the same limits (docs/rate-limits.md):
 * two Holdfast instances on one database and one Redis (the machine's, at 127.0.0.1:6379) share
 * them; without Redis each instance counts alone; with Redis unreachable nothing is limited and
 * nothing fails. Each test's keys live under a prefix of its own, removed afterwards.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createApp, type App } from '../../src/app.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { fromIp } from '../helpers/from-ip.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const REDIS_URL = process.env.HOLDFAST_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Two instances of Holdfast on one database: `a` (the test server) and `b`, each with `env`. */
async function twoInstances(env: Record<string, string>): Promise<{ a: TestServer; b: TestServer; close(): Promise<void> }> {
  const a = await startTestServer(env);
  const app: App = await createApp({ config: a.config, db: a.db, logger: pino({ level: 'silent' }), clock: a.clock });
  await app.server.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const b: TestServer = { ...a, app, baseUrl: `http://127.0.0.1:${address.port}` };
  return {
    a,
    b,
    async close() {
      await app.close();
      await a.close();
    },
  };
}

const login = (server: TestServer, ip: string, merchant: Pick<MerchantCredentials, 'client_id'>, secret: string) =>
  fromIp(server, ip, {
    method: 'POST',
    url: '/api/auth/v1/token',
    body: { client_id: merchant.client_id, client_secret: secret, grant_type: 'client_credentials' },
  });

describe('request limits shared through Redis', () => {
  const prefix = `holdfast-test:${randomUUID()}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  let pair: Awaited<ReturnType<typeof twoInstances>>;
  let merchant: MerchantCredentials;
  before(async () => {
    await redis.connect();
    pair = await twoInstances({
      HOLDFAST_REDIS_URL: REDIS_URL,
      HOLDFAST_REDIS_PREFIX: prefix,
      HOLDFAST_RATE_LIMIT_AUTH_FAILURES: '3',
      HOLDFAST_RATE_LIMIT_MERCHANT: '6',
      HOLDFAST_RATE_LIMIT_HOSTED: '4',
    });
    merchant = await pair.a.newMerchant('Shared');
  });
  after(async () => {
    await pair.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('failed authentications on either instance add up: the fourth is refused by both', async () => {
    assert.equal((await login(pair.a, '10.3.1.1', merchant, 'wrong')).status, 401);
    assert.equal((await login(pair.b, '10.3.1.1', merchant, 'wrong')).status, 401);
    assert.equal((await login(pair.a, '10.3.1.1', merchant, 'wrong')).status, 401);
    assert.equal((await login(pair.b, '10.3.1.1', merchant, 'wrong')).status, 429, 'the fourth, on the other instance');
    assert.equal((await login(pair.a, '10.3.1.1', merchant, merchant.client_secret)).status, 429, 'and on the first');
    assert.ok((await redis.keys(`${prefix}*`)).length > 0, 'the counts are in Redis, under the prefix');
    assert.equal((await login(pair.b, '10.3.1.2', merchant, merchant.client_secret)).status, 200, 'another IP');
  });

  it('a merchant’s API requests on either instance add up to one limit', async () => {
    const onA = await PineLabsClient.login(pair.a.baseUrl, merchant);
    const onB = new PineLabsClient(pair.b.baseUrl, onA.token);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await onA.createOrder(1000)).status, (await onB.createOrder(1000)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429]);
  });

  it('hosted pages count per IP across instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await fromIp(pair.a, '10.3.3.1', { method: 'GET', url: '/merchant/pay/nothing' })).status);
      statuses.push((await fromIp(pair.b, '10.3.3.1', { method: 'GET', url: '/merchant/pay/nothing' })).status);
    }
    assert.deepEqual(statuses, [404, 404, 404, 404, 429, 429]);
  });
});

describe('request limits without Redis', () => {
  it('each instance counts alone', async () => {
    const pair = await twoInstances({ HOLDFAST_RATE_LIMIT_AUTH_FAILURES: '2' });
    try {
      const merchant = await pair.a.newMerchant('Alone');
      for (const server of [pair.a, pair.a, pair.b, pair.b]) assert.equal((await login(server, '10.3.4.1', merchant, 'wrong')).status, 401);
      assert.equal((await login(pair.a, '10.3.4.1', merchant, 'wrong')).status, 429);
      assert.equal((await login(pair.b, '10.3.4.1', merchant, 'wrong')).status, 429);
    } finally {
      await pair.close();
    }
  });

  it('with Redis unreachable, requests are answered as if there were no limit, never with a 5xx', async () => {
    const server = await startTestServer({ HOLDFAST_REDIS_URL: 'redis://127.0.0.1:1', HOLDFAST_RATE_LIMIT_AUTH_FAILURES: '1' });
    try {
      const merchant = await server.newMerchant('No Redis');
      for (let i = 0; i < 4; i++) assert.equal((await login(server, '10.3.5.1', merchant, 'wrong')).status, 401, `failure ${i + 1}`);
      assert.equal((await login(server, '10.3.5.1', merchant, merchant.client_secret)).status, 200);
      assert.equal((await fromIp(server, '10.3.5.1', { method: 'GET', url: '/merchant/pay/nothing' })).status, 404);
    } finally {
      await server.close();
    }
  });
});
