import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { adminClient } from '../helpers/admin.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { WebhookReceiver } from '../webhooks/receiver.js';

interface EventBody {
  id: string;
  merchant_id: string;
  order_id: string;
  dialect: string;
  event_type: string;
  created_at: string;
  delivered_at: string | null;
  gave_up_at: string | null;
  attempts_count: number;
  last_status_code: number | null;
}

describe('admin API: webhook events', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  const down = { maintenance: false };
  let shopA: MerchantCredentials;
  let shopB: MerchantCredentials;
  let shopDown: MerchantCredentials;
  const orders: Record<string, string[]> = {};

  const ids = (events: EventBody[]) => events.map((e) => e.id);

  before(async () => {
    // Attempts after 1 s, 2 s and 5 s: four in all before an event is given up on.
    server = await startTestServer({ HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '1s,2s,5s' });
    receiver = new WebhookReceiver({ now: () => server.clock.now(), unavailable: () => down.maintenance });
    await receiver.start();
    shopA = await server.newMerchant('Shop A', { webhookUrl: `${receiver.url}/a` });
    shopB = await server.newMerchant('Shop B', { webhookUrl: `${receiver.url}/b` });
    for (const [shop, count] of [
      [shopA, 2],
      [shopB, 1],
    ] as const) {
      const client = await PineLabsClient.login(server.baseUrl, shop);
      orders[shop.merchant_id] = [];
      for (let i = 0; i < count; i++) orders[shop.merchant_id]!.push(await client.authorizedOrder(1000 + i));
    }
    await server.runJobs();
    // A merchant whose endpoint answers 503 past the whole schedule: its event is given up on.
    shopDown = await server.newMerchant('Shop down', { webhookUrl: `${receiver.url}/down` });
    down.maintenance = true;
    orders[shopDown.merchant_id] = [await (await PineLabsClient.login(server.baseUrl, shopDown)).authorizedOrder(900)];
    for (let i = 0; i < 10; i++) {
      await server.runJobs();
      server.clock.advance(3000);
    }
    down.maintenance = false;
  });
  after(async () => {
    await server.close();
    await receiver.stop();
  });

  it('lists events newest first with their delivery state, filtered by merchant, order and status, page by page', async () => {
    const viewer = await adminClient(server, 'viewer');
    const all = await viewer.get('/webhooks/events');
    assert.equal(all.status, 200);
    assert.equal(all.body.next_cursor, null);
    const events = all.body.data as EventBody[];
    assert.ok(events.length >= 4);
    assert.deepEqual(
      events.map((e) => e.created_at),
      events
        .map((e) => e.created_at)
        .sort()
        .reverse(),
    );

    const ofA = (await viewer.get(`/webhooks/events?merchant_id=${shopA.merchant_id}`)).body.data as EventBody[];
    assert.ok(ofA.length >= 2 && ofA.every((e) => e.merchant_id === shopA.merchant_id));
    const delivered = ofA[0]!;
    assert.equal(delivered.dialect, 'pinelabs');
    assert.ok(delivered.delivered_at);
    assert.equal(delivered.gave_up_at, null);
    assert.equal(delivered.attempts_count, 1);
    assert.equal(delivered.last_status_code, 200);

    const orderId = orders[shopB.merchant_id]![0]!;
    const ofOrder = (await viewer.get(`/webhooks/events?order_id=${orderId}`)).body.data as EventBody[];
    assert.ok(ofOrder.length >= 1 && ofOrder.every((e) => e.order_id === orderId));

    const failed = (await viewer.get('/webhooks/events?status=failed')).body.data as EventBody[];
    assert.ok(failed.length >= 1);
    assert.ok(failed.every((e) => e.merchant_id === shopDown.merchant_id && e.gave_up_at && !e.delivered_at));
    assert.equal(failed[0]!.attempts_count, 4);
    assert.equal(failed[0]!.last_status_code, 503);
    const deliveredOnly = (await viewer.get('/webhooks/events?status=delivered')).body.data as EventBody[];
    assert.ok(deliveredOnly.every((e) => e.delivered_at));
    assert.deepEqual((await viewer.get('/webhooks/events?status=pending')).body.data, []);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await viewer.get(`/webhooks/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      assert.ok(page.body.data.length <= 2);
      pages.push(...ids(page.body.data));
      cursor = page.body.next_cursor;
    } while (cursor);
    assert.deepEqual(pages, ids(events), 'the pages together are the whole list, once each');

    for (const query of ['limit=0', 'limit=101', 'status=lost', 'cursor=bm9wZQ', 'colour=red']) {
      const refused = await viewer.get(`/webhooks/events?${query}`);
      assert.equal(refused.status, 400, query);
      assert.equal(refused.body.error, 'bad_request');
    }
  });

  it('shows one event with its body and every attempt', async () => {
    const viewer = await adminClient(server, 'viewer');
    const [event] = (await viewer.get(`/webhooks/events?merchant_id=${shopDown.merchant_id}`)).body.data as EventBody[];
    const detail = await viewer.get(`/webhooks/events/${event!.id}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.id, event!.id);
    assert.equal(detail.body.order_id, orders[shopDown.merchant_id]![0]);
    assert.equal(detail.body.payload.event_type, detail.body.event_type);
    assert.equal(detail.body.attempts.length, 4);
    for (const attempt of detail.body.attempts) {
      assert.equal(attempt.url, `${receiver.url}/down`);
      assert.equal(attempt.status_code, 503);
      assert.equal(attempt.response_excerpt, 'maintenance');
      assert.equal(typeof attempt.latency_ms, 'number');
    }
    assert.equal((await viewer.get('/webhooks/events/evt_nope')).status, 404);
  });

  it('keeps a limited operator to its merchants: other events are absent from lists and answer 404', async () => {
    const limited = await adminClient(server, 'support', [shopA.merchant_id]);
    const listed = (await limited.get('/webhooks/events')).body.data as EventBody[];
    assert.ok(listed.length >= 2 && listed.every((e) => e.merchant_id === shopA.merchant_id));
    assert.deepEqual((await limited.get(`/webhooks/events?merchant_id=${shopB.merchant_id}`)).body.data, []);
    const viewer = await adminClient(server, 'viewer');
    const [ofB] = (await viewer.get(`/webhooks/events?merchant_id=${shopB.merchant_id}`)).body.data as EventBody[];
    const hidden = await limited.get(`/webhooks/events/${ofB!.id}`);
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.error, 'not_found');
    assert.equal((await limited.post(`/webhooks/events/${ofB!.id}/replay`)).status, 404);
    assert.equal(receiver.requestsFor(ofB!.id).length, 1);
  });

  it('replays an event under the same id: 202, then a new attempt is recorded and the receiver gets it again', async () => {
    const viewer = await adminClient(server, 'viewer');
    const [event] = (await viewer.get(`/webhooks/events?merchant_id=${shopDown.merchant_id}`)).body.data as EventBody[];
    const forbidden = await viewer.post(`/webhooks/events/${event!.id}/replay`);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error, 'forbidden');
    assert.equal(await server.runJobs(), 0, 'nothing was queued');

    const support = await adminClient(server, 'support');
    const response = await fetch(`${server.baseUrl}/admin/v1/webhooks/events/${event!.id}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${support.token}`, 'request-id': 'req-replay-1' },
    });
    const replayed = { status: response.status, body: (await response.json()) as EventBody };
    assert.equal(replayed.status, 202);
    assert.equal(replayed.body.id, event!.id);
    assert.equal(replayed.body.delivered_at, null);
    assert.equal(replayed.body.gave_up_at, null);
    assert.equal(replayed.body.attempts_count, 4);

    await server.runJobs();
    const after = await viewer.get(`/webhooks/events/${event!.id}`);
    assert.equal(after.body.attempts.length, 5);
    assert.equal(after.body.attempts.at(-1).status_code, 200);
    assert.ok(after.body.delivered_at);
    assert.equal(after.body.last_status_code, 200);
    const sent = receiver.requestsFor(event!.id);
    assert.equal(sent.at(-1)!.status, 200);
    assert.ok(sent.every((r) => r.id === event!.id));

    const audit = await server.db.query<{ action: string; merchant_id: string; request_id: string }>(
      'select action, merchant_id, request_id from audit_log where target_id = $1',
      [event!.id],
    );
    assert.deepEqual(audit, [{ action: 'webhook.replay', merchant_id: shopDown.merchant_id, request_id: 'req-replay-1' }]);
  });
});
