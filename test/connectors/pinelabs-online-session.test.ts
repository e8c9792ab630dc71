/**
 * The Pine Labs Online connector's access tokens, its answers when the upstream is down or refuses
 * its credentials, and its check of the upstream's webhooks — against a real upstream Holdfast, with
 * every request counted on the way (test/helpers/counting-http-proxy.ts).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { TOKEN_TTL_MS } from '../../src/app.js';
import type { CardForAuthorization, GatewayConnector } from '../../src/connectors/gateway.js';
import { createPineLabsOnlineConnector } from '../../src/connectors/pinelabs-online/connector.js';
import type { GatewayAccountCredentials } from '../../src/connectors/upstream.js';
import type { Clock } from '../../src/domain/clock.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-http-proxy.js';
import { startTestServer, TestClock, type TestServer } from '../helpers/test-server.js';
import { WebhookReceiver } from '../webhooks/receiver.js';

const TOKEN_PATH = '/api/auth/v1/token';

const card = (number = '4111111111111111'): CardForAuthorization => ({
  number,
  cvv: '123',
  expiryMonth: '12',
  expiryYear: '2035',
  holderName: null,
  network: 'VISA',
});
const newPaymentId = () => `pay-${randomBytes(6).toString('hex')}`;

function connectorFor(
  baseUrl: string,
  merchant: MerchantCredentials,
  clock: Clock,
  overrides: Partial<GatewayAccountCredentials> = {},
  id = 'gwa_session',
): GatewayConnector {
  return createPineLabsOnlineConnector(
    {
      id,
      merchantId: 'm',
      name: 'pl',
      kind: 'pinelabs-online',
      baseUrl,
      credentials: {
        clientId: merchant.client_id,
        clientSecret: merchant.client_secret,
        redirectKey: merchant.pinelabs_redirect_secret,
        webhookSecret: merchant.webhook_secret,
        ...overrides,
      },
    },
    { publicBaseUrl: 'http://127.0.0.1:1', timeoutMs: 5000, connectTimeoutMs: 3000, clock },
  );
}

describe('pinelabs-online connector: tokens and an upstream that is down or refuses us', () => {
  let upstream: TestServer;
  let merchant: MerchantCredentials;
  let proxy: CountingProxy;
  before(async () => {
    upstream = await startTestServer();
    merchant = await upstream.newMerchant('Token account');
    proxy = await startCountingProxy(upstream.baseUrl);
  });
  after(async () => {
    await proxy.close();
    await upstream.close();
  });

  const sale = async (connector: GatewayConnector) => {
    const paymentId = newPaymentId();
    const outcome = await connector.authorize({ paymentId, amount: 2000, currency: 'INR', card: card(), capture: true });
    assert.equal(outcome.kind, 'approved', JSON.stringify(outcome));
    return { paymentId, orderId: outcome.connectorReference };
  };

  it('one token serves every call until a minute before it expires; then concurrent calls share one refresh', async () => {
    const clock = new TestClock(upstream.clock.now().getTime());
    const connector = connectorFor(proxy.baseUrl, merchant, clock);
    const first = await sale(connector);
    await sale(connector);
    assert.equal(proxy.count('POST', TOKEN_PATH), 1, 'one token for two payments (four calls)');
    // Another connector built for the same account in this process uses the same token.
    await sale(connectorFor(proxy.baseUrl, merchant, clock));
    assert.equal(proxy.count('POST', TOKEN_PATH), 1);

    // Both clocks move together: the upstream's tokens expire by its clock, ours are renewed by ours.
    const advance = (ms: number) => {
      clock.advance(ms);
      upstream.clock.advance(ms);
    };
    advance(TOKEN_TTL_MS - 61_000);
    await connector.inquireAuthorization({ paymentId: first.paymentId, connectorReference: first.orderId, capture: true });
    assert.equal(proxy.count('POST', TOKEN_PATH), 1, 'still more than a minute left');

    advance(2_000);
    const inquiries = await Promise.all(
      [1, 2, 3, 4].map(() =>
        connector.inquireAuthorization({ paymentId: first.paymentId, connectorReference: first.orderId, capture: true }),
      ),
    );
    assert.deepEqual(
      inquiries.map((o) => o.kind),
      ['approved', 'approved', 'approved', 'approved'],
    );
    assert.equal(proxy.count('POST', TOKEN_PATH), 2, 'one refresh for four concurrent calls');
    await connector.inquireAuthorization({ paymentId: first.paymentId, connectorReference: first.orderId, capture: true });
    assert.equal(proxy.count('POST', TOKEN_PATH), 2, 'the refreshed token is kept');
  });

  it('a token the upstream no longer accepts: a fresh one, and the call sent once more', async () => {
    const other = await upstream.newMerchant('Expiring account');
    const clock = new TestClock(upstream.clock.now().getTime());
    const connector = connectorFor(proxy.baseUrl, other, clock);
    const { paymentId, orderId } = await sale(connector);
    const tokensBefore = proxy.count('POST', TOKEN_PATH);
    const readsBefore = proxy.count('GET', `/api/pay/v1/orders/${orderId}`);
    // By the upstream's clock the token has expired; by ours it has not.
    upstream.clock.advance(TOKEN_TTL_MS + 60_000);
    const outcome = await connector.inquireAuthorization({ paymentId, connectorReference: orderId, capture: true });
    assert.equal(outcome.kind, 'approved', JSON.stringify(outcome));
    assert.equal(proxy.count('POST', TOKEN_PATH), tokensBefore + 1);
    assert.equal(proxy.count('GET', `/api/pay/v1/orders/${orderId}`), readsBefore + 2, 'refused once, then answered');
  });

  it('client credentials the upstream refuses: a retryable decline, no order made; operations fail, inquiries stay unknown', async () => {
    const clock = new TestClock(upstream.clock.now().getTime());
    const connector = connectorFor(proxy.baseUrl, merchant, clock, { clientSecret: 'not-the-secret' });
    const ordersBefore = proxy.count('POST', '/api/pay/v1/orders');
    const paymentId = newPaymentId();
    const outcome = await connector.authorize({ paymentId, amount: 2000, currency: 'INR', card: card(), capture: false });
    assert.equal(outcome.kind, 'declined', JSON.stringify(outcome));
    assert.equal(outcome.retryable, true);
    assert.equal(outcome.connectorReference, null);
    assert.equal(outcome.details?.responseCode, 'UNAUTHORIZED');
    assert.equal(proxy.count('POST', '/api/pay/v1/orders'), ordersBefore, 'no order was created');

    const operation = { operationId: 'cap_x', paymentId, connectorReference: 'v1-000000000000-aa-AAAAAA', amount: 2000, currency: 'INR' };
    assert.deepEqual(await connector.capture(operation), {
      kind: 'failed',
      code: 'UNAUTHORIZED',
      message: 'The upstream refused the client credentials: Invalid client credentials',
    });
    assert.equal((await connector.inquire('capture', operation)).kind, 'unknown');
    assert.equal((await connector.inquireAuthorization({ paymentId, connectorReference: null, capture: false })).kind, 'unknown');

    const missing = connectorFor(proxy.baseUrl, merchant, clock, { clientId: '' }, 'gwa_missing');
    const declined = await missing.authorize({ paymentId: newPaymentId(), amount: 2000, currency: 'INR', card: card(), capture: false });
    assert.equal(declined.kind, 'declined');
    assert.equal(declined.retryable, true);
  });

  it('a hard decline is never retryable, whatever the card', async () => {
    const connector = connectorFor(proxy.baseUrl, merchant, new TestClock(upstream.clock.now().getTime()));
    for (const number of ['4000000000000002', '4000000000009995', '4000000000000069']) {
      const outcome = await connector.authorize({
        paymentId: newPaymentId(),
        amount: 2000,
        currency: 'INR',
        card: card(number),
        capture: false,
      });
      assert.equal(outcome.kind, 'declined', number);
      assert.equal(outcome.retryable, undefined, number);
    }
  });

  it('an upstream that is stopped: the authorization was never sent (notSent, no reference); operations and inquiries unknown', async () => {
    const stopped = await startTestServer();
    const stoppedMerchant = await stopped.newMerchant('Gone');
    const baseUrl = stopped.baseUrl;
    await stopped.close();
    const connector = connectorFor(baseUrl, stoppedMerchant, new TestClock());
    const paymentId = newPaymentId();
    const outcome = await connector.authorize({ paymentId, amount: 2000, currency: 'INR', card: card(), capture: false });
    assert.equal(outcome.kind, 'unknown');
    assert.equal(outcome.notSent, true);
    assert.equal(outcome.connectorReference, null);
    const operation = { operationId: 'cap_y', paymentId, connectorReference: 'v1-000000000000-aa-AAAAAA', amount: 2000, currency: 'INR' };
    assert.equal((await connector.capture(operation)).kind, 'unknown');
    assert.equal((await connector.refund(operation)).kind, 'unknown');
    assert.equal((await connector.inquire('refund', operation)).kind, 'unknown');
    const inquired = await connector.inquireAuthorization({ paymentId, connectorReference: null, capture: false });
    assert.equal(inquired.kind, 'unknown', 'an upstream that cannot be asked never ends the attempt');
  });
});

describe("pinelabs-online connector: the upstream's webhooks", () => {
  let upstream: TestServer;
  let receiver: WebhookReceiver;
  let merchant: MerchantCredentials;
  let connector: GatewayConnector;
  before(async () => {
    upstream = await startTestServer();
    receiver = new WebhookReceiver({ now: () => upstream.clock.now() });
    await receiver.start();
    merchant = await upstream.newMerchant('Webhook account', { webhookUrl: `${receiver.url}/hooks` });
    connector = connectorFor(upstream.baseUrl, merchant, upstream.clock, {}, 'gwa_webhooks');
  });
  after(async () => {
    await receiver.stop();
    await upstream.close();
  });

  const flat = (headers: IncomingHttpHeaders) =>
    Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

  /** Delivers what the upstream has due and answers the deliveries that arrived. */
  async function delivered() {
    const before = receiver.requests.length;
    await upstream.runJobs();
    return receiver.requests.slice(before).map((r) => ({ headers: flat(r.headers), rawBody: r.body }));
  }

  it('a webhook the upstream sent verifies: its id, the upstream order and our payment id', async () => {
    const paymentId = newPaymentId();
    const outcome = await connector.authorize({ paymentId, amount: 2100, currency: 'INR', card: card(), capture: false });
    assert.equal(outcome.kind, 'approved');
    const [webhook] = await delivered();
    assert.ok(webhook);
    assert.equal(JSON.parse(webhook.rawBody).event_type, 'ORDER_AUTHORIZED');
    assert.deepEqual(connector.verifyWebhook!(webhook), {
      eventId: webhook.headers['webhook-id'],
      connectorReference: outcome.connectorReference,
      paymentId,
    });

    // Altered, re-dated, signed with another secret, or unsigned: none verifies.
    const altered = webhook.rawBody.replace('"AUTHORIZED"', '"PROCESSED"');
    assert.notEqual(altered, webhook.rawBody);
    assert.equal(connector.verifyWebhook!({ ...webhook, rawBody: altered }), null);
    const later = String(Number(webhook.headers['webhook-timestamp']) + 1);
    assert.equal(connector.verifyWebhook!({ headers: { ...webhook.headers, 'webhook-timestamp': later }, rawBody: webhook.rawBody }), null);
    const other = await upstream.newMerchant('Someone else');
    const forged = new Webhook(other.webhook_secret).sign(webhook.headers['webhook-id']!, upstream.clock.now(), webhook.rawBody);
    assert.equal(
      connector.verifyWebhook!({ headers: { ...webhook.headers, 'webhook-signature': forged }, rawBody: webhook.rawBody }),
      null,
    );
    const unsigned = Object.fromEntries(Object.entries(webhook.headers).filter(([name]) => name !== 'webhook-signature'));
    assert.equal(connector.verifyWebhook!({ headers: unsigned, rawBody: webhook.rawBody }), null);
    const withoutSecret = connectorFor(upstream.baseUrl, merchant, upstream.clock, { webhookSecret: '' }, 'gwa_webhooks');
    assert.equal(withoutSecret.verifyWebhook!(webhook), null);
  });

  it('five minutes either way by the connector’s clock, as Standard Webhooks says', async () => {
    const paymentId = newPaymentId();
    assert.equal((await connector.authorize({ paymentId, amount: 2200, currency: 'INR', card: card(), capture: false })).kind, 'approved');
    const [webhook] = await delivered();
    assert.ok(webhook);
    const sentAt = Number(webhook.headers['webhook-timestamp']) * 1000;
    const at = (offsetMs: number) => connectorFor(upstream.baseUrl, merchant, new TestClock(sentAt + offsetMs), {}, 'gwa_webhooks');
    assert.ok(at(299_000).verifyWebhook!(webhook));
    assert.ok(at(-299_000).verifyWebhook!(webhook));
    assert.equal(at(301_000).verifyWebhook!(webhook), null, 'too old');
    assert.equal(at(-301_000).verifyWebhook!(webhook), null, 'too new');
  });

  it('several signatures (a secret being rotated): one that verifies is enough', async () => {
    const body = JSON.stringify({ event_type: 'ORDER_PROCESSED', data: { order_id: 'v1-1-aa-x', merchant_order_reference: 'pay-1' } });
    const now = upstream.clock.now();
    const headers = {
      'webhook-id': 'msg_rotation',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': `${new Webhook((await upstream.newMerchant('Old')).webhook_secret).sign('msg_rotation', now, body)} ${new Webhook(merchant.webhook_secret).sign('msg_rotation', now, body)}`,
    };
    assert.deepEqual(connector.verifyWebhook!({ headers, rawBody: body }), {
      eventId: 'msg_rotation',
      connectorReference: 'v1-1-aa-x',
      paymentId: 'pay-1',
    });
  });

  it("a refund's webhook names the payment's upstream order, not the refund's reference", async () => {
    const paymentId = newPaymentId();
    const sale = await connector.authorize({ paymentId, amount: 5000, currency: 'INR', card: card(), capture: true });
    assert.equal(sale.kind, 'approved');
    await delivered();
    const refund = await connector.refund({
      operationId: 'rfd_webhook',
      paymentId,
      connectorReference: sale.connectorReference,
      amount: 1000,
      currency: 'INR',
    });
    assert.equal(refund.kind, 'succeeded');
    const webhook = (await delivered()).find((w) => JSON.parse(w.rawBody).event_type === 'REFUND_PROCESSED');
    assert.ok(webhook);
    assert.deepEqual(connector.verifyWebhook!(webhook), {
      eventId: webhook.headers['webhook-id'],
      connectorReference: sale.connectorReference,
      paymentId: null,
    });
  });
});
