/**
 * Migration 015 on a database that has orders from before it (docs/order-expiry.md): a payment
 * link's order expires with its link; any other order still waiting for a payment gets creation +
 * 24 hours and an expiry job; orders past payment get none. The orders are made through the API,
 * then the column is taken away and the migration's statements run again, as on an upgrade.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MIGRATION = new URL('../../migrations/015_order_expiry.sql', import.meta.url);

describe('migration 015: orders from before order expiry', () => {
  let server: TestServer;
  let merchant: MerchantCredentials;
  let client: PineLabsClient;
  before(async () => {
    server = await startTestServer();
    merchant = await server.newMerchant('Old shop', { webhookUrl: 'http://127.0.0.1:9/hooks' });
    client = await PineLabsClient.login(server.baseUrl, merchant);
  });
  after(() => server.close());

  const orderRow = async (id: string) =>
    (
      await server.db.query<{ expires_at: Date | string | null; created_at: Date | string }>(
        'select expires_at, created_at from orders where id = $1',
        [id],
      )
    )[0]!;
  const time = (value: Date | string | null) => (value === null ? null : new Date(value).getTime());
  const jobOf = async (id: string) =>
    server.db.query<{ kind: string; run_at: Date | string }>('select kind, run_at from jobs where job_key = $1', [`order-expiry:${id}`]);

  it('gives unpaid orders creation + 24 h and a job, a link order its expire_by, paid orders nothing', async () => {
    const created = (await client.createOrder(3000)).body.data.order_id as string;
    const attempted = (await client.createOrder(3000, { preAuth: false })).body.data.order_id as string;
    assert.equal((await client.pay(attempted, 3000, '4000000000000002')).body.data.status, 'ATTEMPTED');
    const authorized = await client.authorizedOrder(3000);
    const expireBy = new Date(server.clock.now().getTime() + 2 * HOUR);
    const link = await client.request('POST', '/api/pay/v1/paymentlink', {
      amount: { value: 3000, currency: 'INR' },
      merchant_payment_link_reference: uniqueRef('old'),
      expire_by: expireBy.toISOString(),
    });
    const linkOrder = link.body.order_id as string;

    // As before the upgrade: no column, no expiry job.
    await server.db.query('alter table orders drop column expires_at');
    await server.db.query("delete from jobs where kind = 'order.expiry'");
    const sql = await readFile(MIGRATION, 'utf8');
    for (const statement of sql.split(/;\s*$/m).map((s) => s.replace(/^\s*--.*$/gm, '').trim())) {
      if (statement) await server.db.query(statement);
    }

    for (const id of [created, attempted]) {
      const row = await orderRow(id);
      assert.equal(time(row.expires_at), time(row.created_at)! + DAY, id);
      const [job] = await jobOf(id);
      assert.equal(job?.kind, 'order.expiry');
      assert.equal(time(job.run_at), time(row.expires_at));
    }
    assert.equal(time((await orderRow(linkOrder)).expires_at), expireBy.getTime());
    assert.deepEqual(await jobOf(linkOrder), [], 'its link has its own job');
    assert.equal((await orderRow(authorized)).expires_at, null);
    assert.deepEqual(await jobOf(authorized), []);

    // And they expire like any order.
    server.clock.advance(DAY);
    await server.runJobs();
    client = await PineLabsClient.login(server.baseUrl, merchant);
    for (const id of [created, attempted]) assert.equal((await client.getOrder(id)).body.data.status, 'FAILED', id);
    assert.equal((await client.getOrder(linkOrder)).body.data.status, 'FAILED');
    assert.equal((await client.getOrder(authorized)).body.data.status, 'AUTHORIZED');
  });
});
