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

/**
 * Drops the stored reply body of up to `limit` Request-IDs claimed before `cutoff`, keeping the key,
 * its fingerprint, order and status: the id stays bound, and a replay answers the order as it is
 * now (core/request-replay.ts). A key without an order keeps its reply: it is all a replay has.
 * Returns how many replies went.
 */
export async function pruneStoredReplies(q: Queryable, cutoff: Date, limit: number, now: Date): Promise<number> {
  const rows = await q.query<{ pruned: number }>(
    `with doomed as (
       select merchant_id, request_id from request_keys
       where response_body is not null and order_id is not null and created_at < $1
       limit $2),
     done as (
       update request_keys k set response_body = null, reply_pruned_at = $3 from doomed d
       where k.merchant_id = d.merchant_id and k.request_id = d.request_id and k.response_body is not null
       returning 1)
     select count(*)::int as pruned from done`,
    [cutoff, limit, now],
  );
  return rows[0]?.pruned ?? 0;
}

/** Deletes up to `limit` rows of the job run history that finished before `cutoff`. Returns how many went. */
export async function pruneJobRunHistory(q: Queryable, cutoff: Date, limit: number): Promise<number> {
  const rows = await q.query<{ pruned: number }>(
    `with doomed as (select id from job_runs where finished_at < $1 limit $2),
     deleted as (delete from job_runs r using doomed d where r.id = d.id returning 1)
     select count(*)::int as pruned from deleted`,
    [cutoff, limit],
  );
  return rows[0]?.pruned ?? 0;
}

/** Deletes up to `limit` rows of the API call log recorded before `cutoff` (found by the BRIN index on `at`). Returns how many went. */
export async function pruneApiCallRows(q: Queryable, cutoff: Date, limit: number): Promise<number> {
  const rows = await q.query<{ pruned: number }>(
    `with doomed as (select id from api_calls where at < $1 limit $2),
     deleted as (delete from api_calls a using doomed d where a.id = d.id returning 1)
     select count(*)::int as pruned from deleted`,
    [cutoff, limit],
  );
  return rows[0]?.pruned ?? 0;
}
