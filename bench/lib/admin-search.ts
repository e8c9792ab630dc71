/**
 * The admin API's order search at scale (docs/admin-api.md "Orders"): orders seeded straight into
 * the table with generate_series, spread over merchants, states, amounts and 30 days, then two
 * searches measured through the running server: one order by its merchant reference, and page 2
 * (via the cursor) of one merchant's orders in one state within a 3-day window.
 */
import { randomInt } from 'node:crypto';
import { CLI_ACTOR } from '../../src/core/admin/audit.js';
import { createAdminToken } from '../../src/core/admin/admin-tokens.js';
import { systemClock } from '../../src/domain/clock.js';
import type { Db } from '../../src/store/db.js';
import { closedLoop, type LoadResult, type RequestSpec } from './load.js';

export const ADMIN_SEARCH_MERCHANTS = 20;
const DAY_MS = 86_400_000;
const SPAN_MS = 30 * DAY_MS;
/** A mix of states like a live gateway's: most orders captured, some open, declined or refunded. */
const STATES = [
  'CAPTURED',
  'CAPTURED',
  'CAPTURED',
  'CAPTURED',
  'AUTHORIZED',
  'FAILED',
  'ATTEMPTED',
  'CREATED',
  'CREATED',
  'PARTIALLY_REFUNDED',
];

const merchantId = (k: number) => `bench-admin-m${k}`;

/** `count` orders over ADMIN_SEARCH_MERCHANTS merchants, the newest made at `now`, in batches of 100k. */
export async function seedSearchOrders(db: Db, count: number, now: Date, progress?: (done: number) => void): Promise<void> {
  await db.query(
    `insert into merchants (id, name, client_id, client_secret_hash, api_key_hash, created_at)
     select 'bench-admin-m' || k, 'Search merchant ' || k, 'bench-admin-client-' || k, decode(md5('s' || k), 'hex'), decode(md5('a' || k), 'hex'), $1
     from generate_series(0, $2::int - 1) as k`,
    [now, ADMIN_SEARCH_MERCHANTS],
  );
  // Building the order indexes once after the load is much faster than growing them row by row.
  const indexes = await db.query<{ name: string; definition: string }>(
    `select indexname as name, indexdef as definition from pg_indexes
     where tablename = 'orders' and indexname not in (select conname from pg_constraint where conrelid = 'orders'::regclass)`,
  );
  for (const index of indexes) await db.query(`drop index ${index.name}`);
  const step = SPAN_MS / count;
  for (let start = 1; start <= count; start += 100_000) {
    const end = Math.min(count, start + 99_999);
    await db.query(
      `insert into orders (id, merchant_id, dialect, merchant_order_reference, request_fingerprint, amount, currency, pre_auth, state,
         details, created_at, updated_at)
       select 'adm-' || lpad(i::text, 9, '0'), 'bench-admin-m' || (i % $4::int), case when i % 2 = 0 then 'pinelabs' else 'juspay' end,
         'adm-ref-' || i, md5('f' || i), 100 + (i * 7919) % 500000, 'INR', i % 3 <> 0, ($5::text[])[1 + ((i / $4::int) * 3) % 10], '{}',
         $3::timestamptz - (($2::bigint - i) * $6::float8) * interval '1 millisecond',
         $3::timestamptz - (($2::bigint - i) * $6::float8) * interval '1 millisecond'
       from generate_series($1::bigint, $7::bigint) as i`,
      [start, count, now, ADMIN_SEARCH_MERCHANTS, STATES, step, end],
    );
    progress?.(end);
  }
  for (const index of indexes) await db.query(index.definition);
  await db.query('vacuum (analyze) orders');
}

export interface AdminSearchFigures {
  orders: number;
  connections: number;
  by_reference: { rps: number; p50_ms: number; p99_ms: number; failed: number };
  filtered_page_2: { rps: number; p50_ms: number; p99_ms: number; failed: number };
}

async function getJson(baseUrl: string, path: string, token: string): Promise<{ data: { id: string }[]; next_cursor: string | null }> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { data: { id: string }[]; next_cursor: string | null };
  if (!response.ok) throw new Error(`admin search ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

const figures = (r: LoadResult) => ({ rps: r.rps, p50_ms: r.p50Ms, p99_ms: r.p99Ms, failed: r.failed });

/** Both searches through the admin API of the server at `baseUrl`, on a database seeded by seedSearchOrders. */
export async function measureAdminSearch(options: {
  db: Db;
  baseUrl: string;
  orders: number;
  now: Date;
  connections: number;
  durationS: number;
  log: (line: string) => void;
}): Promise<AdminSearchFigures> {
  const { baseUrl, orders, connections, durationS, log } = options;
  const { token } = await createAdminToken(
    { db: options.db, clock: systemClock },
    { name: 'bench', role: 'viewer', merchantIds: null },
    CLI_ACTOR,
  );
  const headers = { authorization: `Bearer ${token}` };

  const sample = randomInt(1, orders + 1);
  const found = await getJson(baseUrl, `/admin/v1/orders?merchant_order_reference=adm-ref-${sample}`, token);
  if (found.data.length !== 1) throw new Error(`admin search: reference adm-ref-${sample} found ${found.data.length} orders`);
  const byReference = (): RequestSpec => ({
    method: 'GET',
    path: `/admin/v1/orders?merchant_order_reference=adm-ref-${randomInt(1, orders + 1)}`,
    headers,
  });

  // Page 2 of 40 different searches: each page 1 is asked first, for its cursor.
  const pageTwos: string[] = [];
  for (let n = 0; n < 40; n++) {
    const to = options.now.getTime() - randomInt(0, 27) * DAY_MS;
    const params = new URLSearchParams({
      merchant_id: merchantId(randomInt(0, ADMIN_SEARCH_MERCHANTS)),
      status: 'CAPTURED',
      created_from: new Date(to - 3 * DAY_MS).toISOString(),
      created_to: new Date(to).toISOString(),
      limit: '25',
    });
    const first = await getJson(baseUrl, `/admin/v1/orders?${params.toString()}`, token);
    if (!first.next_cursor) throw new Error(`admin search: no page 2 for ${params.toString()} (raise --orders)`);
    params.set('cursor', first.next_cursor);
    pageTwos.push(`/admin/v1/orders?${params.toString()}`);
  }
  let next = 0;
  const filteredPage = (): RequestSpec => ({ method: 'GET', path: pageTwos[next++ % pageTwos.length] ?? '', headers });

  await closedLoop(baseUrl, { connections, durationS: 1, next: byReference });
  const reference = await closedLoop(baseUrl, { connections, durationS, next: byReference });
  log(
    `admin search by merchant reference, ${orders} orders, ${connections} connections: ${reference.rps.toFixed(0)}/s, p50 ${reference.p50Ms.toFixed(2)} ms, p99 ${reference.p99Ms.toFixed(2)} ms (${reference.failed} failed)`,
  );
  await closedLoop(baseUrl, { connections, durationS: 1, next: filteredPage });
  const page = await closedLoop(baseUrl, { connections, durationS, next: filteredPage });
  log(
    `admin search, merchant + status + 3 days, page 2 via cursor: ${page.rps.toFixed(0)}/s, p50 ${page.p50Ms.toFixed(2)} ms, p99 ${page.p99Ms.toFixed(2)} ms (${page.failed} failed)`,
  );
  return { orders, connections, by_reference: figures(reference), filtered_page_2: figures(page) };
}
