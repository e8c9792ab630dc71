import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { CARDS, JuspayHttp } from '../juspay/helpers/juspay-http.js';
import { causalTypes, DB, type EventRow } from './helpers/delivery.js';
import { WebhookReceiver } from './receiver.js';

describe(`webhooks for outcomes settled by background jobs (${DB})`, () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let merchant: MerchantCredentials;
  before(async () => {
    server = await startTestServer({ HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '1s,2s,5s' });
    receiver = new WebhookReceiver({ now: () => server.clock.now(), secretFor: () => merchant.webhook_secret });
    await receiver.start();
    merchant = await server.newMerchant('Slow gateway', { webhookUrl: `${receiver.url}/hooks` });
  });
  after(async () => {
    await receiver.stop();
    await server.close();
  });

  const typesOf = async (orderId: string) =>
    (await server.db.query<EventRow>('select * from webhook_events where order_id = $1 order by created_at', [orderId])).map(
      (e) => e.event_type,
    );
  const bodyOf = async (orderId: string, type: string) => {
    const [event] = await server.db.query<EventRow>('select * from webhook_events where order_id = $1 and event_type = $2', [
      orderId,
      type,
    ]);
    assert.ok(event, `${type} for ${orderId}`);
    const received = receiver.processed.get(event.id);
    assert.ok(received, `${type} delivered`);
    return JSON.parse(received.body);
  };

  it('a pending capture or void resolved by the status sync, a timed-out capture, and the auto-void raise their events, delivered', async () => {
    const pineLabs = await PineLabsClient.login(server.baseUrl, merchant);
    const juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
    const capturePending = await pineLabs.authorizedOrder(3000, CARDS.capturePending);
    await pineLabs.capture(capturePending, { merchant_capture_reference: uniqueRef('cap') });
    const voidPending = await pineLabs.authorizedOrder(3000, CARDS.voidPending);
    await pineLabs.cancel(voidPending);
    const captureTimesOut = await juspay.authorizedOrder('30.00', CARDS.captureTimesOut);
    await juspay.capture(captureTimesOut.txnUuid);
    const neverCaptured = await pineLabs.authorizedOrder(3000);
    const neverCapturedJp = await juspay.authorizedOrder('30.00');
    server.clock.advance(1000);
    await server.runJobs();
    assert.deepEqual(await typesOf(capturePending), ['ORDER_AUTHORIZED'], 'pending: nothing to tell yet');
    assert.deepEqual(await typesOf(voidPending), ['ORDER_AUTHORIZED']);

    server.clock.advance(60_000); // past the first status inquiry
    await server.runJobs();
    assert.deepEqual(await typesOf(capturePending), ['ORDER_AUTHORIZED', 'ORDER_PROCESSED']);
    assert.equal((await bodyOf(capturePending, 'ORDER_PROCESSED')).data.status, 'PROCESSED');
    assert.deepEqual(await typesOf(voidPending), ['ORDER_AUTHORIZED', 'ORDER_CANCELLED']);
    assert.equal((await bodyOf(voidPending, 'ORDER_CANCELLED')).data.status, 'CANCELLED');
    assert.equal(
      causalTypes(await server.db.query<EventRow>('select * from webhook_events where order_id = $1', [captureTimesOut.id]), [
        'TXN_CREATED',
        'ORDER_AUTHORIZED',
        'ORDER_SUCCEEDED',
      ]).join(),
      'TXN_CREATED,ORDER_AUTHORIZED,ORDER_SUCCEEDED',
    );
    assert.equal((await bodyOf(captureTimesOut.id, 'ORDER_SUCCEEDED')).content.order.status, 'CHARGED');

    server.clock.advance(7 * 24 * 3_600_000); // the capture window closes
    await server.runJobs();
    assert.deepEqual(await typesOf(neverCaptured), ['ORDER_AUTHORIZED', 'ORDER_CANCELLED']);
    assert.equal((await bodyOf(neverCaptured, 'ORDER_CANCELLED')).data.status, 'CANCELLED');
    assert.equal((await typesOf(neverCapturedJp.id)).at(-1), 'ORDER_VOIDED');
    assert.equal((await bodyOf(neverCapturedJp.id, 'ORDER_VOIDED')).content.order.status, 'VOIDED');

    const undelivered = await server.db.query('select * from webhook_events where delivered_at is null');
    assert.deepEqual(undelivered, []);
    assert.ok(
      receiver.requests.every((r) => r.outcome === 'processed'),
      'each sent once, signature verified',
    );
  });
});
