import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { orderDetail } from '../../src/core/admin/order-detail.js';
import {
  pruneWebhookAttempts,
  RETENTION_INTERVAL_MS,
  scheduleRetention,
  retentionJobKey,
  type RetentionPolicy,
} from '../../src/core/retention.js';
import { findWebhookEventDetail } from '../../src/store/webhook-events-admin-repository.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { DB } from './helpers/delivery.js';
import { WebhookReceiver } from './receiver.js';

const DAY = 86_400_000;

/**
 * HOLDFAST_WEBHOOK_ATTEMPT_RETENTION (30 days here, the default): the delivery attempts of an event
 * delivered longer ago are deleted in batches, counted on the event, and shown as pruned by the
 * admin API; attempts of events not delivered, and of events delivered within the window, stay.
 * The tests run in order on one server, the clock moving forward.
 */
describe(`webhook attempt retention (${DB})`, () => {
  let server: TestServer;
  const receivers: WebhookReceiver[] = [];
  const policy: RetentionPolicy = { webhookAttemptRetentionMs: 30 * DAY };
  /** Delivered at the third attempt, then left 31 days behind. */
  let oldDelivered: { orderId: string; eventId: string };
  /** Never delivered (the receiver is always down), given up after 4 attempts, also 31 days old. */
  let givenUp: { orderId: string; eventId: string };
  /** Delivered at its first attempt, just now. */
  let recent: { orderId: string; eventId: string };

  const attemptsOf = async (eventId: string) =>
    (await server.db.query<{ n: number }>('select count(*)::int as n from webhook_attempts where event_id = $1', [eventId]))[0]!.n;
  const prunedOf = async (eventId: string) =>
    (await server.db.query<{ n: number }>('select attempts_pruned as n from webhook_events where id = $1', [eventId]))[0]!.n;
  const eventOf = async (orderId: string) => {
    const [event] = await server.db.query<{ id: string }>('select id from webhook_events where order_id = $1', [orderId]);
    assert.ok(event, `an event for ${orderId}`);
    return { orderId, eventId: event.id };
  };

  /** A merchant whose receiver answers 503 while `down()` says so, and one authorized order (one event). */
  async function orderWithReceiver(name: string, down: () => boolean) {
    const receiver = new WebhookReceiver({ now: () => server.clock.now(), unavailable: down });
    await receiver.start();
    receivers.push(receiver);
    const merchant = await server.newMerchant(name, { webhookUrl: `${receiver.url}/hooks` });
    const client = await PineLabsClient.login(server.baseUrl, merchant);
    return eventOf(await client.authorizedOrder(1500));
  }

  /** Runs the due jobs for `seconds` of test-clock time. */
  async function deliverFor(seconds: number) {
    for (let s = 0; s < seconds; s++) {
      await server.runJobs();
      server.clock.advance(1000);
    }
  }

  before(async () => {
    server = await startTestServer({ HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '1s,2s,5s', HOLDFAST_WEBHOOK_ATTEMPT_RETENTION: '30d' });
    let failures = 2;
    oldDelivered = await orderWithReceiver('Delivered at the third try', () => failures-- > 0);
    givenUp = await orderWithReceiver('Always down', () => true);
    await deliverFor(20);
    server.clock.advance(31 * DAY);
    recent = await orderWithReceiver('Delivered at once', () => false);
    await deliverFor(2);
  });
  after(async () => {
    await server.close();
    for (const receiver of receivers) await receiver.stop();
  });

  it('the starting point: 3 attempts delivered 31 days ago, 4 given up, 1 delivered now, none pruned', async () => {
    const delivered = await server.db.query<{ id: string; delivered: boolean }>(
      'select id, delivered_at is not null as delivered from webhook_events where id = any($1::text[]) order by id',
      [[oldDelivered.eventId, givenUp.eventId, recent.eventId]],
    );
    assert.deepEqual(Object.fromEntries(delivered.map((r) => [r.id, r.delivered])), {
      [oldDelivered.eventId]: true,
      [givenUp.eventId]: false,
      [recent.eventId]: true,
    });
    assert.equal(await attemptsOf(oldDelivered.eventId), 3);
    assert.equal(await attemptsOf(givenUp.eventId), 4);
    assert.equal(await attemptsOf(recent.eventId), 1);
  });

  it('prunes in batches only the attempts of events delivered before the window, counting them; again prunes nothing', async () => {
    const batchOfTwo = { ...policy, batchSize: 2, batchesPerRun: 1 };
    assert.deepEqual(await pruneWebhookAttempts(server.app.ctx, batchOfTwo), { pruned: 2, more: true }, 'one full batch: more may be left');
    assert.equal(await attemptsOf(oldDelivered.eventId), 1);
    assert.equal(await prunedOf(oldDelivered.eventId), 2);
    assert.deepEqual(await pruneWebhookAttempts(server.app.ctx, batchOfTwo), { pruned: 1, more: false });
    assert.equal(await attemptsOf(oldDelivered.eventId), 0);
    assert.equal(await prunedOf(oldDelivered.eventId), 3);

    assert.deepEqual(await pruneWebhookAttempts(server.app.ctx, batchOfTwo), { pruned: 0, more: false }, 'idempotent');
    assert.equal(await prunedOf(oldDelivered.eventId), 3, 'counted once');
    assert.equal(await attemptsOf(givenUp.eventId), 4, 'an event never delivered keeps its attempts, however old');
    assert.equal(await prunedOf(givenUp.eventId), 0);
    assert.equal(await attemptsOf(recent.eventId), 1, 'an event delivered within the window keeps its attempts');
  });

  it('the admin API shows that attempts were pruned, and still counts them', async () => {
    const detail = await orderDetail(server.app.ctx, oldDelivered.orderId);
    const webhook = detail?.webhooks.find((w) => w.id === oldDelivered.eventId);
    assert.ok(webhook?.delivered_at, 'the event itself stays, delivered');
    assert.deepEqual(webhook.attempts, []);
    assert.equal(webhook.attempts_pruned, 3);
    const event = await findWebhookEventDetail(server.db, oldDelivered.eventId);
    assert.equal(event?.attemptsCount, 3, 'every attempt made');
    assert.equal(event.attemptsPruned, 3);

    const recentDetail = await orderDetail(server.app.ctx, recent.orderId);
    const recentWebhook = recentDetail?.webhooks.find((w) => w.id === recent.eventId);
    assert.equal(recentWebhook?.attempts.length, 1);
    assert.equal(recentWebhook.attempts_pruned, 0);
  });

  it('the recurring job: asked for at every start-up yet one row; it prunes, then plans its next run an hour later', async () => {
    server.clock.advance(31 * DAY);
    await scheduleRetention(server.app.ctx, policy);
    const firstRun = server.clock.now();
    server.clock.advance(1000);
    await scheduleRetention(server.app.ctx, policy);
    const jobRows = () =>
      server.db.query<{ run_at: Date; failed_at: Date | null }>('select run_at, failed_at from jobs where job_key = $1', [retentionJobKey]);
    const planned = await jobRows();
    assert.equal(planned.length, 1, 'one job, whatever the number of start-ups');
    assert.equal(new Date(planned[0]!.run_at).getTime(), firstRun.getTime(), 'a second start-up leaves the planned run where it was');

    // The orders' own jobs (their capture windows ended) run in the same round.
    await server.runJobs();
    assert.equal(await attemptsOf(recent.eventId), 0, 'now 31 days past its delivery too');
    assert.equal(await prunedOf(recent.eventId), 1);
    assert.equal(await attemptsOf(givenUp.eventId), 4);
    const next = await jobRows();
    assert.equal(next.length, 1, 'the job stays after its run');
    assert.equal(new Date(next[0]!.run_at).getTime(), server.clock.now().getTime() + RETENTION_INTERVAL_MS);
    assert.equal(next[0]!.failed_at, null);

    await server.runJobs();
    assert.deepEqual(await jobRows(), next, 'not run again before its time');
    server.clock.advance(RETENTION_INTERVAL_MS);
    await server.runJobs();
    const after = await jobRows();
    assert.equal(after.length, 1);
    assert.equal(new Date(after[0]!.run_at).getTime(), server.clock.now().getTime() + RETENTION_INTERVAL_MS, 'ran again, planned the next');
    assert.equal(await prunedOf(recent.eventId), 1, 'nothing pruned twice');
  });

  it('turned off, start-up removes the job', async () => {
    await scheduleRetention(server.app.ctx, { webhookAttemptRetentionMs: undefined });
    assert.equal((await server.db.query('select 1 from jobs where job_key = $1', [retentionJobKey])).length, 0);
    assert.equal(await attemptsOf(givenUp.eventId), 4);
  });
});
