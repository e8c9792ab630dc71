import type { Queryable } from './db.js';
import type { ApiCallRow } from './api-calls-repository.js';

/**
 * What the admin API's order detail shows beside the order aggregate (orders-repository.ts): the
 * ledger with its entry ids and times, the stored API requests, the API call log, the background
 * jobs and their past runs, the webhook
 * outbox with its attempts, the audit entries and the payment link of one order.
 */

type Row = Record<string, unknown>;
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const optDate = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
const optStr = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));
const optNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const list = (v: unknown): Row[] => (typeof v === 'string' ? (JSON.parse(v) as Row[]) : ((v as Row[] | null) ?? []));

export interface LedgerEntryRow {
  id: number;
  kind: string;
  referenceId: string;
  currency: string;
  createdAt: Date;
  postings: { account: string; amount: number }[];
}

/** The order's journal entries in the order they were written, each with its postings. */
export async function loadLedgerEntries(q: Queryable, orderId: string): Promise<LedgerEntryRow[]> {
  const rows = await q.query(
    `select j.id, j.kind, j.reference_id, j.currency, j.created_at,
       coalesce((select json_agg(json_build_object('account', p.account, 'amount', p.amount) order by p.account)
         from postings p where p.entry_id = j.id), '[]') as postings
     from journal_entries j where j.order_id = $1 order by j.id`,
    [orderId],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    kind: String(r.kind),
    referenceId: String(r.reference_id),
    currency: String(r.currency),
    createdAt: date(r.created_at),
    postings: list(r.postings).map((p) => ({ account: String(p.account), amount: Number(p.amount) })),
  }));
}

export interface StoredRequestRow {
  requestId: string;
  responseStatus: number | null;
  createdAt: Date;
}

/** The merchant's requests that carried a Request-ID and made a change on this order (request_keys). */
export async function loadStoredRequests(q: Queryable, merchantId: string, orderId: string): Promise<StoredRequestRow[]> {
  const rows = await q.query(
    'select request_id, response_status, created_at from request_keys where merchant_id = $1 and order_id = $2 order by created_at, request_id',
    [merchantId, orderId],
  );
  return rows.map((r) => ({ requestId: String(r.request_id), responseStatus: optNum(r.response_status), createdAt: date(r.created_at) }));
}

/** An entry of the API call log as an order's timeline reads it: the stored call, without whose order it was. */
export type ApiCallLogRow = Omit<ApiCallRow, 'orderId' | 'merchantId'>;

/** Most API calls of one order the detail shows: the latest ones (an order polled for its status for days could have many). */
export const API_CALLS_SHOWN = 1000;

/**
 * The merchant's API calls that named this order (the API call log, migrations/029_api_calls.sql),
 * oldest first: the latest API_CALLS_SHOWN of them. Only the order's own merchant's: a call that
 * named this id with another merchant's credentials was refused, and is that merchant's.
 */
export async function loadApiCalls(q: Queryable, merchantId: string, orderId: string): Promise<ApiCallLogRow[]> {
  const rows = await q.query(
    `select method, route, status_code, request_id, server_request_id, dialect, at, duration_ms from api_calls
     where order_id = $1 and merchant_id = $2 order by at desc, id desc limit $3`,
    [orderId, merchantId, API_CALLS_SHOWN],
  );
  return rows.reverse().map((r) => ({
    method: String(r.method),
    route: String(r.route),
    statusCode: Number(r.status_code),
    requestId: optStr(r.request_id),
    serverRequestId: String(r.server_request_id),
    dialect: String(r.dialect),
    at: date(r.at),
    durationMs: Number(r.duration_ms),
  }));
}

export interface OrderJobRow {
  id: number;
  kind: string;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  lockedUntil: Date | null;
  failedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The order's background jobs still on the table: due, running or failed (a job that finished is deleted). */
export async function loadOrderJobs(q: Queryable, orderId: string): Promise<OrderJobRow[]> {
  const rows = await q.query(
    `select id, kind, run_at, attempts, max_attempts, last_error, locked_until, failed_at, created_at, updated_at
     from jobs where payload->>'orderId' = $1 order by id`,
    [orderId],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    kind: String(r.kind),
    runAt: date(r.run_at),
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    lastError: optStr(r.last_error),
    lockedUntil: optDate(r.locked_until),
    failedAt: optDate(r.failed_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  }));
}

export interface OrderJobRunRow {
  jobId: number;
  kind: string;
  attempt: number;
  startedAt: Date;
  finishedAt: Date;
  outcome: 'done' | 'retry' | 'failed';
  error: string | null;
}

/** The runs of the order's background jobs (job_runs, kept for HOLDFAST_JOB_RUN_RETENTION), in the order they finished. */
export async function loadOrderJobRuns(q: Queryable, orderId: string): Promise<OrderJobRunRow[]> {
  const rows = await q.query(
    `select job_id, kind, attempt, started_at, finished_at, outcome, error from job_runs where order_id = $1 order by id`,
    [orderId],
  );
  return rows.map((r) => ({
    jobId: Number(r.job_id),
    kind: String(r.kind),
    attempt: Number(r.attempt),
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
    outcome: String(r.outcome) as OrderJobRunRow['outcome'],
    error: optStr(r.error),
  }));
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

export interface OrderWebhookRow {
  id: string;
  eventType: string;
  dialect: string;
  createdAt: Date;
  deliveredAt: Date | null;
  gaveUpAt: Date | null;
  attempts: WebhookAttemptRow[];
  /** Attempts deleted by retention (HOLDFAST_WEBHOOK_ATTEMPT_RETENTION) once the event was long delivered. */
  attemptsPruned: number;
}

/** The order's webhook events in the order they were written, each with its delivery attempts. */
export async function loadOrderWebhooks(q: Queryable, orderId: string): Promise<OrderWebhookRow[]> {
  const rows = await q.query(
    `select e.id, e.event_type, e.dialect, e.created_at, e.delivered_at, e.gave_up_at, e.attempts_pruned,
       coalesce((select json_agg(json_build_object('id', a.id, 'attempted_at', a.attempted_at, 'url', a.url, 'status_code', a.status_code,
           'latency_ms', a.latency_ms, 'response_excerpt', a.response_excerpt, 'error', a.error) order by a.id)
         from webhook_attempts a where a.event_id = e.id), '[]') as attempts
     from webhook_events e where e.order_id = $1 order by e.created_at, e.seq`,
    [orderId],
  );
  return rows.map((r) => ({
    id: String(r.id),
    eventType: String(r.event_type),
    dialect: String(r.dialect),
    createdAt: date(r.created_at),
    deliveredAt: optDate(r.delivered_at),
    gaveUpAt: optDate(r.gave_up_at),
    attemptsPruned: Number(r.attempts_pruned ?? 0),
    attempts: list(r.attempts).map((a) => ({
      id: Number(a.id),
      attemptedAt: date(a.attempted_at),
      url: String(a.url),
      statusCode: optNum(a.status_code),
      latencyMs: Number(a.latency_ms),
      responseExcerpt: optStr(a.response_excerpt),
      error: optStr(a.error),
    })),
  }));
}

export interface OrderAuditRow {
  id: number;
  at: Date;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string;
  reason: string | null;
  requestId: string | null;
}

/** Audit entries whose target is the order or one of its rows (a payment, capture, release or refund). */
export async function loadOrderAudit(q: Queryable, targetIds: readonly string[]): Promise<OrderAuditRow[]> {
  const rows = await q.query(
    'select id, at, actor_name, action, target_type, target_id, reason, request_id from audit_log where target_id = any($1::text[]) order by id',
    [targetIds],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    at: date(r.at),
    actorName: String(r.actor_name),
    action: String(r.action),
    targetType: String(r.target_type),
    targetId: String(r.target_id),
    reason: optStr(r.reason),
    requestId: optStr(r.request_id),
  }));
}

/** The payment link that owns the order, if one does. */
export async function loadOrderPaymentLink(q: Queryable, orderId: string): Promise<{ id: string; createdAt: Date } | undefined> {
  const rows = await q.query('select id, created_at from payment_links where order_id = $1', [orderId]);
  const r = rows[0];
  return r ? { id: String(r.id), createdAt: date(r.created_at) } : undefined;
}
