import type { Db, Queryable } from './db.js';

/** One merchant API call that named an order (migrations/029_api_calls.sql). */
export interface ApiCallRow {
  orderId: string;
  merchantId: string;
  method: string;
  /** The route pattern (`/api/pay/v1/orders/:order_id`), never the URL as sent. */
  route: string;
  statusCode: number;
  /** The merchant's Request-ID header, when the call carried one. */
  requestId: string | null;
  serverRequestId: string;
  dialect: string;
  at: Date;
  durationMs: number;
}

/**
 * Stores one batch of the API call log (core/api-call-log.ts). On PostgreSQL the batch is its own
 * transaction with synchronous_commit off: the log explains what happened, it is not money, and
 * not waiting for its commit to reach the disk keeps it out of the WAL flush queue the captures
 * wait in; a crash may lose the last fraction of a second of calls, never a payment. PGlite (one
 * process, one connection) runs the INSERT alone.
 */
export async function writeApiCalls(db: Db, rows: readonly ApiCallRow[]): Promise<void> {
  if (db.kind === 'pglite') return insertApiCalls(db, rows);
  await db.transaction(async (tx) => {
    await tx.query('set local synchronous_commit = off');
    await insertApiCalls(tx, rows);
  });
}

/** One INSERT for the whole batch: a column array per field, unnested into rows. */
export async function insertApiCalls(q: Queryable, rows: readonly ApiCallRow[]): Promise<void> {
  await q.query(
    `insert into api_calls (order_id, merchant_id, method, route, status_code, request_id, server_request_id, dialect, at, duration_ms)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::text[], $8::text[],
       $9::timestamptz[], $10::integer[])`,
    [
      rows.map((r) => r.orderId),
      rows.map((r) => r.merchantId),
      rows.map((r) => r.method),
      rows.map((r) => r.route),
      rows.map((r) => r.statusCode),
      rows.map((r) => r.requestId),
      rows.map((r) => r.serverRequestId),
      rows.map((r) => r.dialect),
      rows.map((r) => r.at.toISOString()),
      rows.map((r) => r.durationMs),
    ],
  );
}
