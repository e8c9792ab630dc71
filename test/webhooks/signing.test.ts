import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { verifyAt, WebhookReceiver } from './receiver.js';

/** The worked example of the Standard Webhooks signature that Pine Labs publishes for its webhooks. */
const EXAMPLE = {
  secret: 'YWJjMTIzNA==', // base64 of "abc1234"
  id: 'msg_2nEfCaUDn9fynC9Kz2upo1QSydl',
  timestamp: 1728543028,
  body: '{"payload":"payload"}',
  signature: 'v1,Ns46HrH+Nfu9dZtBUVvSLyrOD5JH0SAGlNo3M5yobfQ=',
};
const exampleHeaders = (signature = EXAMPLE.signature) => ({
  'webhook-id': EXAMPLE.id,
  'webhook-timestamp': String(EXAMPLE.timestamp),
  'webhook-signature': signature,
});
const atExampleTime = new Date(EXAMPLE.timestamp * 1000);

describe('Standard Webhooks signing: the published worked example', () => {
  it('the standardwebhooks package signs the example exactly as published', () => {
    // The package takes the secret as base64, with or without the whsec_ prefix, and HMACs with the decoded bytes.
    for (const secret of [EXAMPLE.secret, `whsec_${EXAMPLE.secret}`]) {
      assert.equal(new Webhook(secret).sign(EXAMPLE.id, atExampleTime, EXAMPLE.body), EXAMPLE.signature, secret);
    }
    // format: 'raw' takes the key bytes themselves.
    assert.equal(new Webhook('abc1234', { format: 'raw' }).sign(EXAMPLE.id, atExampleTime, EXAMPLE.body), EXAMPLE.signature);
    // The scheme spelled out: HMAC-SHA256 over "id.timestamp.body" keyed with the base64-decoded secret.
    const hmac = createHmac('sha256', Buffer.from(EXAMPLE.secret, 'base64'))
      .update(`${EXAMPLE.id}.${EXAMPLE.timestamp}.${EXAMPLE.body}`)
      .digest('base64');
    assert.equal(`v1,${hmac}`, EXAMPLE.signature);
  });

  it('verifies with new Webhook(secret).verify at the example time, and parses the body', () => {
    assert.deepEqual(verifyAt(EXAMPLE.secret, EXAMPLE.body, exampleHeaders(), atExampleTime), { payload: 'payload' });
    assert.deepEqual(verifyAt(`whsec_${EXAMPLE.secret}`, EXAMPLE.body, exampleHeaders(), new Date(atExampleTime.getTime() + 299_000)), {
      payload: 'payload',
    });
    // Several space-separated signatures (key rotation): one matching v1 is enough.
    assert.deepEqual(
      verifyAt(EXAMPLE.secret, EXAMPLE.body, exampleHeaders(`v1,bm90IGl0 v2,whatever ${EXAMPLE.signature}`), atExampleTime),
      { payload: 'payload' },
    );
  });

  it('rejects a changed body, id, timestamp or secret, and a timestamp outside the 5-minute tolerance', () => {
    const rejects = (fn: () => unknown, message: RegExp) => {
      assert.throws(fn, (e: unknown) => e instanceof WebhookVerificationError && message.test(e.message));
    };
    rejects(() => verifyAt(EXAMPLE.secret, '{"payload":"payloaD"}', exampleHeaders(), atExampleTime), /No matching signature/);
    rejects(
      () => verifyAt(EXAMPLE.secret, EXAMPLE.body, { ...exampleHeaders(), 'webhook-id': 'msg_other' }, atExampleTime),
      /No matching signature/,
    );
    rejects(
      () =>
        verifyAt(EXAMPLE.secret, EXAMPLE.body, { ...exampleHeaders(), 'webhook-timestamp': String(EXAMPLE.timestamp + 1) }, atExampleTime),
      /No matching signature/,
    );
    rejects(
      () => verifyAt(Buffer.from('abc1235').toString('base64'), EXAMPLE.body, exampleHeaders(), atExampleTime),
      /No matching signature/,
    );
    rejects(() => verifyAt(EXAMPLE.secret, EXAMPLE.body, exampleHeaders(), new Date(atExampleTime.getTime() + 301_000)), /too old/);
    rejects(() => verifyAt(EXAMPLE.secret, EXAMPLE.body, exampleHeaders(), new Date(atExampleTime.getTime() - 301_000)), /too new/);
    rejects(() => verifyAt(EXAMPLE.secret, EXAMPLE.body, { 'webhook-id': EXAMPLE.id }, atExampleTime), /Missing required headers/);
  });
});

describe('a delivered Holdfast webhook verifies with the merchant webhook_secret', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let merchant: MerchantCredentials;
  let client: PineLabsClient;
  before(async () => {
    server = await startTestServer({ HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '1s,2s' });
    receiver = new WebhookReceiver({ now: () => server.clock.now() });
    await receiver.start();
    merchant = await server.newMerchant('Signing merchant', { webhookUrl: `${receiver.url}/hooks` });
    client = await PineLabsClient.login(server.baseUrl, merchant);
  });
  after(async () => {
    await receiver.stop();
    await server.close();
  });

  it('the secret handed out is a Standard Webhooks secret: whsec_ + base64 of 24 random bytes', () => {
    assert.match(merchant.webhook_secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.equal(Buffer.from(merchant.webhook_secret.slice('whsec_'.length), 'base64').length, 24);
  });

  it('signs webhook-id, webhook-timestamp and the exact body; the package verifies it', async () => {
    const orderId = await client.authorizedOrder(2000);
    assert.equal(await server.runJobs(), 1);
    assert.equal(receiver.requests.length, 1);
    const [request] = receiver.requests;
    const headers = request!.headers;
    assert.match(String(headers['webhook-id']), /^msg_[A-Za-z0-9]{27}$/);
    assert.equal(headers['webhook-timestamp'], String(Math.floor(server.clock.now().getTime() / 1000)));
    assert.match(String(headers['webhook-signature']), /^v1,[A-Za-z0-9+/]{43}=$/);
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(headers.authorization, undefined, 'no Basic credentials unless the merchant set them');

    const parsed = verifyAt(merchant.webhook_secret, request!.body, headers, server.clock.now()) as {
      event_type: string;
      data: { order_id: string };
    };
    assert.equal(parsed.event_type, 'ORDER_AUTHORIZED');
    assert.equal(parsed.data.order_id, orderId);

    // The same computation by hand, as Pine Labs describes it to its merchants: HMAC-SHA256 of "id.timestamp.body".
    const key = Buffer.from(merchant.webhook_secret.slice('whsec_'.length), 'base64');
    const hmac = createHmac('sha256', key)
      .update(`${String(headers['webhook-id'])}.${headers['webhook-timestamp']}.${request!.body}`)
      .digest('base64');
    assert.equal(headers['webhook-signature'], `v1,${hmac}`);

    // Another merchant's secret does not verify it.
    const other = await server.newMerchant('Someone else');
    assert.throws(() => verifyAt(other.webhook_secret, request!.body, headers, server.clock.now()), WebhookVerificationError);
  });

  it('a retry carries the same webhook-id and body, signed again with the time of that attempt', async () => {
    await receiver.stop();
    const orderId = await client.authorizedOrder(3000);
    assert.equal(await server.runJobs(), 1, 'first attempt: the receiver is down');
    await receiver.start();
    server.clock.advance(10 * 60_000); // past the 5-minute tolerance of the first attempt's timestamp
    const before = receiver.requests.length;
    assert.equal(await server.runJobs(), 1);
    const retry = receiver.requests.slice(before);
    assert.equal(retry.length, 1);
    const request = retry[0]!;
    assert.equal(request.headers['webhook-timestamp'], String(Math.floor(server.clock.now().getTime() / 1000)));
    const parsed = verifyAt(merchant.webhook_secret, request.body, request.headers, server.clock.now()) as { data: { order_id: string } };
    assert.equal(parsed.data.order_id, orderId);
    const attempts = await server.db.query<{ status_code: number | null; error: string | null }>(
      'select status_code, error from webhook_attempts where event_id = $1 order by id',
      [request.id],
    );
    assert.equal(attempts.length, 2);
    assert.equal(attempts[0]!.status_code, null);
    assert.ok(attempts[0]!.error, 'the refused connection is recorded');
    assert.equal(attempts[1]!.status_code, 200);
  });
});
