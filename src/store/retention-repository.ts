import type { Queryable } from './db.js';

/**
 * Deletes up to `limit` delivery attempts of webhook events delivered before `cutoff`, and adds
 * them to each event's `attempts_pruned`, in one statement: an event never loses attempts without
 * counting them. Attempts of events not delivered (pending, given up, or reopened by a replay) are
 * kept whatever their age: they are what a person looks at to find out why. Returns how many went.
 */
export async function pruneDeliveredWebhookAttempts(q: Queryable, cutoff: Date, limit: number): Promise<number> {
  const rows = await q.query<{ pruned: number }>(
    `with doomed as (
       select a.id from webhook_events e join webhook_attempts a on a.event_id = e.id
       where e.delivered_at is not null and e.delivered_at < $1
       limit $2),
     deleted as (delete from webhook_attempts a using doomed d where a.id = d.id returning a.event_id),
     counted as (select event_id, count(*)::int as n from deleted group by event_id),
     marked as (update webhook_events e set attempts_pruned = e.attempts_pruned + c.n from counted c where e.id = c.event_id returning c.n)
     select coalesce(sum(n), 0)::int as pruned from marked`,
    [cutoff, limit],
  );
  return rows[0]?.pruned ?? 0;
}
