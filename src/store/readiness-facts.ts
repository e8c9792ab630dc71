import type { Queryable } from './db.js';

/** What /readyz judges by, read in one statement (one round trip, one connection). */
export interface ReadinessFacts {
  appliedVersions: number[];
  /** When the longest-waiting due job (of any kind, not claimed) was due; null when none is. */
  oldestDueAt: Date | null;
}

/**
 * The applied migrations and the oldest due job in a single statement: its answer also proves the
 * database answers, and one round trip keeps /readyz inside its time limit on a busy or freshly
 * reconnected pool.
 */
export async function readinessFacts(q: Queryable, now: Date): Promise<ReadinessFacts> {
  const rows = await q.query<{ versions: (number | string)[] | null; oldest: Date | string | null }>(
    `select
       (select array_agg(version) from schema_migrations) as versions,
       (select run_at from jobs
         where failed_at is null and run_at <= $1 and (locked_until is null or locked_until < $1)
         order by run_at limit 1) as oldest`,
    [now],
  );
  const row = rows[0];
  return {
    appliedVersions: (row?.versions ?? []).map(Number),
    oldestDueAt: row?.oldest ? new Date(row.oldest) : null,
  };
}
