import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listWebhookEvents } from '../../src/store/webhooks-repository.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { CARDS, JuspayHttp } from '../juspay/helpers/juspay-http.js';
import { DB } from './helpers/delivery.js';
import { WebhookReceiver } from './receiver.js';

describe(`webhook events of one order list in causal order (${DB})`, () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  before(async () => {
    server = await startTestServer();
    receiver = new WebhookReceiver();
    await receiver.start();
  });
  after(async () => {
    await receiver.stop();
    await server.close();
  });

  it('even when events share a clock reading (TXN_CREATED / ORDER_AUTHORIZED of one request; PAYMENT_FAILED / ORDER_FAILED of one transaction)', async () => {
    const merchant = await server.newMerchant('Same tick', { webhookUrl: `${receiver.url}/hooks` });
    const juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
    const pineLabs = await PineLabsClient.login(server.baseUrl, merchant);
    const wrong: string[] = [];
    for (let i = 0; i < 8; i++) {
      const order = await juspay.authorizedOrder('10.00');
      const listed = (await listWebhookEvents(server.db, { orderId: order.id, limit: 10 })).map((e) => e.eventType).reverse();
      if (listed.join() !== 'TXN_CREATED,ORDER_AUTHORIZED') wrong.push(`${order.id}: ${listed.join()}`);
    }
    for (let i = 0; i < 4; i++) {
      const orderId = (await pineLabs.createOrder(1000)).body.data.order_id as string;
      for (let n = 0; n < 3; n++) await pineLabs.pay(orderId, 1000, CARDS.declined);
      const listed = (await listWebhookEvents(server.db, { orderId, limit: 10 })).map((e) => e.eventType).reverse();
      if (listed.join() !== 'PAYMENT_FAILED,PAYMENT_FAILED,PAYMENT_FAILED,ORDER_FAILED') wrong.push(`${orderId}: ${listed.join()}`);
    }
    assert.deepEqual(wrong, [], 'oldest first, as they happened');
  });
});
