import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setWebhookEndpoint } from '../../src/store/webhooks-repository.js';
import { enqueueWebhookDelivery } from '../../src/webhooks/outbox.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { DB, type AttemptRow, type EventRow } from './helpers/delivery.js';
import { verifyAt, WebhookReceiver } from './receiver.js';

/**
 * A receiver down past the whole retry schedule (1s, 2s, 5s: four attempts), then a URL change
 * and a replay. Each test has a merchant, a receiver and an order of its own.
 */
describe(`webhook give-up, URL change and replay (${DB})`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '1s,2s,5s' });
  });
  after(() => server.close());

  /** What `holdfast webhooks replay EVENT_ID` does (src/cli/webhooks.ts), on the test database. */
  const replay = (eventId: string) =>
    server.db.transaction(async (tx) => {
      await tx.query('update webhook_events set delivered_at = null, gave_up_at = null where id = $1', [eventId]);
      await enqueueWebhookDelivery(tx, eventId, server.config.webhookRetryScheduleMs, server.clock.now());
    });

  /**
   * A new merchant whose endpoint answers 503 while `endpoint.maintenance` is true, one authorized
   * order (one ORDER_AUTHORIZED event), and the delivery jobs run for 60 s of test-clock time: past
   * the whole schedule. The caller stops the receiver.
   */
  async function downPastSchedule() {
    const endpoint = { maintenance: true };
    const receiver = new WebhookReceiver({ now: () => server.clock.now(), unavailable: () => endpoint.maintenance });
    await receiver.start();
    const merchant = await server.newMerchant('Down for long', { webhookUrl: `${receiver.url}/old` });
    const client = await PineLabsClient.login(server.baseUrl, merchant);
    const orderId = await client.authorizedOrder(1200);
    for (let i = 0; i < 20; i++) {
      await server.runJobs();
      server.clock.advance(3000);
    }
    const [event] = await server.db.query<EventRow>('select * from webhook_events where order_id = $1', [orderId]);
    assert.ok(event);
    return { endpoint, receiver, merchant, event };
  }

  it('a receiver down past the whole schedule: 4 attempts, then the event is marked gave up', async () => {
    const { receiver, event } = await downPastSchedule();
    try {
      assert.equal(event.delivered_at, null);
      assert.ok(event.gave_up_at, 'gave_up_at is set');
      const attempts = await server.db.query<AttemptRow>('select * from webhook_attempts where event_id = $1 order by id', [event.id]);
      assert.equal(attempts.length, 4, 'one attempt plus one per delay of 1s,2s,5s');
      assert.ok(attempts.every((a) => a.status_code === 503 && a.response_excerpt === 'maintenance'));
      const [job] = await server.db.query<{ failed_at: Date | null; attempts: number; last_error: string }>(
        'select failed_at, attempts, last_error from jobs where job_key = $1',
        [`webhook:${event.id}`],
      );
      assert.ok(job?.failed_at, 'the job stays, failed, for inspection');
      assert.match(job.last_error, /503/);
      assert.equal(await server.runJobs(), 0, 'nothing retries by itself after giving up');
      assert.equal(receiver.requests.length, 4);
    } finally {
      await receiver.stop();
    }
  });

  it('a changed URL applies to later attempts; a replay delivers the event under the same id', async () => {
    const { endpoint, receiver, merchant, event } = await downPastSchedule();
    try {
      assert.ok(event.gave_up_at, 'the event was given up');
      endpoint.maintenance = false;
      // Changeable: the merchant moves its endpoint (`holdfast merchant set-webhook`).
      assert.ok(await setWebhookEndpoint(server.db, merchant.merchant_id, `${receiver.url}/new`, undefined));
      await replay(event.id);
      const [queued] = await server.db.query<EventRow>('select * from webhook_events where id = $1', [event.id]);
      assert.equal(queued!.gave_up_at, null);
      assert.equal(
        (await server.db.query('select * from jobs where job_key = $1 and failed_at is null and attempts = 0', [`webhook:${event.id}`]))
          .length,
        1,
      );
      assert.equal(await server.runJobs(), 1);
      const request = receiver.requests.at(-1)!;
      assert.equal(request.path, '/new');
      assert.equal(request.id, event.id, 'the same webhook-id');
      assert.equal(request.body, event.payload, 'the same body');
      assert.equal(request.outcome, 'processed');
      verifyAt(merchant.webhook_secret, request.body, request.headers, request.at);
      const [delivered] = await server.db.query<EventRow>('select * from webhook_events where id = $1', [event.id]);
      assert.ok(delivered!.delivered_at);
      assert.equal(delivered!.gave_up_at, null);
      assert.equal((await server.db.query('select * from jobs where job_key = $1', [`webhook:${event.id}`])).length, 0);

      // Replaying a delivered event sends it again, same id: the receiver drops the duplicate.
      server.clock.advance(60_000);
      await replay(event.id);
      assert.equal(await server.runJobs(), 1);
      const again = receiver.requests.at(-1)!;
      assert.equal(again.id, event.id);
      assert.equal(again.outcome, 'duplicate');
      assert.equal(receiver.processed.size, 1);
      verifyAt(merchant.webhook_secret, again.body, again.headers, again.at);
      const attempts = await server.db.query<AttemptRow>('select * from webhook_attempts where event_id = $1 order by id', [event.id]);
      assert.deepEqual(
        attempts.map((a) => a.status_code),
        [503, 503, 503, 503, 200, 200],
      );
      assert.deepEqual(
        attempts.map((a) => new URL(a.url).pathname),
        ['/old', '/old', '/old', '/old', '/new', '/new'],
      );
    } finally {
      await receiver.stop();
    }
  });
});
