import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { retentionJob } from '../../src/core/retention.js';
import { claimDueJobs, enqueueJob, ensureJob, releaseJob } from '../../src/store/jobs-repository.js';
import { adminClient, operatorSession } from '../helpers/admin.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { WebhookReceiver } from '../webhooks/receiver.js';

interface JobBody {
  id: number;
  kind: string;
  key: string;
  state: string;
  merchant_id: string | null;
  order_id: string | null;
  run_at: string;
  attempts: number;
  last_error: string | null;
}

interface RunBody {
  id: number;
  job_id: number;
  kind: string;
  merchant_id: string | null;
  order_id: string | null;
  attempt: number;
  outcome: string;
  error: string | null;
  finished_at: string;
}

const DAY = 86_400_000;

describe('admin API: jobs and their runs', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  const down = { maintenance: true };
  let shopA: MerchantCredentials;
  let shopB: MerchantCredentials;
  let orderA: string;
  let orderB: string;

  const kindsOf = (jobs: JobBody[]) => jobs.map((j) => `${j.kind}:${j.order_id ?? '-'}`).sort();

  before(async () => {
    // One retry a minute after the first attempt: two attempts in all.
    server = await startTestServer({ HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '1m' });
    receiver = new WebhookReceiver({ now: () => server.clock.now(), unavailable: () => down.maintenance });
    await receiver.start();
    shopA = await server.newMerchant('Jobs A', { webhookUrl: `${receiver.url}/a` });
    shopB = await server.newMerchant('Jobs B');
    orderA = await (await PineLabsClient.login(server.baseUrl, shopA)).authorizedOrder(1500);
    orderB = await (await PineLabsClient.login(server.baseUrl, shopB)).authorizedOrder(2500);
    const now = server.clock.now();
    // A job no handler knows fails at its only attempt: one of merchant B, one system-wide.
    await enqueueJob(
      server.db,
      { kind: 'test.unknown', key: 'unknown-b', payload: { merchantId: shopB.merchant_id, orderId: orderB }, runAt: now, maxAttempts: 1 },
      now,
    );
    await enqueueJob(server.db, { kind: 'test.unknown', key: 'unknown-system', payload: {}, runAt: now, maxAttempts: 1 }, now);
    // A's webhook endpoint is down: its delivery is tried again a minute later.
    await server.runJobs();
  });
  after(async () => {
    await server.close();
    await receiver.stop();
  });

  it('lets every role and an operator session read both lists', async () => {
    const clients = [
      await adminClient(server, 'admin'),
      await adminClient(server, 'support'),
      await adminClient(server, 'viewer'),
      await operatorSession(server, 'viewer'),
    ];
    for (const client of clients) {
      for (const path of ['/jobs', '/jobs/runs']) {
        const response = await client.get(path);
        assert.equal(response.status, 200, `${path}: ${JSON.stringify(response.body)}`);
        assert.ok(response.body.data.length > 0, path);
      }
    }
    assert.equal((await fetch(`${server.baseUrl}/admin/v1/jobs`)).status, 401);
  });

  it('lists the jobs on the table with their state, merchant and order, the webhook delivery through its event', async () => {
    const viewer = await adminClient(server, 'viewer');
    const all = (await viewer.get('/jobs')).body.data as JobBody[];
    const webhook = all.find((j) => j.kind === 'webhook.deliver');
    assert.ok(webhook, 'the delivery to retry is listed');
    assert.equal(webhook.state, 'scheduled');
    assert.equal(webhook.merchant_id, shopA.merchant_id);
    assert.equal(webhook.order_id, orderA);
    assert.equal(webhook.attempts, 1);
    assert.match(webhook.last_error ?? '', /503/);
    const autoVoids = all.filter((j) => j.kind === 'order.auto_void');
    assert.deepEqual(autoVoids.map((j) => j.order_id).sort(), [orderA, orderB].sort());
    assert.ok(autoVoids.every((j) => j.state === 'scheduled'));
    // In the order they are to run.
    const order = all.map((j) => `${j.run_at}:${String(j.id).padStart(10, '0')}`);
    assert.deepEqual(order, [...order].sort());

    const failed = (await viewer.get('/jobs?state=failed')).body.data as JobBody[];
    assert.deepEqual(failed.map((j) => j.key).sort(), ['unknown-b', 'unknown-system']);
    assert.ok(failed.every((j) => j.state === 'failed' && /no handler/.test(j.last_error ?? '')));
    assert.deepEqual(kindsOf((await viewer.get('/jobs?kind=order.auto_void')).body.data), kindsOf(autoVoids));
    assert.deepEqual(
      ((await viewer.get(`/jobs?order_id=${orderA}`)).body.data as JobBody[]).map((j) => j.kind).sort(),
      all
        .filter((j) => j.order_id === orderA)
        .map((j) => j.kind)
        .sort(),
    );
    assert.deepEqual((await viewer.get('/jobs?state=due')).body.data, []);
    assert.deepEqual((await viewer.get('/jobs?state=running')).body.data, []);
  });

  it('shows due and running jobs as the Home figures count them', async () => {
    const viewer = await adminClient(server, 'viewer');
    const viewerA = await adminClient(server, 'viewer', [shopA.merchant_id]);
    server.clock.advance(61_000);
    const due = (await viewerA.get('/jobs?state=due')).body.data as JobBody[];
    assert.deepEqual(
      due.map((j) => j.kind),
      ['webhook.deliver'],
    );
    const stats = (await viewerA.get('/stats')).body;
    assert.equal(stats.jobs.due, due.length, "the Home page's figure is the list's length");
    assert.equal(stats.jobs.oldest_due_at, due[0]!.run_at);

    const now = server.clock.now();
    const claimed = await claimDueJobs(server.db, 'test-worker', now, new Date(now.getTime() + 30_000), 10);
    try {
      const running = (await viewer.get('/jobs?state=running')).body.data as JobBody[];
      assert.deepEqual(running.map((j) => j.id).sort(), claimed.map((j) => j.id).sort());
      assert.equal((await viewer.get('/stats')).body.jobs.running, running.length);
    } finally {
      for (const job of claimed) await releaseJob(server.db, job, 'test-worker', now, now);
    }
    assert.equal(((await viewer.get('/jobs?state=due')).body.data as JobBody[]).length, claimed.length);
  });

  it("never shows a merchant another merchant's jobs or runs, nor a system-wide one", async () => {
    const viewerA = await adminClient(server, 'viewer', [shopA.merchant_id]);
    const viewerB = await adminClient(server, 'viewer', [shopB.merchant_id]);
    const jobsA = (await viewerA.get('/jobs')).body.data as JobBody[];
    assert.ok(jobsA.length > 0);
    assert.ok(jobsA.every((j) => j.merchant_id === shopA.merchant_id));
    const jobsB = (await viewerB.get('/jobs')).body.data as JobBody[];
    assert.ok(jobsB.some((j) => j.key === 'unknown-b'));
    assert.ok(jobsB.every((j) => j.merchant_id === shopB.merchant_id));
    assert.deepEqual((await viewerA.get(`/jobs?merchant_id=${shopB.merchant_id}`)).body.data, []);
    assert.deepEqual((await viewerA.get(`/jobs?order_id=${orderB}`)).body.data, []);
    assert.deepEqual((await viewerA.get(`/jobs/runs?merchant_id=${shopB.merchant_id}`)).body.data, []);
    const runsA = (await viewerA.get('/jobs/runs')).body.data as RunBody[];
    assert.ok(runsA.length > 0 && runsA.every((r) => r.merchant_id === shopA.merchant_id));
    const runsB = (await viewerB.get('/jobs/runs')).body.data as RunBody[];
    assert.deepEqual(
      runsB.map((r) => r.kind),
      ['test.unknown'],
    );

    const unlimited = await adminClient(server, 'viewer');
    const failed = (await unlimited.get(`/jobs?state=failed&merchant_id=${shopB.merchant_id}`)).body.data as JobBody[];
    assert.deepEqual(
      failed.map((j) => j.key),
      ['unknown-b'],
    );
  });

  it('pages by cursor through the same rows, and refuses a bad cursor, state or outcome', async () => {
    const viewer = await adminClient(server, 'viewer');
    const whole = ((await viewer.get('/jobs?limit=100')).body.data as JobBody[]).map((j) => j.id);
    assert.ok(whole.length >= 4);
    const walked: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const response = await viewer.get(`/jobs?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(response.status, 200);
      walked.push(...(response.body.data as JobBody[]).map((j) => j.id));
      cursor = response.body.next_cursor;
      if (!cursor) break;
    }
    assert.deepEqual(walked, whole);

    const runs = ((await viewer.get('/jobs/runs?limit=100')).body.data as RunBody[]).map((r) => r.id);
    const first = await viewer.get('/jobs/runs?limit=1');
    assert.deepEqual(
      first.body.data.map((r: RunBody) => r.id),
      runs.slice(0, 1),
    );
    const second = await viewer.get(`/jobs/runs?limit=1&cursor=${first.body.next_cursor}`);
    assert.deepEqual(
      second.body.data.map((r: RunBody) => r.id),
      runs.slice(1, 2),
    );

    for (const bad of ['/jobs?cursor=nonsense', '/jobs?state=sleeping', '/jobs/runs?outcome=maybe', '/jobs?limit=0', '/jobs?color=red']) {
      const response = await viewer.get(bad);
      assert.equal(response.status, 400, bad);
      assert.equal(response.body.error, 'bad_request');
    }
  });

  it('keeps every run after the job is gone, and shows it in the order timeline', async () => {
    const viewer = await adminClient(server, 'viewer');
    down.maintenance = false;
    server.clock.advance(8 * DAY);
    await server.runJobs();
    assert.deepEqual(
      ((await viewer.get(`/jobs?order_id=${orderA}`)).body.data as JobBody[]).filter((j) => j.kind !== 'order.expiry'),
      [],
      "the order's auto-void and delivery finished: their rows are gone",
    );
    const runs = ((await viewer.get(`/jobs/runs?order_id=${orderA}`)).body.data as RunBody[]).reverse();
    // The authorization's delivery: its first run was tried again; the auto-void sends a webhook of its own.
    const firstDelivery = runs.find((r) => r.kind === 'webhook.deliver');
    const webhookRuns = runs.filter((r) => r.job_id === firstDelivery?.job_id);
    assert.deepEqual(
      webhookRuns.map((r) => [r.attempt, r.outcome]),
      [
        [1, 'retry'],
        [2, 'done'],
      ],
    );
    assert.match(webhookRuns[0]!.error ?? '', /503/);
    assert.equal(webhookRuns[1]!.error, null);
    const autoVoid = runs.filter((r) => r.kind === 'order.auto_void');
    assert.deepEqual(
      autoVoid.map((r) => [r.attempt, r.outcome, r.merchant_id]),
      [[1, 'done', shopA.merchant_id]],
    );
    // The rows behind the answer.
    const stored = await server.db.query<{ kind: string; outcome: string; attempt: number }>(
      'select kind, outcome, attempt from job_runs where order_id = $1 order by id',
      [orderA],
    );
    assert.deepEqual(
      stored.map((r) => `${r.kind} ${r.attempt} ${r.outcome}`),
      runs.map((r) => `${r.kind} ${r.attempt} ${r.outcome}`),
    );
    const failedRuns = (await viewer.get('/jobs/runs?outcome=failed')).body.data as RunBody[];
    assert.deepEqual(failedRuns.map((r) => r.kind).sort(), ['test.unknown', 'test.unknown']);

    const detail = await viewer.get(`/orders/${orderA}`);
    assert.equal(detail.status, 200);
    const jobEvents = (detail.body.timeline as { kind: string; title: string; detail: string | null }[]).filter((e) => e.kind === 'job');
    const titles = jobEvents.map((e) => e.title);
    assert.ok(titles.includes('Job webhook.deliver run 1: to be retried'), titles.join('; '));
    assert.ok(titles.includes('Job webhook.deliver run 2: done'), titles.join('; '));
    assert.ok(titles.includes('Job order.auto_void run 1: done'), titles.join('; '));
    assert.match(jobEvents.find((e) => e.title === 'Job webhook.deliver run 1: to be retried')?.detail ?? '', /503/);
    const detailB = await viewer.get(`/orders/${orderB}`);
    const titlesB = (detailB.body.timeline as { kind: string; title: string }[]).filter((e) => e.kind === 'job').map((e) => e.title);
    assert.ok(titlesB.includes('Job test.unknown run 1: failed for good'), titlesB.join('; '));
    assert.equal(titlesB.filter((t) => t.startsWith('Job test.unknown')).length, 1, 'the failed job is shown once, by its run');
  });

  it('prunes runs older than HOLDFAST_JOB_RUN_RETENTION in the retention job', async () => {
    const before = await server.db.query<{ n: number }>('select count(*)::int as n from job_runs');
    assert.ok((before[0]?.n ?? 0) > 0);
    server.clock.advance(31 * DAY);
    await ensureJob(server.db, retentionJob(server.clock.now()), server.clock.now());
    await server.runJobs();
    const cutoff = new Date(server.clock.now().getTime() - 30 * DAY);
    const old = await server.db.query<{ n: number }>('select count(*)::int as n from job_runs where finished_at < $1', [cutoff]);
    assert.equal(old[0]?.n, 0);
    const left = await server.db.query<{ kind: string }>('select kind from job_runs where finished_at >= $1', [cutoff]);
    assert.ok(
      left.some((r) => r.kind === 'retention.prune'),
      'the retention run itself is recorded',
    );
    const viewer = await adminClient(server, 'viewer');
    assert.deepEqual((await viewer.get(`/jobs/runs?order_id=${orderA}&kind=webhook.deliver`)).body.data, []);
  });
});
