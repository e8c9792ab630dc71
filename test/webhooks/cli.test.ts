import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import type { Db } from '../../src/store/db.js';
import { openPglite } from '../../src/store/pglite-db.js';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { onPostgres, openTestDatabase, TEST_MASTER_KEY } from '../helpers/test-database.js';
import { JuspayHttp } from '../juspay/helpers/juspay-http.js';
import { verifyAt, WebhookReceiver } from './receiver.js';
import { freePort } from '../helpers/free-port.js';

const BIN = join(process.cwd(), 'bin', 'holdfast.js');
const DB = onPostgres ? 'PostgreSQL' : 'PGlite';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `holdfast` executable (asynchronously: the receiver in this process must keep answering). */
function holdfast(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

interface ListedEvent {
  id: string;
  merchantId: string;
  orderId: string;
  dialect: string;
  eventType: string;
  payload: any;
  createdAt: string;
  deliveredAt: string | null;
  gaveUpAt: string | null;
  attempts: number;
}

describe(`holdfast merchant / webhooks commands (${DB})`, () => {
  let env: Record<string, string>;
  let dataDir: string | undefined;
  let postgres: (Db & { url?: string }) | undefined;
  let receiver: WebhookReceiver;
  let hooked: MerchantCredentials;
  let quiet: MerchantCredentials;
  let plOrderId = '';
  const secrets = new Map<string, string>();

  before(async () => {
    receiver = new WebhookReceiver({ secretFor: (path) => secrets.get(path) });
    await receiver.start();
    if (onPostgres) {
      postgres = await openTestDatabase();
      env = { DATABASE_URL: postgres.url!, HOLDFAST_MASTER_KEY: TEST_MASTER_KEY };
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'holdfast-webhooks-cli-'));
      env = { HOLDFAST_DATA_DIR: dataDir };
    }
    env = { ...env, LOG_LEVEL: 'warn', HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s' };
  });
  after(async () => {
    await receiver.stop();
    await postgres?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** The database, for a look between commands (PGlite: only while no holdfast process holds it). */
  async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    if (postgres) return fn(postgres);
    const db = await openPglite(join(dataDir!, 'pgdata'));
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  const merchantRow = (id: string) =>
    withDb(
      async (db) =>
        (
          await db.query<Record<string, string | null>>(
            'select webhook_url, webhook_basic_auth_ciphertext, row_to_json(m)::text as dump from merchants m where id = $1',
            [id],
          )
        )[0]!,
    );

  async function startServer(): Promise<{ baseUrl: string; stop(): Promise<void> }> {
    const port = await freePort();
    const child: ChildProcess = spawn(process.execPath, [BIN, 'start'], {
      env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise((r) => child.once('exit', r));
    await waitFor(() => output.includes('Holdfast listening') || child.exitCode !== null, 'holdfast start', 60_000);
    assert.match(output, /Holdfast listening/, output);
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      async stop() {
        child.kill('SIGTERM');
        await exited;
      },
    };
  }

  const listJson = async (...args: string[]): Promise<ListedEvent[]> => {
    const run = await holdfast(['webhooks', 'list', '--json', ...args], env);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout);
  };

  it('merchant create --webhook-url stores the URL; without it, the merchant has none', async () => {
    const created = await holdfast(
      ['merchant', 'create', '--name', 'Hooked shop', '--webhook-url', `${receiver.url}/created`, '--json'],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    hooked = JSON.parse(created.stdout.trim());
    assert.match(hooked.webhook_secret, /^whsec_/);
    const plain = await holdfast(['merchant', 'create', '--name', 'Quiet shop', '--json'], env);
    assert.equal(plain.code, 0, plain.stderr);
    quiet = JSON.parse(plain.stdout.trim());
    assert.equal((await merchantRow(hooked.merchant_id)).webhook_url, `${receiver.url}/created`);
    assert.equal((await merchantRow(quiet.merchant_id)).webhook_url, null);
  });

  it('merchant set-webhook changes the URL and stores the Basic credentials encrypted', async () => {
    const run = await holdfast(
      [
        'merchant',
        'set-webhook',
        '--merchant',
        hooked.merchant_id,
        '--url',
        `${receiver.url}/moved`,
        '--basic-auth',
        'hook-user:s3cret-pw',
      ],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`Webhooks for ${hooked.merchant_id} go to ${receiver.url}/moved`));
    const row = await merchantRow(hooked.merchant_id);
    assert.equal(row.webhook_url, `${receiver.url}/moved`);
    assert.ok(row.webhook_basic_auth_ciphertext, 'credentials stored');
    assert.ok(
      !row.dump!.includes('s3cret-pw') && !row.dump!.includes(Buffer.from('hook-user:s3cret-pw').toString('base64')),
      'not in plain text',
    );
    secrets.set('/moved', hooked.webhook_secret);
  });

  it('a running server delivers the events of both dialects to the new URL, signed, with the Basic credentials', async () => {
    const server = await startServer();
    try {
      const pineLabs = await PineLabsClient.login(server.baseUrl, hooked);
      plOrderId = await pineLabs.authorizedOrder(5000);
      assert.equal((await pineLabs.capture(plOrderId, { merchant_capture_reference: uniqueRef('cap') })).status, 200);
      const juspay = new JuspayHttp(server.baseUrl, hooked.api_key);
      const order = await juspay.authorizedOrder('70.00');
      assert.equal((await juspay.capture(order.txnUuid)).status, 200);
      await (await PineLabsClient.login(server.baseUrl, quiet)).authorizedOrder(1000);
      await waitFor(() => receiver.processed.size >= 5, 'five webhooks');
    } finally {
      await server.stop();
    }
    assert.equal(receiver.processed.size, 5);
    for (const r of receiver.requests) {
      assert.equal(r.path, '/moved');
      assert.equal(r.outcome, 'processed');
      assert.equal(r.headers.authorization, `Basic ${Buffer.from('hook-user:s3cret-pw').toString('base64')}`);
      verifyAt(hooked.webhook_secret, r.body, r.headers, r.at);
    }
    const types = [...receiver.processed.values()]
      .map((r) => JSON.parse(r.body))
      .map((b) => b.event_type ?? b.event_name)
      .sort();
    assert.deepEqual(types, ['ORDER_AUTHORIZED', 'ORDER_AUTHORIZED', 'ORDER_PROCESSED', 'ORDER_SUCCEEDED', 'TXN_CREATED']);
  });

  it('webhooks list shows each event with its state; --json, --merchant, --order and --limit', async () => {
    const text = await holdfast(['webhooks', 'list'], env);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trim().split('\n');
    assert.equal(lines.length, 5);
    for (const id of receiver.processed.keys()) {
      const line = lines.find((l) => l.startsWith(id));
      assert.ok(line, `a line for ${id}`);
      assert.match(line, /attempts 1\s+delivered \d{4}-\d\d-\d\dT/);
    }
    assert.equal(lines.filter((l) => /\bpinelabs\b/.test(l)).length, 2);
    assert.equal(lines.filter((l) => /\bjuspay\b/.test(l)).length, 3);

    const events = await listJson();
    assert.equal(events.length, 5);
    for (const e of events) {
      assert.deepEqual(Object.keys(e).sort(), [
        'attempts',
        'createdAt',
        'deliveredAt',
        'dialect',
        'eventType',
        'gaveUpAt',
        'id',
        'merchantId',
        'orderId',
        'payload',
      ]);
      assert.equal(e.merchantId, hooked.merchant_id);
      assert.equal(e.attempts, 1);
      assert.ok(e.deliveredAt);
      assert.equal(e.gaveUpAt, null);
      assert.equal(JSON.stringify(e.payload), receiver.processed.get(e.id)!.body, 'the payload as sent');
      assert.equal(e.dialect === 'pinelabs' ? e.payload.event_type : e.payload.event_name, e.eventType);
    }
    assert.deepEqual(await listJson('--merchant', quiet.merchant_id), []);
    const none = await holdfast(['webhooks', 'list', '--merchant', quiet.merchant_id], env);
    assert.equal(none.code, 0);
    assert.match(none.stdout, /No webhook events/);
    const ofOrder = await listJson('--order', plOrderId);
    assert.deepEqual(ofOrder.map((e) => e.eventType).sort(), ['ORDER_AUTHORIZED', 'ORDER_PROCESSED']);
    assert.equal((await listJson('--limit', '2')).length, 2);
  });

  it('webhooks replay EVENT_ID re-enqueues the event (delivered_at cleared, job row present); the next server run sends it again, same id', async () => {
    const [event] = (await listJson('--order', plOrderId)).filter((e) => e.eventType === 'ORDER_PROCESSED');
    assert.ok(event);
    const run = await holdfast(['webhooks', 'replay', event.id], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`${event.id} \\(ORDER_PROCESSED\\) queued`));
    await withDb(async (db) => {
      const [row] = await db.query<{ delivered_at: Date | null; gave_up_at: Date | null }>(
        'select delivered_at, gave_up_at from webhook_events where id = $1',
        [event.id],
      );
      assert.equal(row!.delivered_at, null);
      assert.equal(row!.gave_up_at, null);
      const jobs = await db.query<{ kind: string; attempts: number; failed_at: Date | null; payload: unknown }>(
        'select kind, attempts, failed_at, payload from jobs where job_key = $1',
        [`webhook:${event.id}`],
      );
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]!.kind, 'webhook.deliver');
      assert.equal(jobs[0]!.attempts, 0);
      assert.equal(jobs[0]!.failed_at, null);
    });
    const listed = (await listJson('--order', plOrderId)).find((e) => e.id === event.id)!;
    assert.equal(listed.deliveredAt, null);
    const pendingLine = (await holdfast(['webhooks', 'list', '--order', plOrderId], env)).stdout
      .split('\n')
      .find((l) => l.startsWith(event.id));
    assert.match(pendingLine!, /pending$/);

    const before = receiver.requests.length;
    const server = await startServer();
    try {
      await waitFor(() => receiver.requests.length > before, 'the replayed webhook');
    } finally {
      await server.stop();
    }
    const again = receiver.requests.slice(before);
    assert.equal(again.length, 1);
    assert.equal(again[0]!.id, event.id);
    assert.equal(again[0]!.outcome, 'duplicate', 'the receiver drops it by its id');
    assert.equal(again[0]!.body, receiver.processed.get(event.id)!.body);
    const redelivered = (await listJson('--order', plOrderId)).find((e) => e.id === event.id)!;
    assert.ok(redelivered.deliveredAt);
    assert.equal(redelivered.attempts, 2);
  });

  it('merchant set-webhook --none stops webhooks', async () => {
    const run = await holdfast(['merchant', 'set-webhook', '--merchant', hooked.merchant_id, '--none'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /are off/);
    assert.equal((await merchantRow(hooked.merchant_id)).webhook_url, null);
  });

  it('bad arguments: exit 1 with a clear message, no stack trace, nothing changed', async () => {
    await holdfast(['merchant', 'set-webhook', '--merchant', hooked.merchant_id, '--url', `${receiver.url}/kept`], env);
    const cases: Array<[string[], RegExp]> = [
      [['webhooks'], /usage: holdfast webhooks list/],
      [['webhooks', 'frobnicate'], /usage: holdfast webhooks list/],
      [['webhooks', 'replay'], /usage: holdfast webhooks replay EVENT_ID/],
      [['webhooks', 'replay', 'msg_a', 'msg_b'], /usage: holdfast webhooks replay EVENT_ID/],
      [['webhooks', 'replay', 'msg_doesnotexist'], /no webhook event msg_doesnotexist/],
      [['webhooks', 'list', '--limit', '0'], /--limit must be a whole number from 1 to 10000/],
      [['webhooks', 'list', '--limit', 'many'], /--limit must be a whole number/],
      [['webhooks', 'list', '--bogus'], /Unknown option '--bogus'/],
      [['merchant', 'set-webhook', '--url', 'http://127.0.0.1:9/x'], /needs --merchant ID/],
      [['merchant', 'set-webhook', '--merchant', hooked.merchant_id], /needs --url URL/],
      [['merchant', 'set-webhook', '--merchant', hooked.merchant_id, '--url', 'ftp://example.com/x'], /--url must be an http\(s\) URL/],
      [
        ['merchant', 'set-webhook', '--merchant', hooked.merchant_id, '--url', 'http://127.0.0.1:9/x', '--basic-auth', 'no-colon'],
        /--basic-auth must be USER:PASSWORD/,
      ],
      [['merchant', 'set-webhook', '--merchant', 'mer_doesnotexist', '--url', 'http://127.0.0.1:9/x'], /no merchant mer_doesnotexist/],
      [['merchant', 'create', '--name', 'Bad', '--webhook-url', 'not a url'], /--webhook-url must be an http\(s\) URL/],
      [['merchant', 'create', '--name', 'Bad', '--webhook-url'], /--webhook-url/],
    ];
    for (const [args, message] of cases) {
      const run = await holdfast(args, env);
      assert.equal(run.code, 1, `${args.join(' ')}: exit 1 (${run.stdout}${run.stderr})`);
      assert.match(run.stderr, message, args.join(' '));
      assert.doesNotMatch(run.stderr, /\n\s+at /, `${args.join(' ')}: no stack trace`);
      assert.equal(run.stdout, '', `${args.join(' ')}: nothing on stdout`);
    }
    assert.equal((await merchantRow(hooked.merchant_id)).webhook_url, `${receiver.url}/kept`);
    await withDb(async (db) => {
      assert.equal((await db.query("select * from merchants where name = 'Bad'")).length, 0);
      assert.equal((await db.query('select * from jobs where failed_at is not null')).length, 0);
    });
  });

  it('a webhook URL that does not parse is refused, not stored to fail every delivery', async () => {
    const create = await holdfast(['merchant', 'create', '--name', 'Unparsable', '--webhook-url', 'http://[nope/', '--json'], env);
    const set = await holdfast(['merchant', 'set-webhook', '--merchant', hooked.merchant_id, '--url', 'http://[nope/'], env);
    await withDb(async (db) => {
      assert.equal((await db.query("select * from merchants where name = 'Unparsable'")).length, 0, 'merchant create refused it');
    });
    assert.equal((await merchantRow(hooked.merchant_id)).webhook_url, `${receiver.url}/kept`, 'set-webhook refused it');
    for (const run of [create, set]) {
      assert.equal(run.code, 1);
      assert.match(run.stderr, /must be an http\(s\) URL/);
    }
  });
});
