import type { Queryable } from './db.js';

/** The trivial statement readiness is judged by: it needs a connection and an answering server, nothing else. */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('select 1');
}
