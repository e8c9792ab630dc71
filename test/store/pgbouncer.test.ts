import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../../src/store/db.js';
import { migrate, migrationFiles } from '../../src/store/migrate.js';
import { openPostgres } from '../../src/store/postgres-db.js';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { startPgBouncer, type PgBouncer } from '../helpers/pgbouncer.js';
import { PineLabsClient, type Reply } from '../helpers/pinelabs-client.js';
import { adminQuery } from '../helpers/postgres-admin.js';
import { onPostgres, openTestDatabase, TEST_DATABASE_URL } from '../helpers/test-database.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const count = (replies: Reply[], status: number) => replies.filter((r) => r.status === status).length;

/** The reason of a Holdfast `unavailable` (the driver's error it wraps), or the error itself. */
const driverError = (error: unknown) => ((error as { cause?: unknown }).cause ?? error) as { code?: string; message: string };

// Holdfast through PgBouncer 1.18 in pool_mode = transaction (docs/database-faults.md), the way
// production deployments put it in front of PostgreSQL. PostgreSQL only: PGlite has no pooler.
describe('PostgreSQL through PgBouncer in transaction pooling', { skip: !onPostgres }, () => {
  let direct: Db & { url?: string };
  let bouncer: PgBouncer;
  let lenient: PgBouncer;
  let server: TestServer;
  let client: PineLabsClient;
  // What `before` opened, closed last first (also when `before` failed half-way).
  const opened: (() => Promise<void>)[] = [];

  before(async () => {
    direct = await openTestDatabase();
    opened.push(() => direct.close());
    const emptyName = `holdfast_test_pgbouncer_${process.pid}`;
    await adminQuery(TEST_DATABASE_URL!, `create database ${emptyName}`);
    opened.push(() => adminQuery(TEST_DATABASE_URL!, `drop database if exists ${emptyName} with (force)`));
    const databases = [
      // Fewer server connections than Holdfast's 20 and than the concurrent requests below.
      { alias: 'holdfast', poolSize: 4 },
      // One server connection: every client's statements run on it, one transaction at a time.
      { alias: 'single', poolSize: 1 },
      // A database with no tables yet, for `holdfast migrate` through the pooler.
      { alias: 'empty', poolSize: 2, dbname: emptyName },
    ];
    bouncer = await startPgBouncer(direct.url!, databases);
    opened.push(() => bouncer.stop());
    // The setting operators reach for first when PgBouncer refuses statement_timeout.
    lenient = await startPgBouncer(direct.url!, databases, { ignoreStartupParameters: ['statement_timeout'] });
    opened.push(() => lenient.stop());
    const pooled = openPostgres({ connectionString: bouncer.url('holdfast'), maxConnections: 20, preparedStatements: false });
    server = await startTestServer({ HOLDFAST_DB_PREPARED: 'off' }, { db: pooled });
    opened.push(() => server.close());
    client = await PineLabsClient.login(server.baseUrl, await server.newMerchant());
  });

  after(async () => {
    for (const close of opened.reverse()) await close();
  });

  it('prepared on: PgBouncer refuses the connection, whose statement_timeout it does not support', async () => {
    const db = openPostgres({ connectionString: bouncer.url('holdfast'), maxConnections: 2 });
    try {
      const error = await db.query('select 1').then(
        () => assert.fail('a statement went through'),
        (e: unknown) => e,
      );
      assert.equal((error as { code?: string }).code, 'unavailable', 'the request would be answered 503');
      assert.equal(driverError(error).code, '08P01');
      assert.equal(driverError(error).message, 'unsupported startup parameter: statement_timeout');
    } finally {
      await db.close();
    }
  });

  it('prepared on, statement_timeout ignored by PgBouncer: a named statement collides on the shared server connection', async () => {
    const db = openPostgres({ connectionString: lenient.url('single'), maxConnections: 2 });
    try {
      // Two client connections at once, one server connection: the second to run parses the
      // statement name the first left on it.
      const results = await Promise.allSettled([
        db.query<{ n: number }>('select $1::int as n', [1]),
        db.query<{ n: number }>('select $1::int as n', [2]),
      ]);
      const refused = results.filter((r) => r.status === 'rejected').map((r) => driverError(r.reason));
      assert.equal(refused.length, 1, 'one of the two fails');
      assert.equal(refused[0]!.code, '42P05');
      assert.match(refused[0]!.message, /^prepared statement "hf_[0-9a-f]{20}" already exists$/);
    } finally {
      await db.close();
    }
  });

  it('prepared off: the same statements on one server connection all run', async () => {
    const db = openPostgres({ connectionString: bouncer.url('single'), maxConnections: 5, preparedStatements: false });
    try {
      const rows = await Promise.all(Array.from({ length: 10 }, (_, i) => db.query<{ n: number }>('select $1::int as n', [i])));
      assert.deepEqual(
        rows.map((r) => r[0]!.n),
        Array.from({ length: 10 }, (_, i) => i),
      );
      // The statement timeout, no longer a startup parameter, holds inside each transaction.
      const setting = await db.transaction((tx) => tx.query<{ statement_timeout: string }>('show statement_timeout'));
      assert.equal(setting[0]!.statement_timeout, '10s');
    } finally {
      await db.close();
    }
  });

  it('prepared off: migrations run through PgBouncer, once', async () => {
    const db = openPostgres({ connectionString: bouncer.url('empty'), maxConnections: 4, preparedStatements: false });
    try {
      assert.equal((await migrate(db)).length, (await migrationFiles()).length, 'every shipped migration applied');
      assert.deepEqual(await migrate(db), [], 'none applied twice');
    } finally {
      await db.close();
    }
  });

  it('50 concurrent captures with distinct references: exactly one succeeds, the rest get 422', async () => {
    const orderId = await client.authorizedOrder(10000);
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.capture(orderId, { merchant_capture_reference: `race-${i}`, capture_amount: { value: 1000 + i, currency: 'INR' } }),
      ),
    );
    assert.equal(count(replies, 200), 1, 'one capture wins');
    assert.equal(count(replies, 422), 49, 'every other capture is refused');
    for (const r of replies.filter((x) => x.status === 422)) assert.equal(r.body.code, 'OPERATION_NOT_ALLOWED');
    const capturedValue = replies.find((r) => r.status === 200)!.body.data.payments[0].capture_data[0].capture_amount.value;
    const rows = await direct.query<{ n: number }>('select count(*)::int as n from captures where order_id = $1', [orderId]);
    assert.equal(rows[0]!.n, 1);
    assert.deepEqual(await orderLedger(direct, orderId), {
      authorized: 10000,
      captured: capturedValue,
      reversed: 10000 - capturedValue,
      refunded: 0,
      held: 0,
      merchant: capturedValue,
    });
  });

  it('20 concurrent refunds never refund more than was captured', async () => {
    const orderId = await client.authorizedOrder(10000);
    await client.capture(orderId, { merchant_capture_reference: 'cap', capture_amount: { value: 5000, currency: 'INR' } });
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => client.refund(orderId, 700, `refund-${i}`)));
    // 5000 / 700 → at most 7 refunds fit.
    assert.equal(count(replies, 200), 7);
    assert.equal(count(replies, 400) + count(replies, 422), 13);
    assert.equal((await orderLedger(direct, orderId)).refunded, 4900);
  });

  it('capture racing cancel on the same order: exactly one wins, 10 times over', async () => {
    for (let round = 0; round < 10; round++) {
      const orderId = await client.authorizedOrder(5000);
      const [capture, cancel] = await Promise.all([
        client.capture(orderId, { merchant_capture_reference: `c-${round}`, capture_amount: { value: 3000, currency: 'INR' } }),
        client.cancel(orderId),
      ]);
      assert.deepEqual([capture.status, cancel.status].sort(), [200, 422], `round ${round}: one 200 and one 422`);
      const captured = capture.status === 200 ? 3000 : 0;
      assert.deepEqual(await orderLedger(direct, orderId), {
        authorized: 5000,
        captured,
        reversed: 5000 - captured,
        refunded: 0,
        held: 0,
        merchant: captured,
      });
    }
  });

  it('concurrent payments on one order: only one authorizes; every ledger balances', async () => {
    const orderId = (await client.createOrder(2000)).body.data.order_id;
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => client.pay(orderId, 2000, undefined, `p-${i}`)));
    assert.equal(count(replies, 200), 1);
    assert.equal(count(replies, 422), 9);
    assert.equal((await orderLedger(direct, orderId)).authorized, 2000);
    await assertLedgerInvariants(direct);
  });
});
