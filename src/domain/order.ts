import type { StoredCard } from './card.js';
import type { JournalEntry } from './ledger.js';
import type { OrderState } from './order-state.js';

/** Status of a gateway operation row (capture, reversal, refund). */
export type OperationStatus = 'INITIATED' | 'GATEWAY_PENDING' | 'UNKNOWN' | 'SUCCEEDED' | 'FAILED';

export type PaymentStatus = 'PENDING' | 'AUTHORIZED' | 'CAPTURED' | 'VOIDED' | 'FAILED';

/**
 * Where an authorization really went, as an upstream gateway reported it (shown on the order:
 * Pine Labs `acquirer_data`, Juspay `gateway_id`, `txn_detail.gateway`, `payment_gateway_response`).
 */
export interface GatewayDetails {
  /** The gateway that answered: our gateway account's kind and name, or the upstream's own acquirer name. */
  gateway: string;
  /** The upstream's own response code and message, verbatim. */
  responseCode: string | null;
  responseMessage: string | null;
  /** Juspay's numeric gateway id, when the upstream gave one. */
  gatewayId?: number | null;
}

/**
 * Why an order takes no more payments: it expired unpaid (its own expiry, or its payment link's
 * expire_by), or its payment link was cancelled.
 */
export type PaymentClosedReason = 'expired' | 'cancelled';

export interface Order {
  id: string;
  merchantId: string;
  /** The API dialect the order was created in (it decides the webhook and redirect formats); opaque to the core. */
  dialect: string;
  merchantOrderReference: string;
  requestFingerprint: string;
  amount: number;
  currency: string;
  preAuth: boolean;
  state: OrderState;
  /** Moves on by one with every write on the order: each write is guarded by the version it was decided on. */
  version: number;
  /** Where the customer's browser returns after a hosted page, as the merchant gave it. */
  returnUrl: string | null;
  customer: Customer | null;
  /** Dialect-specific fields kept verbatim (notes, callback URLs, udf1…udf10…). */
  details: Record<string, unknown>;
  captureDeadline: Date | null;
  /** Set when an outcome stayed unknown after the last status inquiry: a person must look. */
  reviewReason: string | null;
  /** Set when the order takes no more payments (it expired unpaid, or its payment link was cancelled); null while it does. */
  paymentClosedReason: PaymentClosedReason | null;
  /** Until when an unpaid order takes a payment (docs/order-expiry.md); null: never (orders paid before expiry existed). */
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Who pays, as far as the merchant said: what an upstream gateway may ask for. */
export interface Customer {
  id?: string;
  email?: string;
  phone?: string;
  name?: string;
}

/** A customer from what the merchant gave (empty fields dropped); null when it gave nothing. */
export function customerFrom(fields: Record<keyof Customer, unknown>): Customer | null {
  const given = Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== '');
  return given.length > 0 ? Object.fromEntries(given) : null;
}

export interface Payment {
  id: string;
  /** Short opaque public id of this attempt (Juspay's txn_uuid). */
  txnUuid: string;
  orderId: string;
  merchantPaymentReference: string;
  requestFingerprint: string;
  amount: number;
  currency: string;
  method: 'CARD';
  status: PaymentStatus;
  card: StoredCard | null;
  connector: string;
  connectorReference: string | null;
  challengeId: string | null;
  /** Until when the 3-D Secure challenge accepts an OTP. */
  challengeExpiresAt: Date | null;
  errorCode: string | null;
  errorMessage: string | null;
  approvalCode: string | null;
  rrn: string | null;
  acquirerReference: string | null;
  /** The attempt this one replaced on another gateway (docs/failover.md); null for an attempt the merchant started. */
  failoverOf: string | null;
  /** An upstream gateway's own 3-D Secure page, where the customer is sent for the challenge. */
  challengeRedirectUrl: string | null;
  /** Where the authorization really went, as the upstream answered. */
  gatewayDetails: GatewayDetails | null;
  /** How long the authorization call whose answer the row holds took (ms); null: no call gave it, or stored before it was kept. */
  gatewayLatencyMs: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Operation {
  id: string;
  orderId: string;
  paymentId: string;
  amount: number;
  currency: string;
  status: OperationStatus;
  errorCode: string | null;
  errorMessage: string | null;
  gatewayReference: string | null;
  /** How long the gateway call whose answer the row holds took (ms); null: no call gave it, or stored before it was kept. */
  gatewayLatencyMs: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A gateway operation row as first written, before any answer: INITIATED, no error, no reference. */
export function initiatedOperation(fields: Pick<Operation, 'id' | 'orderId' | 'paymentId' | 'amount' | 'currency'>, now: Date): Operation {
  // Spelled out rather than spread: one object shape for every operation row.
  return {
    id: fields.id,
    orderId: fields.orderId,
    paymentId: fields.paymentId,
    amount: fields.amount,
    currency: fields.currency,
    status: 'INITIATED',
    errorCode: null,
    errorMessage: null,
    gatewayReference: null,
    gatewayLatencyMs: null,
    createdAt: now,
    updatedAt: now,
  };
}

export interface Capture extends Operation {
  merchantCaptureReference: string;
  requestFingerprint: string;
}

/** Why held money is given back: the merchant's void, the end of the capture window, or what a partial capture left. */
/** LATE_VOID: an attempt that proved authorized after Holdfast had ended it (docs/failover.md). */
export type ReleaseKind = 'VOID' | 'AUTO_VOID' | 'REMAINDER' | 'LATE_VOID';

/**
 * A release of held money to the cardholder: a row of `reversals`, posted to the ledger as REVERSE,
 * sent with the connector's `reverse` call (docs/state-machine.md, glossary).
 */
export interface Release extends Operation {
  kind: ReleaseKind;
}

export interface Refund extends Operation {
  merchantRefundReference: string;
  requestFingerprint: string;
  details: Record<string, unknown>;
}

/** An order with every child row, as read in one query: what the dialects render. */
export interface OrderAggregate {
  order: Order;
  payments: Payment[];
  captures: Capture[];
  /** The releases (named after their table). */
  reversals: Release[];
  refunds: Refund[];
  journal: JournalEntry[];
}

/** The payment that carries the order's money: the latest that got past authorization, else the latest. */
export function currentPayment(aggregate: OrderAggregate): Payment | undefined {
  const payments = aggregate.payments;
  return payments.findLast((p) => p.status !== 'FAILED' && p.status !== 'PENDING') ?? payments.at(-1);
}

/** Refunds that are or may become money out: everything but FAILED counts against the refundable amount. */
export function committedRefundAmount(aggregate: OrderAggregate): number {
  return aggregate.refunds.filter((r) => r.status !== 'FAILED').reduce((s, r) => s + r.amount, 0);
}

export function refundedAmount(aggregate: OrderAggregate): number {
  return aggregate.refunds.filter((r) => r.status === 'SUCCEEDED').reduce((s, r) => s + r.amount, 0);
}
