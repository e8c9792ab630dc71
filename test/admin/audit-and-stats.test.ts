import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordAudit } from '../../src/core/admin/audit.js';
import type { AdminActor } from '../../src/domain/operator-roles.js';
import { setReviewReason } from '../../src/store/orders-repository.js';
import { adminCall, adminClient, operatorSession } from '../helpers/admin.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const DECLINED = '4000000000000002';

describe('admin API: stats', () => {
  let server: TestServer;
  let merchantA: string;
  let merchantB: string;
  let heldOrder: string;

  before(async () => {
    server = await startTestServer();
    const a = await server.newMerchant('Stats A');
    const b = await server.newMerchant('Stats B');
    merchantA = a.merchant_id;
    merchantB = b.merchant_id;
    const client = await PineLabsClient.login(server.baseUrl, a);
    // A known flow on merchant A: four authorizations (one declined), two captures, one refund, one void.
    const full = await client.authorizedOrder(10000);
    assert.equal(
      (await client.capture(full, { merchant_capture_reference: 'c-full', capture_amount: { value: 10000, currency: 'INR' } })).status,
      200,
    );
    const partial = await client.authorizedOrder(8000);
    assert.equal(
      (await client.capture(partial, { merchant_capture_reference: 'c-part', capture_amount: { value: 3000, currency: 'INR' } })).status,
      200,
    );
    assert.equal((await client.refund(partial, 1000)).status, 200);
    const declined = (await client.createOrder(5000)).body.data.order_id;
    assert.equal((await client.pay(declined, 5000, DECLINED)).status, 200);
    heldOrder = await client.authorizedOrder(7000);
    const voided = await client.authorizedOrder(2000);
    assert.equal((await client.cancel(voided)).status, 200);
    // Merchant B: one order held, seen only by those who see B.
    const clientB = await PineLabsClient.login(server.baseUrl, b);
    await clientB.authorizedOrder(1234);
  });
  after(() => server.close());

  it('counts the flow into the current bucket and matches the rows', async () => {
    const viewer = await adminClient(server, 'viewer');
    const response = await viewer.get(`/stats?range=24h&merchant_id=${merchantA}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const stats = response.body;
    assert.equal(stats.range, '24h');
    assert.equal(stats.bucket, 'hour');
    assert.equal(stats.series.length, 24);
    const current = stats.series.at(-1);
    assert.deepEqual(current, {
      bucket_start: new Date(Math.floor(server.clock.now().getTime() / 3_600_000) * 3_600_000).toISOString(),
      authorizations: 5,
      authorizations_succeeded: 4,
      captures: 2,
      captures_succeeded: 2,
      voids: 1,
      refunds: 1,
    });
    assert.ok(stats.series.slice(0, -1).every((b: any) => b.authorizations === 0 && b.captures === 0));
    assert.equal(stats.authorization_success_rate, 4 / 5);
    assert.equal(stats.capture_success_rate, 1);
    assert.deepEqual(stats.held, [{ currency: 'INR', amount: 7000 }]);
    assert.equal(stats.pending_at_gateway, 0);
    assert.equal(stats.in_review, 0);
    assert.deepEqual(stats.webhooks, { delivered: 0, failed: 0, pending: 0, oldest_pending_at: null });

    // The same figures, straight from the tables.
    const [rows] = await server.db.query<{ payments: number; ok: number; held: number }>(
      `select (select count(*)::int from payments p join orders o on o.id = p.order_id where o.merchant_id = $1) as payments,
         (select count(*)::int from payments p join orders o on o.id = p.order_id where o.merchant_id = $1 and p.status <> 'FAILED') as ok,
         (select coalesce(sum(ps.amount), 0)::int from postings ps join journal_entries j on j.id = ps.entry_id
            where j.merchant_id = $1 and ps.account = 'held') as held`,
      [merchantA],
    );
    assert.equal(current.authorizations, rows?.payments);
    assert.equal(current.authorizations_succeeded, rows?.ok);
    assert.equal(stats.held[0].amount, rows?.held);

    const [jobs] = await server.db.query<{ n: number }>(
      `select count(*)::int as n from jobs where payload->>'merchantId' = $1 and failed_at is null and run_at <= $2`,
      [merchantA, server.clock.now()],
    );
    assert.equal(stats.jobs.due, jobs?.n);
    assert.equal(stats.jobs.failed, 0);
  });

  it('counts orders in review, everything for an unlimited viewer, and only its merchants for a limited one', async () => {
    await setReviewReason(server.db, heldOrder, 'void outcome unknown after the last inquiry', server.clock.now());
    const viewer = await adminClient(server, 'viewer');
    const all = (await viewer.get('/stats')).body;
    assert.equal(all.range, '24h', 'range defaults to 24h');
    assert.equal(all.in_review, 1);
    assert.deepEqual(all.held, [{ currency: 'INR', amount: 7000 + 1234 }]);
    assert.equal(all.series.at(-1).authorizations, 6);

    const viewerB = await adminClient(server, 'viewer', [merchantB]);
    const onlyB = (await viewerB.get('/stats')).body;
    assert.equal(onlyB.in_review, 0);
    assert.deepEqual(onlyB.held, [{ currency: 'INR', amount: 1234 }]);
    assert.equal(onlyB.series.at(-1).authorizations, 1);
    const asksForA = (await viewerB.get(`/stats?merchant_id=${merchantA}`)).body;
    assert.deepEqual(asksForA.held, [], "A's figures stay hidden from a viewer limited to B");
    assert.equal(asksForA.series.at(-1).authorizations, 0);
  });

  it('buckets 7d and 30d by day, and refuses another range', async () => {
    const viewer = await adminClient(server, 'viewer');
    const week = (await viewer.get('/stats?range=7d')).body;
    assert.equal(week.bucket, 'day');
    assert.equal(week.series.length, 7);
    assert.equal(
      week.series.at(-1).bucket_start,
      new Date(Math.floor(server.clock.now().getTime() / 86_400_000) * 86_400_000).toISOString(),
    );
    assert.equal(week.series.at(-1).authorizations, 6);
    assert.equal((await viewer.get('/stats?range=30d')).body.series.length, 30);
    for (const bad of ['?range=1y', '?range=', '?color=red']) {
      const response = await viewer.get(`/stats${bad}`);
      assert.equal(response.status, 400, bad);
      assert.equal(response.body.error, 'bad_request');
    }
  });
});

describe('admin API: audit listing', () => {
  let server: TestServer;
  const actor: AdminActor = { kind: 'operator', id: 'op_alice', name: 'alice@example.com', role: 'admin', merchantIds: null };

  before(async () => {
    server = await startTestServer();
    for (let i = 0; i < 5; i++) {
      await server.db.transaction((tx) =>
        recordAudit(
          tx,
          actor,
          {
            action: 'merchant.update',
            targetType: 'merchant',
            targetId: i % 2 === 0 ? 'mer_even' : 'mer_odd',
            merchantId: i % 2 === 0 ? 'mer_even' : 'mer_odd',
            before: { name: `n${i}` },
            after: { name: `n${i + 1}` },
            requestId: `req-${i}`,
          },
          server.clock.now(),
        ),
      );
    }
  });
  after(() => server.close());

  it('lists entries newest first with their fields, filtered, and pages with the cursor', async () => {
    const viewer = await adminClient(server, 'viewer'); // its creation is audited too (admin_token.create, no merchant)
    const everything = await viewer.get('/audit');
    assert.equal(everything.status, 200, JSON.stringify(everything.body));
    assert.equal(everything.body.data.length, 6);
    assert.equal(everything.body.next_cursor, null);
    assert.equal(everything.body.data[0].action, 'admin_token.create');
    const ids = everything.body.data.map((e: any) => e.id);
    assert.deepEqual(
      ids,
      [...ids].sort((x: number, y: number) => y - x),
    );
    const latestUpdate = everything.body.data[1];
    assert.deepEqual(
      { ...latestUpdate, id: undefined, at: undefined },
      {
        id: undefined,
        at: undefined,
        actor: { kind: 'operator', id: 'op_alice', name: 'alice@example.com' },
        action: 'merchant.update',
        target_type: 'merchant',
        target_id: 'mer_even',
        merchant_id: 'mer_even',
        before: { name: 'n4' },
        after: { name: 'n5' },
        reason: null,
        request_id: 'req-4',
      },
    );

    assert.equal((await viewer.get('/audit?target_id=mer_odd')).body.data.length, 2);
    assert.equal((await viewer.get('/audit?merchant_id=mer_even')).body.data.length, 3);
    assert.equal((await viewer.get('/audit?actor_id=op_alice&target_type=merchant')).body.data.length, 5);
    assert.equal((await viewer.get('/audit?target_type=admin_token')).body.data.length, 1);

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: number }[]; next_cursor: string | null } } = await viewer.get(
        `/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.data.map((e) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, ids, 'each entry once, in the same order');
  });

  it("shows a limited viewer only its merchants' entries", async () => {
    const limited = await adminClient(server, 'viewer', ['mer_odd']);
    const page = (await limited.get('/audit')).body;
    assert.deepEqual(
      page.data.map((e: any) => e.merchant_id),
      ['mer_odd', 'mer_odd'],
    );
    assert.deepEqual((await limited.get('/audit?merchant_id=mer_even')).body, { data: [], next_cursor: null });
  });

  it('cannot be altered through the API: no method but GET answers on /audit or an entry, and the rows stay as they were', async () => {
    const admin = await adminClient(server, 'admin');
    const operator = await operatorSession(server, 'admin');
    const rows = async () =>
      (await server.db.query<{ dump: string }>('select row_to_json(a)::text as dump from audit_log a order by id')).map((r) => r.dump);
    const before = await rows();
    const listed = (await admin.get('/audit?limit=100')).body;
    assert.equal(listed.data.length, before.length);
    const id = listed.data.at(-1).id as number;

    const change = { action: 'tampered', before: null, after: null, reason: 'rewriting history' };
    const attempts: Array<[string, string, unknown]> = [
      ['POST', '/audit', change],
      ['PUT', '/audit', [change]],
      ['PATCH', '/audit', change],
      ['DELETE', '/audit', undefined],
      ['DELETE', '/audit?target_id=mer_even', undefined],
      ['GET', `/audit/${id}`, undefined],
      ['POST', `/audit/${id}`, change],
      ['PUT', `/audit/${id}`, change],
      ['PATCH', `/audit/${id}`, change],
      ['DELETE', `/audit/${id}`, undefined],
      ['PATCH', `/audit/${id}/reason`, { reason: 'rewriting history' }],
      ['DELETE', '/audit/all', undefined],
    ];
    const callers = [
      {
        who: 'admin token',
        call: (method: string, path: string, body: unknown) =>
          adminCall(server, method, path, { body, headers: { authorization: `Bearer ${admin.token}` } }),
      },
      {
        who: 'admin session',
        call: (method: string, path: string, body: unknown) =>
          adminCall(server, method, path, { body, headers: { cookie: operator.cookie, 'x-csrf-token': operator.csrfToken } }),
      },
    ];
    for (const { who, call } of callers) {
      for (const [method, path, body] of attempts) {
        const response = await call(method, path, body);
        assert.ok([404, 405].includes(response.status), `${who} ${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
        assert.deepEqual(Object.keys(response.body).sort(), ['error', 'message'], `${who} ${method} ${path}: the admin error shape`);
        assert.equal(response.body.error, response.status === 404 ? 'not_found' : 'method_not_allowed');
      }
    }

    assert.deepEqual(await rows(), before, 'every entry as it was, and no entry more or fewer');
    assert.deepEqual((await admin.get('/audit?limit=100')).body, listed);
  });

  it('refuses malformed parameters with 400', async () => {
    const viewer = await adminClient(server, 'viewer');
    for (const bad of ['?limit=0', '?limit=x', '?cursor=%%%', `?cursor=${Buffer.from('["1"]').toString('base64url')}`, '?nope=1']) {
      const response = await viewer.get(`/audit${bad}`);
      assert.equal(response.status, 400, bad);
      assert.equal(response.body.error, 'bad_request');
    }
  });
});
