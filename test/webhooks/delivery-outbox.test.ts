import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { DB, MAX_ATTEMPTS, startScenario, time, type Scenario } from './helpers/delivery.js';

/**
 * The outbox: each state change writes its webhook events and their delivery jobs in the same
 * transaction. `before` runs the flows of both dialects and delivers nothing; the tests only read
 * what the flows wrote, or make orders of their own.
 */
describe(`webhook outbox: events and delivery jobs written with the state change (${DB})`, () => {
  let scenario: Scenario;
  before(async () => {
    scenario = await startScenario();
  });
  after(() => scenario.close());

  it('writes one outbox row and one delivery job per event with the state change; none for a merchant without a webhook URL', async () => {
    const { server, quiet, flows } = scenario;
    const hookedIds = new Set([scenario.pl, scenario.jp, scenario.mixed].map((m) => m.merchant_id));
    const all = await scenario.allEvents();
    // The scenario's merchants only: a test of this file may have added a merchant of its own.
    const events = all.filter((e) => hookedIds.has(e.merchant_id) || e.merchant_id === quiet.merchant_id);
    const expectedCount = scenario.hooked().reduce((n, f) => n + f.expected.length, 0);
    assert.equal(events.length, expectedCount);
    assert.ok(events.length >= 100, `many events (${events.length})`);
    assert.equal(events.filter((e) => e.merchant_id === quiet.merchant_id).length, 0, 'no rows for the merchant without a webhook URL');
    const quietOrders = flows.filter((f) => f.merchantId === quiet.merchant_id).map((f) => f.orderId);
    assert.equal(quietOrders.length, 3);
    assert.ok(all.every((e) => !quietOrders.includes(e.order_id)));
    assert.ok(
      all.every((e) => e.delivered_at === null && e.gave_up_at === null),
      'nothing is sent before the jobs run',
    );

    const jobs = await server.db.query<{ payload: unknown; run_at: Date; attempts: number; max_attempts: number; job_key: string }>(
      "select payload, run_at, attempts, max_attempts, job_key from jobs where kind = 'webhook.deliver'",
    );
    assert.equal(jobs.length, all.length, 'one delivery job per event');
    const byEvent = new Map(jobs.map((j) => [(typeof j.payload === 'string' ? JSON.parse(j.payload) : j.payload).eventId as string, j]));
    for (const event of all) {
      const job = byEvent.get(event.id);
      assert.ok(job, `a job for ${event.id}`);
      assert.equal(job.job_key, `webhook:${event.id}`);
      assert.equal(time(job.run_at), time(event.created_at), 'first attempt due at once');
      assert.equal(job.attempts, 0);
      assert.equal(job.max_attempts, MAX_ATTEMPTS, 'one attempt plus one per delay of HOLDFAST_WEBHOOK_RETRY_SCHEDULE');
    }
    assert.equal(
      events.filter((e) => e.dialect === 'pinelabs').every((e) => /^msg_[A-Za-z0-9]{27}$/.test(e.id)),
      true,
    );
    assert.equal(
      events.filter((e) => e.dialect === 'juspay').every((e) => /^evt_V2_[A-Za-z0-9]{24}$/.test(e.id)),
      true,
    );
  });

  it('a refused request writes no event', async () => {
    const { server } = scenario;
    // A merchant and a captured order of this test's own.
    const merchant = await server.newMerchant('Refusals', { webhookUrl: `${scenario.receiver.url}/refusals` });
    const client = await PineLabsClient.login(server.baseUrl, merchant);
    const orderId = await client.authorizedOrder(10000);
    assert.equal((await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') })).status, 200);
    const before = (await scenario.allEvents()).length;
    const again = await client.capture(orderId, { merchant_capture_reference: uniqueRef('again') });
    assert.equal(again.status, 422);
    const cancel = await client.cancel(orderId);
    assert.equal(cancel.status, 422);
    assert.equal((await scenario.allEvents()).length, before);
  });
});

describe('the retry schedule', () => {
  it('defaults to 1 min, 5 min ×2, 10 min ×5, 1 h ×5, 6 h ×3 (17 attempts over about 24 h)', () => {
    const m = 60_000;
    const h = 60 * m;
    const schedule = loadConfig({}).webhookRetryScheduleMs;
    assert.deepEqual(schedule, [m, 5 * m, 5 * m, ...Array(5).fill(10 * m), ...Array(5).fill(h), ...Array(3).fill(6 * h)]);
    assert.equal(
      schedule.reduce((a, b) => a + b, 0),
      24 * h + m,
    );
  });
});
