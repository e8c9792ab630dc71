import type { Queryable } from './db.js';

/** Where an event stands: delivered, given up on (failed), or still to be delivered (pending). */
export type WebhookEventStatus = 'pending' | 'delivered' | 'failed';

/** A webhook event as the admin API lists it. */
export interface WebhookEventSummary {
  id: string;
  seq: number;
  merchantId: string;
  orderId: string;
  dialect: string;
  eventType: string;
  createdAt: Date;
  deliveredAt: Date | null;
  gaveUpAt: Date | null;
  /** Every attempt made, those deleted by retention included. */
  attemptsCount: number;
  /** Attempts deleted by retention (HOLDFAST_WEBHOOK_ATTEMPT_RETENTION) once the event was long delivered. */
  attemptsPruned: number;
  lastStatusCode: number | null;
}

export interface WebhookEventDetail extends WebhookEventSummary {
  /** The exact body sent (and signed). */
  payload: string;
}

export interface WebhookAttemptRow {
  id: number;
  attemptedAt: Date;
  url: string;
  statusCode: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
}

export interface WebhookEventQuery {
  /** null: every merchant's; otherwise only these merchants'. */
  merchantIds: readonly string[] | null;
  orderId?: string;
  status?: WebhookEventStatus;
  limit: number;
  /** Only events written before this one (the previous page's last): newest first. */
  beforeSeq?: number;
}

const STATUS_CONDITION: Record<WebhookEventStatus, string> = {
  pending: 'e.delivered_at is null and e.gave_up_at is null',
  delivered: 'e.delivered_at is not null',
  failed: 'e.delivered_at is null and e.gave_up_at is not null',
};

const SELECT_SUMMARY = `select e.id, e.seq, e.merchant_id, e.order_id, e.dialect, e.event_type, e.created_at, e.delivered_at, e.gave_up_at,
  (select count(*)::int from webhook_attempts a where a.event_id = e.id) + e.attempts_pruned as attempts_count, e.attempts_pruned,
  (select a.status_code from webhook_attempts a where a.event_id = e.id order by a.id desc limit 1) as last_status_code`;

type Row = Record<string, unknown>;
const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

function toSummary(r: Row): WebhookEventSummary {
  return {
    id: String(r.id),
    seq: Number(r.seq),
    merchantId: String(r.merchant_id),
    orderId: String(r.order_id),
    dialect: String(r.dialect),
    eventType: String(r.event_type),
    createdAt: new Date(r.created_at as string),
    deliveredAt: date(r.delivered_at),
    gaveUpAt: date(r.gave_up_at),
    attemptsCount: Number(r.attempts_count),
    attemptsPruned: Number(r.attempts_pruned ?? 0),
    lastStatusCode: r.last_status_code === null || r.last_status_code === undefined ? null : Number(r.last_status_code),
  };
}

/** A page of webhook events, newest first (keyset on the order they were written in). */
export async function listWebhookEventPage(q: Queryable, query: WebhookEventQuery): Promise<WebhookEventSummary[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.merchantIds !== null) where.push(`e.merchant_id = any(${param(query.merchantIds)}::text[])`);
  if (query.orderId !== undefined) where.push(`e.order_id = ${param(query.orderId)}`);
  if (query.status !== undefined) where.push(STATUS_CONDITION[query.status]);
  if (query.beforeSeq !== undefined) where.push(`e.seq < ${param(query.beforeSeq)}`);
  const limit = param(query.limit);
  const rows = await q.query(
    `${SELECT_SUMMARY} from webhook_events e ${where.length ? `where ${where.join(' and ')}` : ''} order by e.seq desc limit ${limit}`,
    params,
  );
  return rows.map(toSummary);
}

export async function findWebhookEventDetail(q: Queryable, id: string): Promise<WebhookEventDetail | undefined> {
  const rows = await q.query(`${SELECT_SUMMARY}, e.payload from webhook_events e where e.id = $1`, [id]);
  const r = rows[0];
  return r ? { ...toSummary(r), payload: String(r.payload) } : undefined;
}

/** Every delivery attempt of an event, oldest first. */
export async function listWebhookAttempts(q: Queryable, eventId: string): Promise<WebhookAttemptRow[]> {
  const rows = await q.query(
    'select id, attempted_at, url, status_code, latency_ms, response_excerpt, error from webhook_attempts where event_id = $1 order by id',
    [eventId],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    attemptedAt: new Date(r.attempted_at as string),
    url: String(r.url),
    statusCode: r.status_code === null ? null : Number(r.status_code),
    latencyMs: Number(r.latency_ms),
    responseExcerpt: (r.response_excerpt as string | null) ?? null,
    error: (r.error as string | null) ?? null,
  }));
}
