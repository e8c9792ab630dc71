import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  pruneRequestReplies,
  RETENTION_CATCH_UP_MS,
  retentionJobKey,
  runRetention,
  type RetentionPolicy,
} from '../../src/core/retention.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { onPostgres } from '../helpers/test-database.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const DAY = 86_400_000;

/**
 * HOLDFAST_REQUEST_REPLY_RETENTION (30 days here, the default): past the window the stored reply
 * of a Request-ID is dropped, but the key stays: the same request again is still a replay (the
 * order as it is now), never a second effect, and another request under the id still a conflict.
 * The tests run in order on one server, the clock moving forward.
 */
describe(`Request-ID reply retention (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  let server: TestServer;
  let client: PineLabsClient;
  const policy: RetentionPolicy = { webhookAttemptRetentionMs: undefined, requestReplyRetentionMs: 30 * DAY };
  const cancelId = uniqueRef('rid-cancel');
  const createId = uniqueRef('rid-create');
  const byReferenceId = uniqueRef('rid-byref');
  const orderBody = { merchant_order_reference: uniqueRef('ret-order'), order_amount: { value: 2500, currency: 'INR' }, pre_auth: true };
  let cancelledOrder: string;
  let firstCancel: { status: number; body: { data: { status: string } } };
  let createdOrder: string;

  const keyRow = async (requestId: string) =>
    (
      await server.db.query<{ response_status: number | null; has_body: boolean; pruned: boolean }>(
        `select response_status, response_body is not null as has_body, reply_pruned_at is not null as pruned
         from request_keys where request_id = $1`,
        [requestId],
      )
    )[0];
  const count = async (sql: string, params: unknown[]) => (await server.db.query<{ n: number }>(sql, params))[0]!.n;
  const cancel = (orderId: string) => client.request('PUT', `/api/pay/v1/orders/${orderId}/cancel`, undefined, { 'Request-ID': cancelId });
  const create = (body: unknown, requestId = createId) => client.request('POST', '/api/pay/v1/orders', body, { 'Request-ID': requestId });

  before(async () => {
    server = await startTestServer({ HOLDFAST_REQUEST_REPLY_RETENTION: '30d' });
    const merchant = await server.newMerchant('Replies kept 30 days');
    client = await PineLabsClient.login(server.baseUrl, merchant);
    cancelledOrder = await client.authorizedOrder(4000);
    firstCancel = await cancel(cancelledOrder);
    assert.equal(firstCancel.status, 200, JSON.stringify(firstCancel.body));
    const created = await create(orderBody);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    createdOrder = created.body.data.order_id;
    // The same order again under another Request-ID: a replay by reference, its reply stored on a key without an order.
    assert.equal((await create(orderBody, byReferenceId)).status, 200);
    server.clock.advance(31 * DAY);
    client = await PineLabsClient.login(server.baseUrl, merchant);
  });
  after(() => server.close());

  it('drops, in batches, the replies of keys older than the window that name an order; keeps the keys; again drops nothing', async () => {
    const recentId = uniqueRef('rid-recent');
    const recent = await client.request(
      'POST',
      '/api/pay/v1/orders',
      { ...orderBody, merchant_order_reference: uniqueRef('new') },
      {
        'Request-ID': recentId,
      },
    );
    assert.equal(recent.status, 200);

    const oneAtATime = { ...policy, batchSize: 1, batchesPerRun: 1 };
    // A run of the job stopped at its batch limit comes back a minute later for the rest.
    await runRetention(server.app.ctx, oneAtATime);
    const [job] = await server.db.query<{ run_at: Date }>('select run_at from jobs where job_key = $1', [retentionJobKey]);
    assert.equal(new Date(job!.run_at).getTime(), server.clock.now().getTime() + RETENTION_CATCH_UP_MS);
    assert.deepEqual(await pruneRequestReplies(server.app.ctx, oneAtATime), { pruned: 1, more: true });
    assert.deepEqual(await pruneRequestReplies(server.app.ctx, oneAtATime), { pruned: 0, more: false });
    assert.deepEqual(await pruneRequestReplies(server.app.ctx, policy), { pruned: 0, more: false }, 'idempotent');

    assert.deepEqual(await keyRow(cancelId), { response_status: 200, has_body: false, pruned: true });
    assert.deepEqual(await keyRow(createId), { response_status: 200, has_body: false, pruned: true });
    assert.deepEqual(
      await keyRow(byReferenceId),
      { response_status: 200, has_body: true, pruned: false },
      'a key without an order keeps its reply',
    );
    assert.deepEqual(await keyRow(recentId), { response_status: 200, has_body: true, pruned: false }, 'within the window');
  });

  it('the same cancel again under its Request-ID: a replay (the order as it is now), no second reversal', async () => {
    const again = await cancel(cancelledOrder);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.data.order_id, cancelledOrder);
    assert.equal(again.body.data.status, firstCancel.body.data.status);
    assert.equal(await count('select count(*)::int as n from reversals where order_id = $1', [cancelledOrder]), 1);
  });

  it('the same create-order again: the same order as it is now, one row; another body under the id: 422 DUPLICATE_REQUEST', async () => {
    const again = await create(orderBody);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.data.order_id, createdOrder);
    const now = await client.request('GET', `/api/pay/v1/orders/${createdOrder}`);
    assert.equal(again.body.data.status, now.body.data.status);
    assert.equal(
      await count('select count(*)::int as n from orders where merchant_order_reference = $1', [orderBody.merchant_order_reference]),
      1,
    );
    const other = await create({ ...orderBody, merchant_order_reference: uniqueRef('other') });
    assert.equal(other.status, 422, JSON.stringify(other.body));
    assert.equal(other.body.code, 'DUPLICATE_REQUEST');
  });
});
