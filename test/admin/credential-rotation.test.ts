import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { adminClient } from '../helpers/admin.js';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver.js';
import { call } from '../helpers/pinelabs-client.js';
import { startHoldfastProcess, type HoldfastProcess } from '../helpers/holdfast-process.js';
import { onPostgres } from '../helpers/test-database.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { basicAuth } from '../juspay/helpers/juspay-http.js';

type Client = Awaited<ReturnType<typeof adminClient>>;

/** Pine Labs: a token for the client credentials (200) or its refusal in the dialect's shape. */
const tokenFor = (baseUrl: string, clientId: string, clientSecret: string) =>
  call(baseUrl, 'POST', '/api/auth/v1/token', {
    body: { client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' },
  });

/** Pine Labs: a call with a bearer token (an unknown order: 404 when authenticated). */
const pineLabsCall = (baseUrl: string, token: string) => call(baseUrl, 'GET', '/api/pay/v1/orders/v1-0000000000-aa-AAAAAA', { token });

/** Juspay: a call with the API key (an unknown order: 404 when authenticated). */
const juspayCall = async (baseUrl: string, apiKey: string) => {
  const response = await fetch(`${baseUrl}/orders/no-such-order`, {
    headers: { authorization: basicAuth(apiKey), accept: 'application/json' },
  });
  const body: unknown = await response.json();
  return { status: response.status, body };
};

const PINE_LABS_401 = { code: 'UNAUTHORIZED', message: 'Invalid client credentials' };
const PINE_LABS_TOKEN_401 = { code: 'UNAUTHORIZED', message: 'Unauthorized' };
const JUSPAY_401 = { status: 'error', error_code: 'access_denied', error_message: 'Invalid Authentication' };

/** Polls `check` until it holds, for at most ~1.5 s (every process honours a change within a second). */
async function within(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 1500;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`${what} did not happen within 1.5 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('admin API: credential rotation with overlap, and revocation', () => {
  let server: TestServer;
  let admin: Client;
  let receiver: MerchantReceiver;

  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server, 'admin');
    receiver = await startMerchantReceiver();
  });
  after(async () => {
    await receiver.close();
    await server.close();
  });

  // First, while the test clock is still the real time: receivers check the signed timestamp against theirs.
  it('a test webhook during a webhook-secret overlap verifies with the old secret and with the new one', async () => {
    const merchant = await server.newMerchant('Webhook rotation', { webhookUrl: receiver.url('/hooks') });
    const rotated = await admin.post(`/merchants/${merchant.merchant_id}/credentials/webhook_secret/rotate`, { overlap_seconds: 3600 });
    const newSecret = rotated.body.secret.webhook_secret as string;
    const sent = await admin.post(`/merchants/${merchant.merchant_id}/webhooks/test`);
    assert.equal(sent.status, 200);
    assert.equal(sent.body.delivered, true);
    const delivery = receiver.received.at(-1)!;
    assert.equal(delivery.url.pathname, '/hooks');
    const headers = {
      'webhook-id': String(delivery.headers['webhook-id']),
      'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
      'webhook-signature': String(delivery.headers['webhook-signature']),
    };
    assert.equal(headers['webhook-signature'].split(' ').length, 2);
    for (const secret of [merchant.webhook_secret, newSecret]) {
      const verified = new Webhook(secret).verify(delivery.body, headers) as { event_type: string };
      assert.equal(verified.event_type, 'TEST');
    }

    // Once the old secret is revoked, only the new one signs.
    const old = (await admin.get(`/merchants/${merchant.merchant_id}/credentials`)).body.data.find(
      (c: { kind: string; status: string }) => c.kind === 'webhook_secret' && c.status === 'expiring',
    );
    await admin.post(`/merchants/${merchant.merchant_id}/credentials/${old.id}/revoke`);
    await admin.post(`/merchants/${merchant.merchant_id}/webhooks/test`);
    const next = receiver.received.at(-1)!;
    const nextHeaders = {
      'webhook-id': String(next.headers['webhook-id']),
      'webhook-timestamp': String(next.headers['webhook-timestamp']),
      'webhook-signature': String(next.headers['webhook-signature']),
    };
    assert.equal(nextHeaders['webhook-signature'].split(' ').length, 1);
    assert.ok(new Webhook(newSecret).verify(next.body, nextHeaders));
    assert.throws(() => new Webhook(merchant.webhook_secret).verify(next.body, nextHeaders));
  });

  it('API key: old and new both work during the overlap; past it the old one is refused (401, Juspay shape)', async () => {
    const merchant = await server.newMerchant('Juspay rotation');
    const rotated = await admin.post(`/merchants/${merchant.merchant_id}/credentials/api_key/rotate`, { overlap_seconds: 600 });
    assert.equal(rotated.status, 200);
    const newKey = rotated.body.secret.api_key as string;
    assert.notEqual(newKey, merchant.api_key);
    assert.equal((await juspayCall(server.baseUrl, merchant.api_key)).status, 404, 'the old key authenticates');
    assert.equal((await juspayCall(server.baseUrl, newKey)).status, 404, 'the new key authenticates');

    server.clock.advance(600_000 + 1000);
    await within('the old key is refused', async () => (await juspayCall(server.baseUrl, merchant.api_key)).status === 401);
    assert.deepEqual((await juspayCall(server.baseUrl, merchant.api_key)).body, JUSPAY_401);
    assert.equal((await juspayCall(server.baseUrl, newKey)).status, 404);
    const listed = (await admin.get(`/merchants/${merchant.merchant_id}/credentials`)).body.data.filter(
      (c: { kind: string }) => c.kind === 'api_key',
    );
    assert.deepEqual(
      listed.map((c: { status: string }) => c.status),
      ['active', 'revoked'],
    );
  });

  it('client secret: old and new both get tokens during the overlap; past it the old one (and its tokens) are refused', async () => {
    const merchant = await server.newMerchant('Pine Labs rotation');
    const oldToken = (await tokenFor(server.baseUrl, merchant.client_id, merchant.client_secret)).body.access_token as string;
    const rotated = await admin.post(`/merchants/${merchant.merchant_id}/credentials/client_secret/rotate`, { overlap_seconds: 300 });
    assert.equal(rotated.status, 200);
    const { client_id: clientId, client_secret: newSecret } = rotated.body.secret as { client_id: string; client_secret: string };
    assert.equal(clientId, merchant.client_id);

    const withOld = await tokenFor(server.baseUrl, clientId, merchant.client_secret);
    const withNew = await tokenFor(server.baseUrl, clientId, newSecret);
    assert.equal(withOld.status, 200);
    assert.equal(withNew.status, 200);
    assert.equal((await pineLabsCall(server.baseUrl, withOld.body.access_token)).status, 404);
    assert.equal((await pineLabsCall(server.baseUrl, oldToken)).status, 404);

    server.clock.advance(300_000 + 1000);
    const refused = await tokenFor(server.baseUrl, clientId, merchant.client_secret);
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.body, PINE_LABS_401);
    const fresh = await tokenFor(server.baseUrl, clientId, newSecret);
    assert.equal(fresh.status, 200);
    assert.equal((await pineLabsCall(server.baseUrl, fresh.body.access_token)).status, 404);
    // A token issued for the old secret ends with it.
    await within(
      'the old secret’s token is refused',
      async () => (await pineLabsCall(server.baseUrl, withOld.body.access_token)).status === 401,
    );
    assert.deepEqual((await pineLabsCall(server.baseUrl, withOld.body.access_token)).body, PINE_LABS_TOKEN_401);
  });

  it('revoke ends the old credential at once; the newest cannot be revoked', async () => {
    const merchant = await server.newMerchant('Revocation');
    const rotatedKey = await admin.post(`/merchants/${merchant.merchant_id}/credentials/api_key/rotate`, { overlap_seconds: 86_400 });
    const rotatedSecret = await admin.post(`/merchants/${merchant.merchant_id}/credentials/client_secret/rotate`, {
      overlap_seconds: 86_400,
    });
    assert.equal((await juspayCall(server.baseUrl, merchant.api_key)).status, 404);
    const oldToken = (await tokenFor(server.baseUrl, merchant.client_id, merchant.client_secret)).body.access_token as string;
    assert.equal((await pineLabsCall(server.baseUrl, oldToken)).status, 404);

    const credentials = (await admin.get(`/merchants/${merchant.merchant_id}/credentials`)).body.data as Array<{
      id: string;
      kind: string;
      status: string;
    }>;
    const oldKey = credentials.find((c) => c.kind === 'api_key' && c.status === 'expiring')!;
    const oldSecret = credentials.find((c) => c.kind === 'client_secret' && c.status === 'expiring')!;
    assert.equal((await admin.post(`/merchants/${merchant.merchant_id}/credentials/${oldKey.id}/revoke`)).status, 200);
    assert.equal((await admin.post(`/merchants/${merchant.merchant_id}/credentials/${oldSecret.id}/revoke`)).status, 200);

    const refusedKey = await juspayCall(server.baseUrl, merchant.api_key);
    assert.equal(refusedKey.status, 401, 'refused at once, though the key was just used in this process');
    assert.deepEqual(refusedKey.body, JUSPAY_401);
    assert.equal((await tokenFor(server.baseUrl, merchant.client_id, merchant.client_secret)).status, 401);
    await within('the revoked secret’s token is refused', async () => (await pineLabsCall(server.baseUrl, oldToken)).status === 401);
    assert.equal((await juspayCall(server.baseUrl, rotatedKey.body.secret.api_key)).status, 404);
    assert.equal((await tokenFor(server.baseUrl, merchant.client_id, rotatedSecret.body.secret.client_secret)).status, 200);

    const newest = await admin.post(`/merchants/${merchant.merchant_id}/credentials/${rotatedKey.body.credential.id}/revoke`);
    assert.equal(newest.status, 409);
    assert.deepEqual(Object.keys(newest.body).sort(), ['error', 'message']);
  });

  it('redirect keys: the newest sign from the moment of rotation; with no overlap the old ones end at once', async () => {
    const merchant = await server.newMerchant('Redirect rotation');
    const rotated = await admin.post(`/merchants/${merchant.merchant_id}/credentials/redirect_keys/rotate`, { overlap_seconds: 0 });
    assert.equal(rotated.status, 200);
    const stored = await server.db.query<{ p: string; j: string }>(
      'select pinelabs_redirect_secret_ciphertext as p, juspay_response_key_ciphertext as j from merchants where id = $1',
      [merchant.merchant_id],
    );
    assert.equal(await server.app.ctx.keys.openSecret(stored[0]!.p), rotated.body.secret.pinelabs_redirect_secret);
    assert.equal(await server.app.ctx.keys.openSecret(stored[0]!.j), rotated.body.secret.juspay_response_key);
    const listed = (await admin.get(`/merchants/${merchant.merchant_id}/credentials`)).body.data.filter(
      (c: { kind: string }) => c.kind === 'redirect_keys',
    );
    assert.deepEqual(
      listed.map((c: { status: string }) => c.status),
      ['active', 'revoked'],
      'an overlap of 0 ends the old keys at once',
    );
  });
});

/** Polls `check` until it holds, for at most `boundMs`; resolves with how long that took. */
async function flips(what: string, check: () => Promise<boolean>, boundMs = 5000): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return Math.round(performance.now() - started);
    if (performance.now() - started > boundMs) assert.fail(`${what} did not happen within ${boundMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe(
  'credential rotation across two processes on one database: a change through one reaches the other within about a second',
  { skip: !onPostgres && 'needs PostgreSQL: the embedded database belongs to one process' },
  () => {
    // A is this test process's server, whose admin API makes every change; B is `holdfast start`
    // in a process of its own, so it shares nothing with A but the database, and learns of a
    // revocation only when its per-process cache of the merchant's credentials runs out.
    let a: TestServer | undefined;
    let b: HoldfastProcess | undefined;
    let admin: Client;

    before(async () => {
      a = await startTestServer();
      const url = (a.db as { url?: string }).url;
      assert.ok(url, 'a PostgreSQL URL for the second process');
      admin = await adminClient(a, 'admin');
      b = await startHoldfastProcess({ databaseUrl: url });
    });
    after(async () => {
      await b?.stop();
      await a?.close();
    });

    const expiring = async (merchantId: string, kind: string) =>
      ((await admin.get(`/merchants/${merchantId}/credentials`)).body.data as Array<{ id: string; kind: string; status: string }>).find(
        (c) => c.kind === kind && c.status === 'expiring',
      )!;

    it('API key (Juspay): B takes old and new during the overlap, and refuses the old one soon after a revocation or a rotation with no overlap', async (t) => {
      const merchant = await a!.newMerchant('Two processes, API key');
      const bUrl = b!.baseUrl;
      assert.equal((await juspayCall(bUrl, merchant.api_key)).status, 404, 'B knows the key (and caches it)');

      const rotated = await admin.post(`/merchants/${merchant.merchant_id}/credentials/api_key/rotate`, { overlap_seconds: 3600 });
      assert.equal(rotated.status, 200);
      const newKey = rotated.body.secret.api_key as string;
      assert.equal((await juspayCall(bUrl, newKey)).status, 404, 'B takes the new key at once');
      assert.equal((await juspayCall(bUrl, merchant.api_key)).status, 404, 'B still takes the old key during the overlap');

      const old = await expiring(merchant.merchant_id, 'api_key');
      assert.equal((await admin.post(`/merchants/${merchant.merchant_id}/credentials/${old.id}/revoke`)).status, 200);
      const revokedAfter = await flips(
        'B refuses the revoked API key',
        async () => (await juspayCall(bUrl, merchant.api_key)).status === 401,
      );
      t.diagnostic(`B refused the revoked key ${revokedAfter} ms after the revocation answered`);
      assert.deepEqual((await juspayCall(bUrl, merchant.api_key)).body, JUSPAY_401);
      assert.equal((await juspayCall(bUrl, newKey)).status, 404, 'the new key still works on B');

      // A rotation with no overlap ends the current key as it makes the next one.
      const next = await admin.post(`/merchants/${merchant.merchant_id}/credentials/api_key/rotate`, { overlap_seconds: 0 });
      assert.equal(next.status, 200);
      assert.equal((await juspayCall(bUrl, next.body.secret.api_key)).status, 404, 'B takes the next key at once');
      const rotatedAfter = await flips(
        'B refuses the key rotated out with no overlap',
        async () => (await juspayCall(bUrl, newKey)).status === 401,
      );
      t.diagnostic(`B refused the key rotated out with no overlap ${rotatedAfter} ms after the rotation answered`);
      assert.equal((await juspayCall(bUrl, next.body.secret.api_key)).status, 404);
    });

    it('client secret (Pine Labs): B issues and honours tokens for old and new during the overlap, and refuses the old secret and its tokens soon after a revocation', async (t) => {
      const merchant = await a!.newMerchant('Two processes, client secret');
      const bUrl = b!.baseUrl;
      const firstToken = (await tokenFor(bUrl, merchant.client_id, merchant.client_secret)).body.access_token as string;
      assert.equal((await pineLabsCall(bUrl, firstToken)).status, 404, 'B knows the secret (and caches it)');

      const rotated = await admin.post(`/merchants/${merchant.merchant_id}/credentials/client_secret/rotate`, { overlap_seconds: 3600 });
      assert.equal(rotated.status, 200);
      const newSecret = rotated.body.secret.client_secret as string;
      const withNew = await tokenFor(bUrl, merchant.client_id, newSecret);
      assert.equal(withNew.status, 200, 'B issues a token for the new secret');
      assert.equal((await pineLabsCall(bUrl, withNew.body.access_token)).status, 404, "B takes the new secret's token at once");
      const withOld = await tokenFor(bUrl, merchant.client_id, merchant.client_secret);
      assert.equal(withOld.status, 200, 'B still issues a token for the old secret during the overlap');
      assert.equal((await pineLabsCall(bUrl, withOld.body.access_token)).status, 404);
      assert.equal((await pineLabsCall(bUrl, firstToken)).status, 404);

      const old = await expiring(merchant.merchant_id, 'client_secret');
      assert.equal((await admin.post(`/merchants/${merchant.merchant_id}/credentials/${old.id}/revoke`)).status, 200);
      const refusedSecret = await tokenFor(bUrl, merchant.client_id, merchant.client_secret);
      assert.equal(refusedSecret.status, 401, 'B reads the secrets for each token request: the revoked one is refused at once');
      assert.deepEqual(refusedSecret.body, PINE_LABS_401);
      const tokenAfter = await flips(
        "B refuses the revoked secret's tokens",
        async () => (await pineLabsCall(bUrl, firstToken)).status === 401,
      );
      t.diagnostic(`B refused the revoked secret's token ${tokenAfter} ms after the revocation answered`);
      assert.deepEqual((await pineLabsCall(bUrl, withOld.body.access_token)).body, PINE_LABS_TOKEN_401);
      assert.equal((await pineLabsCall(bUrl, withNew.body.access_token)).status, 404, "the new secret's token still works on B");
      assert.equal((await tokenFor(bUrl, merchant.client_id, newSecret)).status, 200);
    });
  },
);
