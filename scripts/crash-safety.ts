/**
 * Crash safety, measured: Holdfast on PostgreSQL with the HTTP acquirer (faults on) under a mixed
 * load is killed with SIGKILL at random moments and restarted, then left to settle. It then checks
 * that every operation answered 2xx is stored, every order's ledger balances, nothing is left
 * pending, and every state change's webhook was delivered. Prints the counts as JSON; exit 1 on
 * any failure. Usage: DATABASE_URL=postgres://… (a server to create a scratch database on)
 *   npx tsx scripts/crash-safety.ts [--kills 6] [--seed 42]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '6' }, seed: { type: 'string', default: '42' } } });
const KILLS = Number(values.kills);
let seed = Number(values.seed);
const random = () => {
  // mulberry32: a small seeded PRNG so a run can be repeated
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
/** `value`, which the caller knows is there; throws naming `what` if it is not. */
function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`crash-safety: ${what} is missing`);
  return value;
}
const pick = <T>(items: readonly T[]): T => defined(items[Math.floor(random() * items.length)], 'a pick from an empty list');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BIN = new URL('../bin/holdfast.js', import.meta.url).pathname;

const baseUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!baseUrl) {
  console.error('crash-safety needs DATABASE_URL (or TEST_DATABASE_URL) pointing at a PostgreSQL server');
  process.exit(2);
}
/** The PostgreSQL server, known to be set past the check above. */
const serverUrl: string = baseUrl;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts a holdfast command and resolves once `ready` appears in its output. */
function launch(args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`holdfast ${args[0]} did not start: ${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`holdfast ${args[0]} exited ${code}: ${output}`));
    });
  });
}

/** The fields of the API's JSON answers the load reads; a 200 answer has them. */
interface ApiAnswer {
  access_token: string;
  data: { order_id: string; status: string };
}

interface Ack {
  kind: 'order' | 'payment' | 'capture' | 'cancel' | 'refund';
  orderId: string;
  reference?: string;
}

async function main() {
  const dbName = `holdfast_crash_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const dbUrl = new URL(serverUrl);
  dbUrl.pathname = `/${dbName}`;
  const DATABASE_URL = dbUrl.toString();
  const children: ChildProcess[] = [];
  const received = new Map<string, number>();
  const receiver = createServer((req, res) => {
    const id = String(req.headers['webhook-id'] ?? '');
    req.resume();
    req.on('end', () => {
      received.set(id, (received.get(id) ?? 0) + 1);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  db.on('error', () => {}); // dropping the scratch database at the end ends its idle connections
  try {
    const acquirerPort = await freePort();
    const acquirer = await launch(
      [
        'acquirer',
        '--port',
        String(acquirerPort),
        '--seed',
        String(seed),
        '--latency-median-ms',
        '3',
        '--latency-p99-ms',
        '40',
        '--timeout-rate',
        '0.03',
        '--error-rate',
        '0.03',
        '--reset-rate',
        '0.02',
        '--late-success-rate',
        '0.03',
        '--log-level',
        'warn',
      ],
      {},
      /listening on/,
    );
    children.push(acquirer.child);
    const env = {
      DATABASE_URL,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      HOLDFAST_ACQUIRER_URL: `http://127.0.0.1:${acquirerPort}`,
      HOLDFAST_ACQUIRER_TIMEOUT: '300ms',
      HOLDFAST_SYNC_DELAY: '700ms',
      HOLDFAST_SYNC_ATTEMPTS: '40',
      HOLDFAST_WEBHOOK_RETRY_SCHEDULE: '200ms,500ms,1s,1s,2s,2s,5s,5s,5s',
      LOG_LEVEL: 'error',
    };
    const created = spawnSync(
      process.execPath,
      [BIN, 'merchant', 'create', '--name', 'Crash test', '--webhook-url', receiverUrl, '--connector', 'http-acquirer', '--json'],
      {
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
      },
    );
    if (created.status !== 0) throw new Error(`merchant create failed: ${created.stderr}`);
    const merchant = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
    const api = `http://127.0.0.1:${env.PORT}`;

    const acks: Ack[] = [];
    let requests = 0;
    let failedRequests = 0;
    let token = '';
    const call = async (method: string, path: string, body?: unknown) => {
      requests += 1;
      try {
        const response = await fetch(api + path, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(5000),
        });
        return { status: response.status, body: (await response.json()) as ApiAnswer | undefined };
      } catch {
        failedRequests += 1;
        return { status: 0, body: undefined };
      }
    };
    const login = async () => {
      const reply = await call('POST', '/api/auth/v1/token', {
        client_id: merchant.client_id,
        client_secret: merchant.client_secret,
        grant_type: 'client_credentials',
      });
      if (reply.status === 200 && reply.body) token = reply.body.access_token;
    };
    const CARDS = [
      '4111111111111111',
      '5555555555554444',
      '4111111111111111',
      '4000000000000077',
      '4000000000000093',
      '4000000000000101',
      '4000000000000119',
      '4000000000000127',
      '4000000000000002',
    ];
    let sequence = 0;
    const flow = async () => {
      const ref = `c${Date.now().toString(36)}${(sequence++).toString(36)}`;
      const amount = 1000 + Math.floor(random() * 19000);
      const order = await call('POST', '/api/pay/v1/orders', {
        merchant_order_reference: ref,
        order_amount: { value: amount, currency: 'INR' },
        pre_auth: true,
      });
      if (order.status !== 200 || !order.body) return;
      const orderId = order.body.data.order_id;
      acks.push({ kind: 'order', orderId });
      const payment = await call('POST', `/api/pay/v1/orders/${orderId}/payments`, {
        payments: [
          {
            merchant_payment_reference: `${ref}p`,
            payment_method: 'CARD',
            payment_amount: { value: amount, currency: 'INR' },
            payment_option: { card_details: { card_number: pick(CARDS), cvv: '123', expiry_month: '12', expiry_year: '2034' } },
          },
        ],
      });
      if (payment.status !== 200) return;
      acks.push({ kind: 'payment', orderId, reference: `${ref}p` });
      if (payment.body?.data.status !== 'AUTHORIZED') return;
      const action = pick(['partial', 'full', 'cancel', 'refund', 'refund']);
      if (action === 'cancel') {
        const cancel = await call('PUT', `/api/pay/v1/orders/${orderId}/cancel`);
        if (cancel.status === 200) acks.push({ kind: 'cancel', orderId });
        return;
      }
      const captureAmount = action === 'full' ? amount : Math.max(100, Math.floor(amount * (0.3 + random() * 0.6)));
      const capture = await call('PUT', `/api/pay/v1/orders/${orderId}/capture`, {
        merchant_capture_reference: `${ref}c`,
        capture_amount: { value: captureAmount, currency: 'INR' },
      });
      if (capture.status !== 200) return;
      acks.push({ kind: 'capture', orderId, reference: `${ref}c` });
      if (action !== 'refund' || capture.body?.data.status !== 'PROCESSED') return;
      const refund = await call('POST', `/api/pay/v1/refunds/${orderId}`, {
        merchant_order_reference: `${ref}r`,
        order_amount: { value: Math.max(100, Math.floor(captureAmount / 2)), currency: 'INR' },
      });
      if (refund.status === 200) acks.push({ kind: 'refund', orderId, reference: `${ref}r` });
    };

    let kills = 0;
    for (let cycle = 0; cycle < KILLS; cycle++) {
      const server = await launch(['start'], env, /Holdfast listening/);
      children.push(server.child);
      await login();
      let stop = false;
      const workers = Array.from({ length: 6 }, async () => {
        while (!stop) await flow();
      });
      await sleep(1500 + random() * 2000);
      server.child.kill('SIGKILL');
      kills += 1;
      await new Promise((r) => server.child.once('exit', r));
      stop = true;
      await Promise.all(workers);
    }

    // Last start, no load: background work settles everything left behind.
    const final = await launch(['start'], env, /Holdfast listening/);
    children.push(final.child);
    const outstanding = async () => {
      const rows = await db.query<{ n: string }>(`select
        (select count(*) from orders where state in ('PENDING', 'CAPTURE_PENDING', 'VOID_PENDING'))
      + (select count(*) from captures where status not in ('SUCCEEDED', 'FAILED'))
      + (select count(*) from reversals where status not in ('SUCCEEDED', 'FAILED'))
      + (select count(*) from refunds where status not in ('SUCCEEDED', 'FAILED'))
      + (select count(*) from webhook_events where delivered_at is null) as n`);
      return Number(defined(rows.rows[0], 'the outstanding count').n);
    };
    const settleDeadline = Date.now() + 120_000;
    while ((await outstanding()) > 0 && Date.now() < settleDeadline) await sleep(500);
    final.child.kill('SIGTERM');
    await new Promise((r) => final.child.once('exit', r));

    // The checks.
    const problems: string[] = [];
    for (const ack of acks) {
      const q =
        ack.kind === 'order'
          ? ['select 1 from orders where id = $1', [ack.orderId]]
          : ack.kind === 'payment'
            ? ['select 1 from payments where order_id = $1 and merchant_payment_reference = $2', [ack.orderId, ack.reference]]
            : ack.kind === 'capture'
              ? ['select 1 from captures where order_id = $1 and merchant_capture_reference = $2', [ack.orderId, ack.reference]]
              : ack.kind === 'cancel'
                ? ["select 1 from reversals where order_id = $1 and kind = 'VOID'", [ack.orderId]]
                : ['select 1 from refunds where order_id = $1 and merchant_refund_reference = $2', [ack.orderId, ack.reference]];
      if ((await db.query(q[0] as string, q[1] as unknown[])).rowCount === 0)
        problems.push(`acknowledged ${ack.kind} missing on ${ack.orderId}`);
    }
    const unbalanced = await db.query('select entry_id from postings group by entry_id having sum(amount) <> 0');
    if (unbalanced.rowCount) problems.push(`${unbalanced.rowCount} journal entries do not sum to zero`);
    const ledgers = await db.query<{ id: string; authorized: number; captured: number; reversed: number; refunded: number; held: number }>(`
      select o.id,
        coalesce(sum(p.amount) filter (where j.kind = 'AUTHORIZE' and p.amount > 0), 0)::int as authorized,
        coalesce(sum(p.amount) filter (where j.kind = 'CAPTURE' and p.amount > 0), 0)::int as captured,
        coalesce(sum(p.amount) filter (where j.kind = 'REVERSE' and p.amount > 0), 0)::int as reversed,
        coalesce(sum(p.amount) filter (where j.kind = 'REFUND' and p.amount > 0), 0)::int as refunded,
        coalesce(sum(p.amount) filter (where p.account = 'held'), 0)::int as held
      from orders o left join journal_entries j on j.order_id = o.id left join postings p on p.entry_id = j.id group by o.id`);
    let balanced = 0;
    for (const l of ledgers.rows) {
      if (l.captured + l.reversed + l.held !== l.authorized || l.refunded > l.captured || l.held < 0)
        problems.push(`order ${l.id} ledger broken: ${JSON.stringify(l)}`);
      else balanced += 1;
    }
    const left = await outstanding();
    if (left > 0) problems.push(`${left} operations or webhooks still outstanding after settling`);
    const events = await db.query<{ id: string; order_id: string; event_type: string }>(
      'select id, order_id, event_type from webhook_events',
    );
    const notReceived = events.rows.filter((e) => !received.has(e.id));
    if (notReceived.length) problems.push(`${notReceived.length} webhook events never reached the receiver`);
    const expected = await db.query<{ missing: number }>(`select count(*)::int as missing from (
        select j.order_id, case j.kind when 'AUTHORIZE' then 'ORDER_AUTHORIZED' when 'CAPTURE' then 'ORDER_PROCESSED' when 'REFUND' then 'REFUND_PROCESSED' end as needed
        from journal_entries j where j.kind in ('AUTHORIZE', 'CAPTURE', 'REFUND')
        union all
        select r.order_id, 'ORDER_CANCELLED' from reversals r where r.kind in ('VOID', 'AUTO_VOID') and r.status = 'SUCCEEDED'
      ) need where not exists (select 1 from webhook_events e where e.order_id = need.order_id and e.event_type = need.needed)`);
    const missing = defined(expected.rows[0], 'the missing webhook count').missing;
    if (missing > 0) problems.push(`${missing} state changes have no webhook event`);
    const states = await db.query<{ state: string; n: number }>(
      'select state, count(*)::int as n from orders group by state order by state',
    );
    const summary = {
      kills,
      requests,
      requests_without_answer: failedRequests,
      acknowledged: Object.fromEntries(
        ['order', 'payment', 'capture', 'cancel', 'refund'].map((k) => [k, acks.filter((a) => a.kind === k).length]),
      ),
      acknowledged_missing: problems.filter((p) => p.startsWith('acknowledged')).length,
      orders: ledgers.rowCount,
      orders_balanced: balanced,
      order_states: Object.fromEntries(states.rows.map((r) => [r.state, r.n])),
      outstanding_after_sync: left,
      webhook_events: events.rowCount,
      webhook_events_delivered: events.rows.length - notReceived.length,
      webhook_duplicates_received: [...received.values()].reduce((s, n) => s + n - 1, 0),
      problems: problems.slice(0, 20),
    };
    console.log(JSON.stringify(summary, null, 2));
    if (kills < 5) problems.push('fewer than 5 kills');
    process.exitCode = problems.length === 0 ? 0 : 1;
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    receiver.close();
    await db.end();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
