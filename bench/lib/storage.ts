/**
 * Storage per order: each table's size on disk (pg_total_relation_size: heap, indexes, TOAST)
 * and row count right after the bench's seeding (lib/seed.ts, then vacuum analyze), divided by
 * the orders seeded. The seeded orders are authorized pre-auth orders of a merchant without a
 * webhook URL, sent without a Request-ID: the webhook and request tables are listed (and stay
 * empty) so the figure says what it covers. What else grows per order is pruned by
 * src/core/retention.ts (README "Configuration").
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

export interface TableStorage {
  table: string;
  rows: number;
  bytes: number;
  bytes_per_order: number;
}

export interface StorageFigures {
  /** Orders seeded when measured. */
  orders: number;
  /** All the tables below together, per order (bytes). */
  bytes_per_order: number;
  tables: TableStorage[];
  /** What the seeded orders are, so the figure is read for what it covers. */
  seeded: string;
}

export async function measureStorage(db: Queryable, orders: number): Promise<StorageFigures> {
  const tables: TableStorage[] = [];
  for (const table of PER_ORDER_TABLES) {
    const [row] = await db.query<{ bytes: string; rows: string }>(
      `select pg_total_relation_size('${table}'::regclass)::bigint as bytes, (select count(*) from ${table})::bigint as rows`,
    );
    const bytes = Number(row?.bytes ?? 0);
    tables.push({ table, rows: Number(row?.rows ?? 0), bytes, bytes_per_order: Math.round(bytes / orders) });
  }
  const total = tables.reduce((sum, t) => sum + t.bytes, 0);
  return {
    orders,
    bytes_per_order: Math.round(total / orders),
    tables,
    seeded:
      'authorized pre-auth orders (bench/lib/seed.ts): order, payment, AUTHORIZE journal entry and its two postings, auto-void job; no webhook URL, no Request-ID',
  };
}

/** One line per table with rows, for the log and the markdown. */
export function describeStorage(s: StorageFigures): string[] {
  return [
    `storage: ${s.bytes_per_order} bytes per order over ${s.orders} seeded orders (table size with indexes / orders)`,
    ...s.tables
      .filter((t) => t.rows > 0)
      .map((t) => `  ${t.table}: ${t.rows} rows, ${t.bytes} bytes, ${t.bytes_per_order} bytes per order`),
  ];
}
