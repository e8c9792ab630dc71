import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, PineLabsClient } from '../helpers/pinelabs-client.js';
import { onPostgres } from '../helpers/test-database.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const DB = onPostgres ? 'PostgreSQL' : 'PGlite';
const MINUTE = 60_000;

describe(`/readyz: database, migrations and job lag (${DB})`, () => {
  let server: TestServer;
  const readyz = () => call(server.baseUrl, 'GET', '/readyz');
  const assertReady = async () => {
    const reply = await readyz();
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(reply.body, { status: 'ready', database: 'ok' });
    assert.equal(reply.headers.get('cache-control'), 'no-store');
  };
  const assertUnavailable = async (reason: RegExp) => {
    const reply = await readyz();
    assert.equal(reply.status, 503, JSON.stringify(reply.body));
    assert.equal(reply.body.status, 'unavailable');
    assert.match(reply.body.reason, reason);
    assert.equal(reply.body.database, 'ok', 'the database itself answered');
    assert.equal(reply.headers.get('retry-after'), '2');
    return reply.body.reason as string;
  };

  before(async () => {
    server = await startTestServer({ HOLDFAST_READY_JOB_LAG: '5m' });
  });
  after(() => server.close());

  it('200 on a migrated database with no job waiting; /healthz is liveness only', async () => {
    await assertReady();
    const health = await call(server.baseUrl, 'GET', '/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok' });
  });

  it('503 naming the migration the database lacks; 200 again once it is recorded as applied', async () => {
    const [last] = await server.db.query<{ version: number; name: string }>(
      'select version, name from schema_migrations order by version desc limit 1',
    );
    assert.ok(last);
    await server.db.query('delete from schema_migrations where version = $1', [last.version]);
    try {
      const reason = await assertUnavailable(/^migrations not applied: /);
      assert.equal(reason, `migrations not applied: ${last.name}`);
      assert.equal((await call(server.baseUrl, 'GET', '/healthz')).status, 200, 'still alive');
    } finally {
      await server.db.query('insert into schema_migrations (version, name) values ($1, $2)', [last.version, last.name]);
    }
    await assertReady();
  });

  it('503 once a due job has waited longer than HOLDFAST_READY_JOB_LAG; 200 again when the jobs have run', async () => {
    // An order paid for a merchant with a webhook URL: its delivery jobs are due at once.
    const merchant = await server.newMerchant('Readiness', { webhookUrl: 'http://127.0.0.1:9/hooks' });
    const client = await PineLabsClient.login(server.baseUrl, merchant);
    await client.authorizedOrder(5000);
    const due = await server.db.query("select 1 from jobs where kind = 'webhook.deliver' and run_at <= $1", [server.clock.now()]);
    assert.ok(due.length > 0, 'delivery jobs are due');
    await assertReady();

    server.clock.advance(5 * MINUTE);
    await assertReady(); // waiting exactly the limit is still within it

    server.clock.advance(MINUTE);
    const reason = await assertUnavailable(/^background jobs are behind/);
    assert.equal(reason, 'background jobs are behind: the oldest due job has waited 6m (limit 5m)');

    // The receiver refuses: each delivery is retried later, so nothing is due any more.
    await server.runJobs();
    await assertReady();
  });
});
