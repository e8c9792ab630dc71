/**
 * Upgrading a database made before keys were sealed (docs/security.md): its plaintext
 * `server_keys` are moved out and dropped by the first process that starts with a master key.
 * Tokens the old key signed stay valid until they expire; merchant secrets sealed with the old
 * encryption key are re-sealed and still open; everything the old fingerprint key computed is
 * removed (card fingerprints cleared, request fingerprints marked legacy), and a repeat of one of
 * those old requests is answered as a replay, never a second effect.
 */
import assert from 'node:assert/strict';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createSigner } from 'fast-jwt';
import pino from 'pino';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { call, cardPayment, PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** The secret format of the earlier version: AES-256-GCM, `v1.iv.tag.body`, no associated data. */
function legacySeal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
}

const PAN = '4111111111111111';

describe('upgrading a database whose keys were stored in plaintext', () => {
  let server: TestServer;
  let upgraded: App;
  let upgradedUrl: string;
  let merchant: MerchantCredentials;
  let orderId: string;
  let paymentReference: string;
  const logged: string[] = [];
  const legacy = { token: randomBytes(32), fingerprint: randomBytes(32), encryption: randomBytes(32) };

  before(async () => {
    server = await startTestServer();
    merchant = await server.newMerchant('Before the upgrade');
    const client = await PineLabsClient.login(server.baseUrl, merchant);
    orderId = (await client.createOrder(5000)).body.data.order_id as string;
    paymentReference = 'pay-before-upgrade';
    assert.equal((await client.request('POST', `/api/pay/v1/orders/${orderId}/payments`, cardPayment(paymentReference, 5000))).status, 200);

    // Put the database back in the earlier version's shape: plaintext keys, what they sealed and computed.
    const db = server.db;
    await db.query(
      'create table server_keys (name text primary key, secret bytea not null, created_at timestamptz not null default now())',
    );
    await db.query(`insert into server_keys (name, secret) values ('token_signing', $1), ('fingerprint', $2), ('secret_encryption', $3)`, [
      legacy.token,
      legacy.fingerprint,
      legacy.encryption,
    ]);
    await db.query(
      `update merchants set webhook_secret_ciphertext = $2, pinelabs_redirect_secret_ciphertext = $3, juspay_response_key_ciphertext = $4 where id = $1`,
      [
        merchant.merchant_id,
        legacySeal(legacy.encryption, merchant.webhook_secret),
        legacySeal(legacy.encryption, merchant.pinelabs_redirect_secret),
        legacySeal(legacy.encryption, merchant.juspay_response_key),
      ],
    );
    // As migration 017 copied them into merchant_credentials.
    await db.query(`update merchant_credentials set secret_ciphertext = $2 where merchant_id = $1 and kind = 'webhook_secret'`, [
      merchant.merchant_id,
      legacySeal(legacy.encryption, merchant.webhook_secret),
    ]);
    await db.query(
      `update merchant_credentials set secret_ciphertext = $2, response_key_ciphertext = $3 where merchant_id = $1 and kind = 'redirect_keys'`,
      [
        merchant.merchant_id,
        legacySeal(legacy.encryption, merchant.pinelabs_redirect_secret),
        legacySeal(legacy.encryption, merchant.juspay_response_key),
      ],
    );
    const hmac = (text: string) => createHmac('sha256', legacy.fingerprint).update(text).digest('hex');
    await db.query('update payments set card_fingerprint = $1, request_fingerprint = $2', [hmac(PAN), hmac('a request with a card in it')]);
    await db.query('update orders set request_fingerprint = $1', [hmac('an order')]);
    await db.query('delete from data_keys');

    // The first start of the new version, with a master key.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString());
        done();
      },
    });
    const config = loadConfig({ LOG_LEVEL: 'warn', HOLDFAST_MASTER_KEY: randomBytes(32).toString('hex') });
    upgraded = await createApp({ config, db, logger: pino({ level: 'warn' }, sink), clock: server.clock });
    await upgraded.server.listen({ port: 0, host: '127.0.0.1' });
    upgradedUrl = `http://127.0.0.1:${(upgraded.server.server.address() as { port: number }).port}`;
  });
  after(async () => {
    await upgraded.close();
    await server.close();
  });

  it('the plaintext keys are gone; the token key is kept sealed and retired; the operator is told', async () => {
    const table = await server.db.query<{ present: boolean }>(`select to_regclass('server_keys') is not null as present`);
    assert.equal(table[0]!.present, false);
    const keys = await server.db.query<{ id: string; retired: boolean; master_key_id: string }>(
      'select id, retired_at is not null as retired, master_key_id from data_keys order by id',
    );
    assert.deepEqual(
      keys.map((k) => `${k.id}${k.retired ? ' (retired)' : ''}`),
      ['card-1', 'enc-1', 'req-1', 'tok-0 (retired)', 'tok-1'],
    );
    assert.ok(keys.every((k) => k.master_key_id === upgraded.masterKey.id));
    const dump = (await server.db.query<{ row: string }>('select row_to_json(k)::text as row from data_keys k')).map((r) => r.row).join();
    for (const key of Object.values(legacy)) assert.ok(!dump.includes(key.toString('hex')) && !dump.includes(key.toString('base64')));
    assert.match(logged.join(''), /Upgraded the keys/);
  });

  it('merchant secrets are re-sealed with a sealed key and still open', async () => {
    const row = (
      await server.db.query<Record<string, string>>(
        `select webhook_secret_ciphertext as w, pinelabs_redirect_secret_ciphertext as p, juspay_response_key_ciphertext as j from merchants where id = $1`,
        [merchant.merchant_id],
      )
    )[0]!;
    for (const value of Object.values(row)) assert.match(value, /^v2\.enc-1\./);
    assert.equal(await upgraded.ctx.keys.openSecret(row.w!), merchant.webhook_secret);
    assert.equal(await upgraded.ctx.keys.openSecret(row.p!), merchant.pinelabs_redirect_secret);
    assert.equal(await upgraded.ctx.keys.openSecret(row.j!), merchant.juspay_response_key);
    const credentials = await server.db.query<{ s: string; r: string | null }>(
      `select secret_ciphertext as s, response_key_ciphertext as r from merchant_credentials where merchant_id = $1 and secret_ciphertext is not null`,
      [merchant.merchant_id],
    );
    assert.equal(credentials.length, 2);
    for (const value of credentials.flatMap((c) => [c.s, c.r]).filter((v) => v !== null)) {
      assert.match(value, /^v2\.enc-1\./);
      assert.ok(
        [merchant.webhook_secret, merchant.pinelabs_redirect_secret, merchant.juspay_response_key].includes(
          await upgraded.ctx.keys.openSecret(value),
        ),
      );
    }
  });

  it("a token signed with the old key (no key id) works until it expires; one signed with any other key doesn't", async () => {
    const nowS = Math.floor(server.clock.now().getTime() / 1000);
    const claims = { sub: merchant.merchant_id, iat: nowS, exp: nowS + 600 };
    const old = createSigner({ key: legacy.token, algorithm: 'HS256' })(claims);
    assert.equal((await call(upgradedUrl, 'GET', `/api/pay/v1/orders/${orderId}`, { token: old })).status, 200);
    const forged = createSigner({ key: randomBytes(32), algorithm: 'HS256' })(claims);
    assert.equal((await call(upgradedUrl, 'GET', `/api/pay/v1/orders/${orderId}`, { token: forged })).status, 401);
    server.clock.advance(11 * 60_000);
    assert.equal((await call(upgradedUrl, 'GET', `/api/pay/v1/orders/${orderId}`, { token: old })).status, 401, 'expired');
  });

  it('what the old fingerprint key computed is removed; a repeat of an old payment replays it, a new payment is fingerprinted', async () => {
    const payments = await server.db.query<{ card_fingerprint: string | null; request_fingerprint: string }>(
      'select card_fingerprint, request_fingerprint from payments',
    );
    assert.ok(payments.every((p) => p.card_fingerprint === null && p.request_fingerprint === 'legacy'));
    const orders = await server.db.query<{ request_fingerprint: string }>('select request_fingerprint from orders');
    assert.ok(orders.every((o) => o.request_fingerprint === 'legacy'));

    const client = await PineLabsClient.login(upgradedUrl, merchant);
    const again = await client.request(
      'POST',
      `/api/pay/v1/orders/${orderId}/payments`,
      cardPayment(paymentReference, 5000, '5555555555554444'),
    );
    assert.equal(again.status, 200, 'a legacy payment cannot be compared: the repeat is answered with the payment as it is');
    assert.equal(again.body.data.payments.length, 1);
    const count = await server.db.query<{ n: number }>('select count(*)::int as n from payments where order_id = $1', [orderId]);
    assert.equal(count[0]!.n, 1, 'no second payment');

    const fresh = await client.authorizedOrder(3000);
    const stored = await server.db.query<{ card_fingerprint: string }>(
      'select card_fingerprint from payments p join orders o on o.id = p.order_id where o.id = $1',
      [fresh],
    );
    assert.equal(stored[0]!.card_fingerprint, upgraded.ctx.keys.cardFingerprint(PAN));
  });
});
