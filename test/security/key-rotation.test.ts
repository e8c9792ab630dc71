/**
 * Keys rotate without breaking what they signed or sealed, and a disabled merchant is refused,
 * across two Holdfast instances sharing one database (each with its own key ring and merchant
 * cache, as two processes have): `holdfast keys rotate` (rotateKeys) adds a token-signing key and
 * an encryption key; tokens already issued verify everywhere until they expire; new tokens name
 * the new key; every merchant secret is re-sealed; a key nothing needs any more is deleted.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createDecoder } from 'fast-jwt';
import pino from 'pino';
import { createApp, TOKEN_TTL_MS, type App } from '../../src/app.js';
import { rotateKeys } from '../../src/core/keys/rotate-keys.js';
import { setMerchantEnabled, type MerchantCredentials } from '../../src/core/merchants.js';
import { call, uniqueRef } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { basicAuth, juspayCall } from '../juspay/helpers/juspay-http.js';

const kidOf = (token: string): unknown => (createDecoder({ complete: true })(token) as { header: { kid?: unknown } }).header.kid;

/** Polls `check` until it holds or `ms` pass (a cache lifetime, not a clock rule: real time is what it waits for). */
async function eventually(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(100);
  }
}

describe('key rotation and merchant disable, across two instances', () => {
  let server: TestServer;
  let second: App;
  let secondUrl: string;
  let merchant: MerchantCredentials;

  before(async () => {
    server = await startTestServer();
    second = await createApp({ config: server.config, db: server.db, logger: pino({ level: 'silent' }), clock: server.clock });
    await second.server.listen({ port: 0, host: '127.0.0.1' });
    secondUrl = `http://127.0.0.1:${(second.server.server.address() as { port: number }).port}`;
    merchant = await server.newMerchant('Rotating');
  });
  after(async () => {
    await second.close();
    await server.close();
  });

  const tokenFrom = async (baseUrl: string) => {
    const reply = await call(baseUrl, 'POST', '/api/auth/v1/token', {
      body: { client_id: merchant.client_id, client_secret: merchant.client_secret, grant_type: 'client_credentials' },
    });
    return reply;
  };
  const createOrder = (baseUrl: string, token: string) =>
    call(baseUrl, 'POST', '/api/pay/v1/orders', {
      token,
      body: { merchant_order_reference: uniqueRef('rot'), order_amount: { value: 1000, currency: 'INR' }, pre_auth: true },
    });
  const sealedColumns = async () =>
    (
      await server.db.query<Record<string, string | null>>(
        `select webhook_secret_ciphertext as w, pinelabs_redirect_secret_ciphertext as p, juspay_response_key_ciphertext as j
           from merchants where id = $1`,
        [merchant.merchant_id],
      )
    )[0]!;
  const rotate = () => rotateKeys(server.db, server.app.ctx.keys, server.app.masterKey, server.clock.now(), TOKEN_TTL_MS);

  it('a rotation: old tokens verify on both instances, new ones name the new key, secrets are re-sealed and still open', async () => {
    const old = (await tokenFrom(server.baseUrl)).body.access_token as string;
    assert.equal(kidOf(old), 'tok-1');
    assert.match((await sealedColumns()).w!, /^v2\.enc-1\./);

    const report = await rotate();
    assert.equal(report.tokenSigningKey, 'tok-2');
    assert.equal(report.encryptionKey, 'enc-2');
    assert.equal(report.resealedSecrets, 6, 'webhook secret and both redirect keys, on the merchant and in its credentials');
    assert.deepEqual(report.deletedKeys, [], 'the old keys are still needed');

    for (const baseUrl of [server.baseUrl, secondUrl])
      assert.equal((await createOrder(baseUrl, old)).status, 200, 'an old token still works');
    const fresh = (await tokenFrom(server.baseUrl)).body.access_token as string;
    assert.equal(kidOf(fresh), 'tok-2', 'the rotating instance signs with the new key at once');
    assert.equal((await createOrder(secondUrl, fresh)).status, 200, 'the other instance verifies a key it had not seen');
    await eventually(
      async () => kidOf((await tokenFrom(secondUrl)).body.access_token as string) === 'tok-2',
      'the other instance signs with the new key',
    );

    const sealed = await sealedColumns();
    for (const value of Object.values(sealed)) assert.match(value!, /^v2\.enc-2\./, 're-sealed with the new key');
    assert.equal(await second.ctx.keys.openSecret(sealed.w!), merchant.webhook_secret);
    assert.equal(await second.ctx.keys.openSecret(sealed.p!), merchant.pinelabs_redirect_secret);
    assert.equal(await second.ctx.keys.openSecret(sealed.j!), merchant.juspay_response_key);
  });

  it('later rotations delete what nothing needs: an encryption key no secret names, a token key older than any live token', async () => {
    server.clock.advance(2 * 60_000);
    const third = await rotate();
    assert.deepEqual(third.deletedKeys, ['enc-1'], 'enc-1 names no secret; token keys may still have live tokens');
    const tokenBefore = (await tokenFrom(server.baseUrl)).body.access_token as string;
    server.clock.advance(TOKEN_TTL_MS + 5 * 60_000);
    assert.equal((await createOrder(server.baseUrl, tokenBefore)).status, 401, 'an expired token is refused');
    const fourth = await rotate();
    assert.deepEqual(fourth.deletedKeys.sort(), ['enc-2', 'tok-1', 'tok-2'].sort());
    const ids = (await server.db.query<{ id: string }>('select id from data_keys order by id')).map((r) => r.id);
    assert.ok(!ids.includes('tok-1') && ids.includes('tok-4') && ids.includes('card-1') && ids.includes('req-1'), ids.join(','));
    // The business clock jumped an hour here, real time did not: wait for the other instance's key ring to be re-read.
    let now = '';
    await eventually(async () => {
      now = (await tokenFrom(secondUrl)).body.access_token as string;
      return kidOf(now) === 'tok-4';
    }, 'the other instance signs with the newest key');
    assert.equal((await createOrder(server.baseUrl, now)).status, 200);
    assert.equal(await server.app.ctx.keys.openSecret((await sealedColumns()).w!), merchant.webhook_secret);
  });

  it('a disabled merchant: tokens, client credentials and API key refused (401) on every instance within a second; enabled again, accepted', async () => {
    const token = (await tokenFrom(server.baseUrl)).body.access_token as string;
    const juspayOrders = (baseUrl: string) =>
      juspayCall(baseUrl, 'POST', '/orders', {
        authorization: basicAuth(merchant.api_key),
        body: { order_id: uniqueRef('d').slice(0, 20), amount: '10.00' },
        encoding: 'form',
      });
    assert.equal((await createOrder(secondUrl, token)).status, 200);
    assert.equal((await juspayOrders(secondUrl)).status, 200);
    const orders = async () => (await server.db.query<{ n: number }>('select count(*)::int as n from orders'))[0]!.n;

    assert.ok(await setMerchantEnabled(server.app.ctx, merchant.merchant_id, false));
    const issued = await tokenFrom(server.baseUrl);
    assert.equal(issued.status, 401, 'no new token');
    for (const baseUrl of [server.baseUrl, secondUrl]) {
      await eventually(async () => (await createOrder(baseUrl, token)).status === 401, 'the token refused');
      await eventually(async () => (await juspayOrders(baseUrl)).status === 401, 'the API key refused');
    }
    const before = await orders();
    const refused = await createOrder(secondUrl, token);
    assert.deepEqual(refused.body, { code: 'UNAUTHORIZED', message: 'Unauthorized' });
    assert.equal(await orders(), before, 'nothing stored');

    assert.ok(await setMerchantEnabled(server.app.ctx, merchant.merchant_id, true));
    for (const baseUrl of [server.baseUrl, secondUrl]) {
      await eventually(async () => (await createOrder(baseUrl, token)).status === 200, 'the token accepted again');
    }
    assert.equal((await tokenFrom(secondUrl)).status, 200);
  });
});
