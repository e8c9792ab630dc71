import type { CardNetwork } from '../domain/card.js';
import type { JournalEntry, JournalKind, LedgerAccount } from '../domain/ledger.js';
import type {
  Capture,
  Order,
  OrderAggregate,
  Payment,
  PaymentClosedReason,
  GatewayDetails,
  PaymentStatus,
  Refund,
  Release,
  ReleaseKind,
  OperationStatus,
} from '../domain/order.js';
import type { OrderState } from '../domain/order-state.js';

/** Row shapes as the database returns them (snake_case), and their mapping to domain types. */
type Row = Record<string, unknown>;

const str = (v: unknown): string => String(v);
const optStr = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));
const num = (v: unknown): number => Number(v);
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const optNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const optDate = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
const json = (v: unknown): Record<string, unknown> => (typeof v === 'string' ? JSON.parse(v) : (v ?? {})) as Record<string, unknown>;

export function toOrder(r: Row): Order {
  return {
    id: str(r.id),
    merchantId: str(r.merchant_id),
    dialect: str(r.dialect),
    merchantOrderReference: str(r.merchant_order_reference),
    requestFingerprint: str(r.request_fingerprint),
    amount: num(r.amount),
    currency: str(r.currency),
    preAuth: Boolean(r.pre_auth),
    state: str(r.state) as OrderState,
    version: num(r.version),
    returnUrl: optStr(r.return_url),
    customer: r.customer === null || r.customer === undefined ? null : json(r.customer),
    details: json(r.details),
    captureDeadline: optDate(r.capture_deadline),
    reviewReason: optStr(r.review_reason),
    paymentClosedReason: optStr(r.payment_closed_reason) as PaymentClosedReason | null,
    expiresAt: optDate(r.expires_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export function toPayment(r: Row): Payment {
  return {
    id: str(r.id),
    txnUuid: str(r.txn_uuid),
    orderId: str(r.order_id),
    merchantPaymentReference: str(r.merchant_payment_reference),
    requestFingerprint: str(r.request_fingerprint),
    amount: num(r.amount),
    currency: str(r.currency),
    method: 'CARD',
    status: str(r.status) as PaymentStatus,
    card:
      r.card_last4 === null || r.card_last4 === undefined
        ? null
        : {
            bin: str(r.card_bin),
            last4: str(r.card_last4),
            network: str(r.card_network) as CardNetwork,
            expiryMonth: str(r.card_expiry_month),
            expiryYear: str(r.card_expiry_year),
            holderName: optStr(r.card_holder_name),
            fingerprint: optStr(r.card_fingerprint),
          },
    connector: str(r.connector),
    connectorReference: optStr(r.connector_reference),
    challengeId: optStr(r.challenge_id),
    challengeExpiresAt: optDate(r.challenge_expires_at),
    errorCode: optStr(r.error_code),
    errorMessage: optStr(r.error_message),
    approvalCode: optStr(r.approval_code),
    rrn: optStr(r.rrn),
    acquirerReference: optStr(r.acquirer_reference),
    failoverOf: optStr(r.failover_of),
    challengeRedirectUrl: optStr(r.challenge_redirect_url),
    gatewayDetails:
      r.gateway_details === null || r.gateway_details === undefined ? null : (json(r.gateway_details) as unknown as GatewayDetails),
    gatewayLatencyMs: optNum(r.gateway_latency_ms),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

function toOperation(r: Row) {
  return {
    id: str(r.id),
    orderId: str(r.order_id),
    paymentId: str(r.payment_id),
    amount: num(r.amount),
    currency: str(r.currency),
    status: str(r.status) as OperationStatus,
    errorCode: optStr(r.error_code),
    errorMessage: optStr(r.error_message),
    gatewayReference: optStr(r.gateway_reference),
    gatewayLatencyMs: optNum(r.gateway_latency_ms),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export function toCapture(r: Row): Capture {
  return { ...toOperation(r), merchantCaptureReference: str(r.merchant_capture_reference), requestFingerprint: str(r.request_fingerprint) };
}

export function toRelease(r: Row): Release {
  return { ...toOperation(r), kind: str(r.kind) as ReleaseKind };
}

export function toRefund(r: Row): Refund {
  return {
    ...toOperation(r),
    merchantRefundReference: str(r.merchant_refund_reference),
    requestFingerprint: str(r.request_fingerprint),
    details: json(r.details),
  };
}

export function toJournalEntry(r: Row): JournalEntry {
  const postings = (r.postings as Row[] | null) ?? [];
  return {
    kind: str(r.kind) as JournalKind,
    referenceId: str(r.reference_id),
    currency: str(r.currency),
    postings: postings.map((p) => ({ account: str(p.account) as LedgerAccount, amount: num(p.amount) })),
  };
}

export function toAggregate(r: Row): OrderAggregate {
  const list = (v: unknown): Row[] => (typeof v === 'string' ? (JSON.parse(v) as Row[]) : ((v as Row[] | null) ?? []));
  return {
    order: toOrder(json(r.order)),
    payments: list(r.payments).map(toPayment),
    captures: list(r.captures).map(toCapture),
    reversals: list(r.reversals).map(toRelease),
    refunds: list(r.refunds).map(toRefund),
    journal: list(r.journal).map(toJournalEntry),
  };
}
