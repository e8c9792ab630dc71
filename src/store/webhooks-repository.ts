import type { Queryable } from './db.js';
import type { GuardCondition } from './guarded-write.js';

/** True, inside a guarded write, when the merchant has no webhook URL (the outbox then records nothing). */
export function noWebhookUrlCondition(merchantId: string): GuardCondition {
  return (w) => `coalesce((select webhook_url from merchants where id = ${w.param(merchantId, 'text')}), '') = ''`;
}

export interface WebhookEventRow {
  id: string;
  merchantId: string;
  orderId: string;
  dialect: string;
  eventType: string;
  payload: string;
  createdAt: Date;
  deliveredAt: Date | null;
  gaveUpAt: Date | null;
  attempts: number;
}

export async function insertWebhookEvent(
  tx: Queryable,
  e: { id: string; merchantId: string; orderId: string; dialect: string; eventType: string; payload: string },
  now: Date,
): Promise<void> {
  await tx.query(
    'insert into webhook_events (id, merchant_id, order_id, dialect, event_type, payload, created_at) values ($1,$2,$3,$4,$5,$6,$7)',
    [e.id, e.merchantId, e.orderId, e.dialect, e.eventType, e.payload, now],
  );
}

/** `attempts` counts every attempt made, those since deleted by retention (attempts_pruned) included. */
const SELECT_EVENTS = `select e.*, (select count(*)::int from webhook_attempts a where a.event_id = e.id) + e.attempts_pruned as attempts from webhook_events e`;

function toEvent(r: Record<string, unknown>): WebhookEventRow {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    orderId: String(r.order_id),
    dialect: String(r.dialect),
    eventType: String(r.event_type),
    payload: String(r.payload),
    createdAt: new Date(r.created_at as string),
    deliveredAt: date(r.delivered_at),
    gaveUpAt: date(r.gave_up_at),
    attempts: Number(r.attempts),
  };
}

export async function findWebhookEvent(q: Queryable, id: string): Promise<WebhookEventRow | undefined> {
  const rows = await q.query(`${SELECT_EVENTS} where e.id = $1`, [id]);
  return rows[0] ? toEvent(rows[0]) : undefined;
}

export async function listWebhookEvents(
  q: Queryable,
  options: { merchantId?: string; orderId?: string; limit: number },
): Promise<WebhookEventRow[]> {
  const rows = await q.query(
    `${SELECT_EVENTS} where ($1::text is null or e.merchant_id = $1) and ($2::text is null or e.order_id = $2) order by e.created_at desc, e.seq desc limit $3`,
    [options.merchantId ?? null, options.orderId ?? null, options.limit],
  );
  return rows.map(toEvent);
}

export async function recordWebhookAttempt(
  q: Queryable,
  a: { eventId: string; url: string; statusCode: number | null; latencyMs: number; responseExcerpt: string | null; error: string | null },
  now: Date,
): Promise<void> {
  await q.query(
    'insert into webhook_attempts (event_id, attempted_at, url, status_code, latency_ms, response_excerpt, error) values ($1,$2,$3,$4,$5,$6,$7)',
    [a.eventId, now, a.url, a.statusCode, a.latencyMs, a.responseExcerpt, a.error],
  );
}

export async function markWebhookDelivered(q: Queryable, id: string, now: Date): Promise<void> {
  await q.query('update webhook_events set delivered_at = coalesce(delivered_at, $2), gave_up_at = null where id = $1', [id, now]);
}

export async function markWebhookGivenUp(q: Queryable, id: string, now: Date): Promise<void> {
  await q.query('update webhook_events set gave_up_at = $2 where id = $1 and delivered_at is null', [id, now]);
}

export interface WebhookEndpoint {
  url: string | null;
  secretCiphertext: string | null;
  basicAuthCiphertext: string | null;
}

export async function findWebhookEndpoint(q: Queryable, merchantId: string): Promise<WebhookEndpoint | undefined> {
  const rows = await q.query<{
    webhook_url: string | null;
    webhook_secret_ciphertext: string | null;
    webhook_basic_auth_ciphertext: string | null;
  }>('select webhook_url, webhook_secret_ciphertext, webhook_basic_auth_ciphertext from merchants where id = $1', [merchantId]);
  const r = rows[0];
  return r
    ? { url: r.webhook_url, secretCiphertext: r.webhook_secret_ciphertext, basicAuthCiphertext: r.webhook_basic_auth_ciphertext }
    : undefined;
}

export async function setWebhookEndpoint(
  q: Queryable,
  merchantId: string,
  url: string | null,
  basicAuthCiphertext: string | null | undefined,
): Promise<boolean> {
  const rows = await q.query(
    `update merchants set webhook_url = $2, webhook_basic_auth_ciphertext = case when $3::boolean then $4 else webhook_basic_auth_ciphertext end
     where id = $1 returning id`,
    [merchantId, url, basicAuthCiphertext !== undefined, basicAuthCiphertext ?? null],
  );
  return rows.length === 1;
}

/** Queues an event for delivery again under the same id (receivers drop duplicates by it), even if it was delivered before. */
export async function reopenWebhookEvent(tx: Queryable, eventId: string): Promise<void> {
  await tx.query('update webhook_events set delivered_at = null, gave_up_at = null where id = $1', [eventId]);
}
