import type { Operation, OrderAggregate, Payment } from '../../domain/order.js';
import { orderAsOf } from '../../domain/order-expiry.js';
import {
  loadLedgerEntries,
  loadOrderAudit,
  loadOrderJobRuns,
  loadOrderJobs,
  loadOrderPaymentLink,
  loadOrderWebhooks,
  loadStoredRequests,
  loadApiCalls,
  type OrderWebhookRow,
} from '../../store/admin-order-detail-repository.js';
import { loadAggregateById } from '../../store/orders-repository.js';
import type { CoreContext } from '../context.js';
import { orderLinks, type OrderLink } from './order-links.js';
import { ledgerView, type LedgerView } from './order-ledger.js';
import type { OrderSummary } from './order-search.js';
import { orderTimeline, type TimelineEvent } from './order-timeline.js';

export interface PaymentView {
  id: string;
  txn_uuid: string;
  merchant_payment_reference: string;
  amount: number;
  currency: string;
  method: string;
  status: string;
  card: { network: string; bin: string; last4: string; expiry_month: string; expiry_year: string } | null;
  connector: string;
  connector_reference: string | null;
  approval_code: string | null;
  rrn: string | null;
  error_code: string | null;
  error_message: string | null;
  gateway_latency_ms: number | null;
  created_at: string;
  updated_at: string;
}

export interface OperationView {
  id: string;
  kind?: string;
  amount: number;
  currency: string;
  status: string;
  reference: string | null;
  gateway_reference: string | null;
  error_code: string | null;
  error_message: string | null;
  gateway_latency_ms: number | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookView {
  id: string;
  event_type: string;
  dialect: string;
  created_at: string;
  delivered_at: string | null;
  gave_up_at: string | null;
  attempts: {
    id: number;
    attempted_at: string;
    url: string;
    status_code: number | null;
    latency_ms: number;
    response_excerpt: string | null;
  }[];
  /** Attempts deleted by retention after the event was delivered: `attempts` then lists only the later ones, if any. */
  attempts_pruned: number;
}

/** `order_detail` of docs/admin-api.md. */
export interface OrderDetail {
  order: OrderSummary & { expires_at: string | null; capture_deadline: string | null; payment_closed_reason: string | null };
  payments: PaymentView[];
  captures: OperationView[];
  reversals: OperationView[];
  refunds: OperationView[];
  ledger: LedgerView;
  timeline: TimelineEvent[];
  webhooks: WebhookView[];
  links: OrderLink[];
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function paymentView(p: Payment): PaymentView {
  return {
    id: p.id,
    txn_uuid: p.txnUuid,
    merchant_payment_reference: p.merchantPaymentReference,
    amount: p.amount,
    currency: p.currency,
    method: p.method,
    status: p.status,
    card: p.card
      ? { network: p.card.network, bin: p.card.bin, last4: p.card.last4, expiry_month: p.card.expiryMonth, expiry_year: p.card.expiryYear }
      : null,
    connector: p.connector,
    connector_reference: p.connectorReference,
    approval_code: p.approvalCode,
    rrn: p.rrn,
    error_code: p.errorCode,
    error_message: p.errorMessage,
    gateway_latency_ms: p.gatewayLatencyMs,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

function operationView(o: Operation, reference: string | null, kind?: string): OperationView {
  return {
    id: o.id,
    ...(kind === undefined ? {} : { kind }),
    amount: o.amount,
    currency: o.currency,
    status: o.status,
    reference,
    gateway_reference: o.gatewayReference,
    error_code: o.errorCode,
    error_message: o.errorMessage,
    gateway_latency_ms: o.gatewayLatencyMs,
    created_at: o.createdAt.toISOString(),
    updated_at: o.updatedAt.toISOString(),
  };
}

function webhookView(e: OrderWebhookRow): WebhookView {
  return {
    id: e.id,
    event_type: e.eventType,
    dialect: e.dialect,
    created_at: e.createdAt.toISOString(),
    delivered_at: iso(e.deliveredAt),
    gave_up_at: iso(e.gaveUpAt),
    attempts: e.attempts.map((a) => ({
      id: a.id,
      attempted_at: a.attemptedAt.toISOString(),
      url: a.url,
      status_code: a.statusCode,
      latency_ms: a.latencyMs,
      response_excerpt: a.responseExcerpt,
    })),
    attempts_pruned: e.attemptsPruned,
  };
}

function orderView(aggregate: OrderAggregate): OrderDetail['order'] {
  const o = aggregate.order;
  return {
    id: o.id,
    merchant_id: o.merchantId,
    dialect: o.dialect,
    merchant_order_reference: o.merchantOrderReference,
    amount: o.amount,
    currency: o.currency,
    state: o.state,
    pre_auth: o.preAuth,
    created_at: o.createdAt.toISOString(),
    updated_at: o.updatedAt.toISOString(),
    review_reason: o.reviewReason,
    expires_at: iso(o.expiresAt),
    capture_deadline: iso(o.captureDeadline),
    payment_closed_reason: o.paymentClosedReason,
  };
}

/**
 * Everything stored about one order, as the admin API answers it (docs/admin-api.md "Orders"),
 * or null when there is no such order. It does not check who asks: the caller refuses an order of
 * a merchant the actor may not see (api/admin/access.ts assertSeesMerchant) exactly as a missing one.
 */
export async function orderDetail(ctx: Pick<CoreContext, 'db' | 'clock'>, orderId: string): Promise<OrderDetail | null> {
  const stored = await loadAggregateById(ctx.db, orderId);
  if (!stored) return null;
  const aggregate = orderAsOf(stored, ctx.clock.now());
  const { order } = aggregate;
  const targetIds = [order.id, ...aggregate.payments, ...aggregate.captures, ...aggregate.reversals, ...aggregate.refunds].map((r) =>
    typeof r === 'string' ? r : r.id,
  );
  const [ledger, requests, apiCalls, jobs, jobRuns, webhooks, audit, paymentLink] = await Promise.all([
    loadLedgerEntries(ctx.db, order.id),
    loadStoredRequests(ctx.db, order.merchantId, order.id),
    loadApiCalls(ctx.db, order.merchantId, order.id),
    loadOrderJobs(ctx.db, order.id),
    loadOrderJobRuns(ctx.db, order.id),
    loadOrderWebhooks(ctx.db, order.id),
    loadOrderAudit(ctx.db, targetIds),
    loadOrderPaymentLink(ctx.db, order.id),
  ]);
  return {
    order: orderView(aggregate),
    payments: aggregate.payments.map(paymentView),
    captures: aggregate.captures.map((c) => operationView(c, c.merchantCaptureReference)),
    reversals: aggregate.reversals.map((r) => operationView(r, null, r.kind)),
    refunds: aggregate.refunds.map((r) => operationView(r, r.merchantRefundReference)),
    ledger: ledgerView(ledger, aggregate),
    timeline: orderTimeline({ aggregate, ledger, requests, apiCalls, jobs, jobRuns, webhooks, audit }),
    webhooks: webhooks.map(webhookView),
    links: orderLinks(aggregate, paymentLink),
  };
}
