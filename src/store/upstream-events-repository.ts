import type { Queryable } from './db.js';

/** Whether this upstream event was already acted on. */
export async function upstreamEventSeen(q: Queryable, accountId: string, eventId: string): Promise<boolean> {
  const rows = await q.query('select 1 from upstream_events where gateway_account_id = $1 and event_id = $2', [accountId, eventId]);
  return rows.length > 0;
}

/** Records an upstream event as acted on; a second record of it changes nothing. */
export async function recordUpstreamEvent(
  q: Queryable,
  accountId: string,
  eventId: string,
  paymentId: string | null,
  at: Date,
): Promise<void> {
  await q.query(
    `insert into upstream_events (gateway_account_id, event_id, payment_id, received_at) values ($1, $2, $3, $4)
     on conflict do nothing`,
    [accountId, eventId, paymentId, at],
  );
}
