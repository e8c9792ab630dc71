import { jobMerchantSql } from './admin-jobs-repository.js';
import type { Queryable } from './db.js';

/**
 * The figures of the admin home (docs/admin-api.md `stats`), each counted from the rows the
 * dashboard links it to. `merchantIds` null: every merchant; otherwise only these.
 */

export interface StatsWindow {
  merchantIds: readonly string[] | null;
  /** Start of the first bucket and end of the last (exclusive). */
  from: Date;
  to: Date;
  bucket: 'hour' | 'day';
}

export interface BucketCounts {
  bucketStart: Date;
  authorizations: number;
  authorizationsSucceeded: number;
  captures: number;
  capturesSucceeded: number;
  voids: number;
  refunds: number;
}

const scope = (alias: string, merchantParam: string) =>
  `(${merchantParam}::text[] is null or ${alias}.merchant_id = any(${merchantParam}::text[]))`;

/**
 * Operations made in each bucket of the window: payment attempts (an authorization succeeded when
 * its payment got past it: AUTHORIZED, CAPTURED or VOIDED), captures, voids (the merchant's and the
 * capture window's; not the release of an uncaptured rest) and refunds. Buckets are UTC.
 */
export async function countOperationsByBucket(q: Queryable, w: StatsWindow): Promise<BucketCounts[]> {
  const rows = await q.query(
    `with ops as (
       select p.created_at, 'authorization' as what, p.status in ('AUTHORIZED', 'CAPTURED', 'VOIDED') as ok
         from payments p join orders o on o.id = p.order_id where p.created_at >= $1 and p.created_at < $2 and ${scope('o', '$4')}
       union all
       select c.created_at, 'capture', c.status = 'SUCCEEDED'
         from captures c join orders o on o.id = c.order_id where c.created_at >= $1 and c.created_at < $2 and ${scope('o', '$4')}
       union all
       select v.created_at, 'void', v.status = 'SUCCEEDED'
         from reversals v join orders o on o.id = v.order_id
         where v.created_at >= $1 and v.created_at < $2 and v.kind in ('VOID', 'AUTO_VOID') and ${scope('o', '$4')}
       union all
       select f.created_at, 'refund', f.status = 'SUCCEEDED'
         from refunds f join orders o on o.id = f.order_id where f.created_at >= $1 and f.created_at < $2 and ${scope('o', '$4')}
     )
     select to_char(date_trunc($3::text, created_at at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as bucket,
       count(*) filter (where what = 'authorization')::int as authorizations,
       count(*) filter (where what = 'authorization' and ok)::int as authorizations_succeeded,
       count(*) filter (where what = 'capture')::int as captures,
       count(*) filter (where what = 'capture' and ok)::int as captures_succeeded,
       count(*) filter (where what = 'void')::int as voids,
       count(*) filter (where what = 'refund')::int as refunds
     from ops group by 1 order by 1`,
    [w.from, w.to, w.bucket, w.merchantIds],
  );
  return rows.map((r) => ({
    // The bucket's UTC wall time, printed by the database with its zone: no driver reads a zoneless timestamp as local time.
    bucketStart: new Date(String(r.bucket)),
    authorizations: Number(r.authorizations),
    authorizationsSucceeded: Number(r.authorizations_succeeded),
    captures: Number(r.captures),
    capturesSucceeded: Number(r.captures_succeeded),
    voids: Number(r.voids),
    refunds: Number(r.refunds),
  }));
}

/** The balance of the ledger's `held` account per currency, over every order in scope (money authorized, not yet captured or released). */
export async function heldByCurrency(q: Queryable, merchantIds: readonly string[] | null): Promise<{ currency: string; amount: number }[]> {
  const rows = await q.query(
    `select j.currency, sum(p.amount)::bigint as amount from postings p join journal_entries j on j.id = p.entry_id
     where p.account = 'held' and ${scope('j', '$1')} group by j.currency having sum(p.amount) <> 0 order by j.currency`,
    [merchantIds],
  );
  return rows.map((r) => ({ currency: String(r.currency), amount: Number(r.amount) }));
}

/** Captures, releases and refunds sent to a gateway that has not answered them for good yet. */
export async function countPendingAtGateway(q: Queryable, merchantIds: readonly string[] | null): Promise<number> {
  const pending = `status in ('INITIATED', 'GATEWAY_PENDING', 'UNKNOWN')`;
  const rows = await q.query<{ n: number }>(
    `select ((select count(*) from captures x join orders o on o.id = x.order_id where x.${pending} and ${scope('o', '$1')})
       + (select count(*) from reversals x join orders o on o.id = x.order_id where x.${pending} and ${scope('o', '$1')})
       + (select count(*) from refunds x join orders o on o.id = x.order_id where x.${pending} and ${scope('o', '$1')}))::int as n`,
    [merchantIds],
  );
  return rows[0]?.n ?? 0;
}

/** Orders flagged for manual review (what `GET /reviews` lists). */
export async function countInReview(q: Queryable, merchantIds: readonly string[] | null): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `select count(*)::int as n from orders o where o.review_reason is not null and ${scope('o', '$1')}`,
    [merchantIds],
  );
  return rows[0]?.n ?? 0;
}

export interface WebhookHealth {
  delivered: number;
  failed: number;
  pending: number;
  oldestPendingAt: Date | null;
}

/** Webhook events delivered and given up on within [from, to), and those still waiting for a delivery (whenever made). */
export async function webhookHealth(q: Queryable, merchantIds: readonly string[] | null, from: Date, to: Date): Promise<WebhookHealth> {
  const rows = await q.query(
    `select
       (select count(*)::int from webhook_events e where e.delivered_at >= $2 and e.delivered_at < $3 and ${scope('e', '$1')}) as delivered,
       (select count(*)::int from webhook_events e where e.gave_up_at >= $2 and e.gave_up_at < $3 and ${scope('e', '$1')}) as failed,
       (select count(*)::int from webhook_events e where e.delivered_at is null and e.gave_up_at is null and ${scope('e', '$1')}) as pending,
       (select min(e.created_at) from webhook_events e where e.delivered_at is null and e.gave_up_at is null and ${scope('e', '$1')}) as oldest`,
    [merchantIds, from, to],
  );
  const r = rows[0] ?? {};
  return {
    delivered: Number(r.delivered ?? 0),
    failed: Number(r.failed ?? 0),
    pending: Number(r.pending ?? 0),
    oldestPendingAt: r.oldest === null || r.oldest === undefined ? null : new Date(r.oldest as string),
  };
}

export interface JobHealth {
  due: number;
  running: number;
  failed: number;
  oldestDueAt: Date | null;
}

/**
 * Background jobs at `now`: due (waiting for a worker), running (leased), failed (gave up, kept for
 * inspection). A job names its merchant in its payload or through the webhook event it delivers
 * (admin-jobs-repository.ts, which lists the same jobs); one that names none (a system-wide job)
 * counts only for an actor who sees every merchant.
 */
export async function jobHealth(q: Queryable, merchantIds: readonly string[] | null, now: Date): Promise<JobHealth> {
  const jobScope = `($1::text[] is null or ${jobMerchantSql('j')} = any($1::text[]))`;
  const leased = `j.locked_until is not null and j.locked_until >= $2`;
  const rows = await q.query(
    `select
       count(*) filter (where j.failed_at is null and j.run_at <= $2 and not (${leased}))::int as due,
       count(*) filter (where j.failed_at is null and ${leased})::int as running,
       count(*) filter (where j.failed_at is not null)::int as failed,
       min(j.run_at) filter (where j.failed_at is null and j.run_at <= $2 and not (${leased})) as oldest
     from jobs j where ${jobScope}`,
    [merchantIds, now],
  );
  const r = rows[0] ?? {};
  return {
    due: Number(r.due ?? 0),
    running: Number(r.running ?? 0),
    failed: Number(r.failed ?? 0),
    oldestDueAt: r.oldest === null || r.oldest === undefined ? null : new Date(r.oldest as string),
  };
}
