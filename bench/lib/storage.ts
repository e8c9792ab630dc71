/**
 * Storage per order: each table's size on disk, the heap (with its TOAST, free space and
 * visibility maps: pg_table_size) apart from its indexes (pg_indexes_size), and its rows, right
 * after seeding captured orders (lib/seed.ts seedCapturedOrders, then vacuum analyze), divided by
 * the orders seeded. A seeded order is what the bench's partial capture leaves behind on a merchant
 * without a webhook URL, sent without a Request-ID: the webhook and request tables are listed (and
 * stay empty) so the figure says what it covers. The jobs of an order are gone once it is captured
 * (its auto-void job and the capture's status-sync job are deleted by the capture's answer); what
 * else grows per order is pruned by src/core/retention.ts (README "Configuration").
 */
import type { Queryable } from '../../src/store/db.js';

/** The tables that grow with orders. */
export const PER_ORDER_TABLES = [
  'orders',
  'payments',
  'captures',
  'reversals',
  'refunds',
  'journal_entries',
  'postings',
  'jobs',
  'request_keys',
  'webhook_events',
  'webhook_attempts',
  'upstream_events',
] as const;

export interface IndexStorage {
  index: string;
  bytes_per_order: number;
}

export interface TableStorage {
  table: string;
  rows: number;
  /** Heap, TOAST and indexes together. */
  bytes: number;
  bytes_per_order: number;
  /** Heap with its TOAST (pg_table_size), per order. */
  table_bytes_per_order: number;
  /** All its indexes (pg_indexes_size), per order. */
  index_bytes_per_order: number;
  indexes: IndexStorage[];
}

export interface StorageFigures {
  /** Orders seeded when measured. */
  orders: number;
  /** All the tables below together, heap and indexes, per order (bytes). */
  bytes_per_order: number;
  /** Their heaps (with TOAST) alone, per order: what the target of 1.2 KB per order in tables speaks of. */
  table_bytes_per_order: number;
  /** Their indexes alone, per order. */
  index_bytes_per_order: number;
  tables: TableStorage[];
  /** What the seeded orders are, so the figure is read for what it covers. */
  seeded: string;
}

export const STORAGE_TARGET_TABLE_BYTES = 1200;

export async function measureStorage(db: Queryable, orders: number): Promise<StorageFigures> {
  const perOrder = (bytes: number) => Math.round(bytes / orders);
  const tables: TableStorage[] = [];
  let heapTotal = 0;
  let indexTotal = 0;
  for (const table of PER_ORDER_TABLES) {
    const [row] = await db.query<{ heap: string; indexes: string; rows: string }>(
      `select pg_table_size('${table}'::regclass)::bigint as heap, pg_indexes_size('${table}'::regclass)::bigint as indexes,
         (select count(*) from ${table})::bigint as rows`,
    );
    const indexes = await db.query<{ index: string; bytes: string }>(
      `select indexrelid::regclass::text as index, pg_relation_size(indexrelid)::bigint as bytes
       from pg_index where indrelid = '${table}'::regclass order by pg_relation_size(indexrelid) desc, 1`,
    );
    const heap = Number(row?.heap ?? 0);
    const indexBytes = Number(row?.indexes ?? 0);
    heapTotal += heap;
    indexTotal += indexBytes;
    tables.push({
      table,
      rows: Number(row?.rows ?? 0),
      bytes: heap + indexBytes,
      bytes_per_order: perOrder(heap + indexBytes),
      table_bytes_per_order: perOrder(heap),
      index_bytes_per_order: perOrder(indexBytes),
      indexes: indexes.map((i) => ({ index: i.index, bytes_per_order: perOrder(Number(i.bytes)) })),
    });
  }
  return {
    orders,
    bytes_per_order: perOrder(heapTotal + indexTotal),
    table_bytes_per_order: perOrder(heapTotal),
    index_bytes_per_order: perOrder(indexTotal),
    tables,
    seeded:
      'partially captured pre-auth orders (bench/lib/seed.ts seedCapturedOrders): order, payment, capture, release of the remainder, ' +
      'AUTHORIZE, CAPTURE and REVERSE journal entries with two postings each, no job left; ids of real lengths; no webhook URL, no Request-ID',
  };
}

/** One line per table with rows, for the log and the markdown. */
export function describeStorage(s: StorageFigures): string[] {
  return [
    `storage: ${s.bytes_per_order} bytes per captured order over ${s.orders} seeded orders: ` +
      `${s.table_bytes_per_order} in tables (heap and TOAST), ${s.index_bytes_per_order} in indexes`,
    ...s.tables
      .filter((t) => t.rows > 0)
      .map(
        (t) =>
          `  ${t.table}: ${t.rows} rows, ${t.bytes_per_order} bytes per order = table ${t.table_bytes_per_order} + indexes ${t.index_bytes_per_order} ` +
          `(${t.indexes.map((i) => `${i.index} ${i.bytes_per_order}`).join(', ')})`,
      ),
  ];
}
