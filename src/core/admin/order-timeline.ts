import type { Operation, OrderAggregate } from '../../domain/order.js';
import type {
  ApiCallLogRow,
  LedgerEntryRow,
  OrderAuditRow,
  OrderJobRow,
  OrderJobRunRow,
  OrderWebhookRow,
  StoredRequestRow,
} from '../../store/admin-order-detail-repository.js';

export type TimelineKind = 'api_call' | 'gateway' | 'state' | 'job' | 'webhook' | 'operator';

/** One event of an order_detail's timeline (docs/admin-api.md). */
export interface TimelineEvent {
  at: string;
  kind: TimelineKind;
  title: string;
  detail: string | null;
  request_id: string | null;
  latency_ms: number | null;
  /** For an entry of the API call log: the call as recorded; null for every other entry. */
  call: { method: string; route: string; status: number; server_request_id: string; dialect: string } | null;
}

export interface TimelineSources {
  aggregate: OrderAggregate;
  ledger: readonly LedgerEntryRow[];
  requests: readonly StoredRequestRow[];
  apiCalls: readonly ApiCallLogRow[];
  jobs: readonly OrderJobRow[];
  /** The finished runs of the order's jobs (job_runs). */
  jobRuns: readonly OrderJobRunRow[];
  webhooks: readonly OrderWebhookRow[];
  audit: readonly OrderAuditRow[];
}

interface Event {
  at: Date;
  kind: TimelineKind;
  title: string;
  detail?: string | null;
  requestId?: string | null;
  latencyMs?: number | null;
  call?: TimelineEvent['call'];
  /** Overrides the kind's place within one instant (the creation's state comes with the creating call). */
  rank?: number;
}

/** Within one instant, events read in cause-and-effect order: the call or job, the gateway's answer, the state it led to, the webhook. */
const KIND_ORDER: Record<TimelineKind, number> = { operator: 0, api_call: 1, job: 1, gateway: 2, state: 3, webhook: 4 };

const LEDGER_TITLES: Record<string, string> = {
  AUTHORIZE: 'Authorized: money held',
  CAPTURE: 'Captured: money moved to the merchant',
  REVERSE: 'Released: held money given back',
  REFUND: 'Refunded: money returned to the customer',
};

const SETTLED = new Set(['SUCCEEDED', 'FAILED', 'AUTHORIZED', 'CAPTURED', 'VOIDED']);

const errorText = (row: { errorCode: string | null; errorMessage: string | null }) =>
  row.errorCode || row.errorMessage
    ? `${row.errorCode ?? ''}${row.errorCode && row.errorMessage ? ': ' : ''}${row.errorMessage ?? ''}`
    : null;

const money = (amount: number, currency: string) => `${amount} ${currency}`;

/**
 * Every stored event of an order in time order. Only what is stored is shown: each merchant API
 * call that named the order is an entry of the API call log (method, route pattern, status,
 * Request-ID, duration; reads and refused calls too), and a change a call made is shown where it
 * was made (with its Request-ID when it carried one); a gateway answer is the status an operation
 * row holds, at the time it was written, with the latency of the call that gave it (null: no call
 * gave it, or it was stored before latencies were, migrations/027); state changes are the order's
 * creation and each ledger movement; a job is shown while its row exists (due, running or failed)
 * and each run it made is its own row (job_runs, kept for HOLDFAST_JOB_RUN_RETENTION); each
 * webhook attempt and audit entry is its own row.
 */
export function orderTimeline(sources: TimelineSources): TimelineEvent[] {
  const { aggregate } = sources;
  const { order } = aggregate;
  const events: Event[] = [];
  // A change made by a call that carried a Request-ID claimed its key in the same write, at the same instant.
  const requestsAt = new Map<number, StoredRequestRow[]>();
  for (const r of sources.requests) requestsAt.set(r.createdAt.getTime(), [...(requestsAt.get(r.createdAt.getTime()) ?? []), r]);
  const claimRequest = (at: Date): string | null => {
    const waiting = requestsAt.get(at.getTime());
    const claimed = waiting?.shift();
    return claimed?.requestId ?? null;
  };

  events.push({
    at: order.createdAt,
    kind: 'api_call',
    title: `Order created through the ${order.dialect} API`,
    detail: `${money(order.amount, order.currency)}, reference ${order.merchantOrderReference}${order.preAuth ? ', pre-auth' : ''}`,
    requestId: claimRequest(order.createdAt),
  });
  events.push({ at: order.createdAt, kind: 'state', title: 'State CREATED', rank: KIND_ORDER.api_call });

  const operationEvents = (what: string, row: Operation & { kind?: string }, fromMerchant: boolean) => {
    const label = `${what} ${row.id}`;
    events.push({
      at: row.createdAt,
      kind: fromMerchant ? 'api_call' : 'job',
      title: fromMerchant ? `${what} requested` : `${what} started`,
      detail: `${label}: ${money(row.amount, row.currency)}`,
      requestId: fromMerchant ? claimRequest(row.createdAt) : null,
    });
    events.push({
      at: row.createdAt,
      kind: 'gateway',
      title: `${what} sent to the gateway`,
      detail: label,
    });
    if (row.status !== 'INITIATED') {
      const answer = [row.gatewayReference ? `reference ${row.gatewayReference}` : null, errorText(row)].filter(Boolean).join(', ');
      events.push({
        at: row.updatedAt,
        kind: 'gateway',
        title: `${what} ${SETTLED.has(row.status) ? 'answered' : 'still open'}: ${row.status}`,
        detail: answer ? `${label}: ${answer}` : label,
        latencyMs: row.gatewayLatencyMs,
      });
    }
  };

  for (const p of aggregate.payments) {
    events.push({
      at: p.createdAt,
      kind: 'api_call',
      title: 'Payment submitted',
      detail: `${p.id} (${p.txnUuid}): ${money(p.amount, p.currency)}${p.card ? `, ${p.card.network} ${p.card.bin}…${p.card.last4}` : ''}`,
      requestId: claimRequest(p.createdAt),
    });
    events.push({ at: p.createdAt, kind: 'gateway', title: `Authorization sent to ${p.connector}`, detail: p.id });
    if (p.status !== 'PENDING' || p.challengeId) {
      const answer = [
        p.challengeId && p.status === 'PENDING' ? '3-D Secure challenge issued' : null,
        p.approvalCode ? `approval ${p.approvalCode}` : null,
        p.rrn ? `RRN ${p.rrn}` : null,
        p.connectorReference ? `reference ${p.connectorReference}` : null,
        errorText(p),
      ]
        .filter(Boolean)
        .join(', ');
      // A payment row keeps only its latest status (a capture moves it on too): shown as of its last
      // write, with the latency of the authorization call whose answer it holds.
      events.push({
        at: p.updatedAt,
        kind: 'gateway',
        title: `Payment ${p.status}`,
        detail: answer ? `${p.id}: ${answer}` : p.id,
        latencyMs: p.gatewayLatencyMs,
      });
    }
  }
  for (const c of aggregate.captures) operationEvents('Capture', c, true);
  for (const v of aggregate.reversals) {
    const names: Record<string, string> = {
      VOID: 'Void',
      AUTO_VOID: 'Automatic void (capture window ended)',
      REMAINDER: 'Release of the uncaptured rest',
    };
    operationEvents(names[v.kind] ?? v.kind, v, v.kind === 'VOID');
  }
  for (const f of aggregate.refunds) operationEvents('Refund', f, true);

  for (const entry of sources.ledger) {
    const amount = entry.postings.reduce((s, p) => s + (p.amount > 0 ? p.amount : 0), 0);
    events.push({
      at: entry.createdAt,
      kind: 'state',
      title: LEDGER_TITLES[entry.kind] ?? entry.kind,
      detail: `${money(amount, entry.currency)} (${entry.referenceId})`,
    });
  }
  if (order.paymentClosedReason) {
    events.push({ at: order.expiresAt ?? order.updatedAt, kind: 'state', title: `Closed for payment: ${order.paymentClosedReason}` });
  }
  if (order.reviewReason)
    events.push({ at: order.updatedAt, kind: 'state', title: 'Flagged for manual review', detail: order.reviewReason });

  for (const c of sources.apiCalls) {
    events.push({
      at: c.at,
      kind: 'api_call',
      title: `${c.method} ${c.route} answered ${c.statusCode}`,
      detail: `${c.dialect} API, server request ${c.serverRequestId}`,
      requestId: c.requestId,
      latencyMs: c.durationMs,
      call: { method: c.method, route: c.route, status: c.statusCode, server_request_id: c.serverRequestId, dialect: c.dialect },
      // Stamped when the call arrived: within that instant it comes before the changes it made.
      rank: KIND_ORDER.api_call - 0.5,
    });
  }

  // Calls that carried a Request-ID but match no change above (their change wrote at another
  // instant), unless the API call log shows them already.
  const logged = new Set(sources.apiCalls.map((c) => c.requestId).filter((id) => id !== null));
  for (const waiting of requestsAt.values()) {
    for (const r of waiting.filter((w) => !logged.has(w.requestId))) {
      events.push({
        at: r.createdAt,
        kind: 'api_call',
        title: `API call answered ${r.responseStatus ?? '(no answer stored)'}`,
        requestId: r.requestId,
      });
    }
  }

  const JOB_RUN_OUTCOMES: Record<OrderJobRunRow['outcome'], string> = { done: 'done', retry: 'to be retried', failed: 'failed for good' };
  const ranAttempts = new Set<string>();
  for (const run of sources.jobRuns) {
    ranAttempts.add(`${run.jobId}:${run.attempt}`);
    const took = run.finishedAt.getTime() - run.startedAt.getTime();
    events.push({
      at: run.finishedAt,
      kind: 'job',
      title: `Job ${run.kind} run ${run.attempt}: ${JOB_RUN_OUTCOMES[run.outcome]}`,
      detail: run.error,
      latencyMs: took,
    });
  }

  for (const job of sources.jobs) {
    // A job that failed for good is shown by the run that gave up, when that run is recorded.
    if (job.failedAt && ranAttempts.has(`${job.id}:${job.attempts}`)) continue;
    const status = job.failedAt
      ? `failed after ${job.attempts} attempts`
      : job.lockedUntil && job.attempts > 0
        ? `running (attempt ${job.attempts} of ${job.maxAttempts})`
        : `due ${job.runAt.toISOString()}${job.attempts > 0 ? ` (attempt ${job.attempts + 1} of ${job.maxAttempts})` : ''}`;
    events.push({
      at: job.failedAt ?? (job.attempts > 0 ? job.updatedAt : job.createdAt),
      kind: 'job',
      title: `Job ${job.kind}: ${status}`,
      // The error of the last run is on that run's own event.
      detail: ranAttempts.has(`${job.id}:${job.attempts}`) ? null : job.lastError,
    });
  }

  for (const event of sources.webhooks) {
    for (const a of event.attempts) {
      events.push({
        at: a.attemptedAt,
        kind: 'webhook',
        title: `Webhook ${event.eventType} ${a.statusCode !== null ? `answered ${a.statusCode}` : 'failed'}`,
        detail: [a.url, a.error].filter(Boolean).join(': '),
        latencyMs: a.latencyMs,
      });
    }
  }

  for (const entry of sources.audit) {
    events.push({
      at: entry.at,
      kind: 'operator',
      title: `${entry.action} by ${entry.actorName}`,
      detail: entry.reason ?? `${entry.targetType} ${entry.targetId}`,
      requestId: entry.requestId,
    });
  }

  return events
    .map((e, i) => ({ e, i }))
    .sort(
      (a, b) => a.e.at.getTime() - b.e.at.getTime() || (a.e.rank ?? KIND_ORDER[a.e.kind]) - (b.e.rank ?? KIND_ORDER[b.e.kind]) || a.i - b.i,
    )
    .map(({ e }) => ({
      at: e.at.toISOString(),
      kind: e.kind,
      title: e.title,
      detail: e.detail ?? null,
      request_id: e.requestId ?? null,
      latency_ms: e.latencyMs ?? null,
      call: e.call ?? null,
    }));
}
