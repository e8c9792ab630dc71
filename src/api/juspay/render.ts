import type { OrderAggregate, Payment } from '../../domain/order.js';
import { currentPayment, refundedAmount } from '../../domain/order.js';
import { toMajorUnitsNumber } from '../../domain/money.js';
import { framedPaymentPageUrl, paymentPageUrl } from '../hosted/links.js';
import { JUSPAY_STATUS_IDS, juspayOrderStatus, juspayRefundStatus, juspayTxnStatus } from './status.js';

/** Wire shapes of the Juspay order object, built from the core aggregate. */

/** Timestamps without milliseconds, as Juspay sends them. */
export const iso = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;
const GATEWAY = 'HOLDFAST_SANDBOX';
const GATEWAY_ID = 999;

/** Juspay's payment_links: the hosted payment page (web, mobile) and its iframe form. */
export function paymentLinks(publicUrl: string, orderId: string) {
  const web = paymentPageUrl(publicUrl, orderId);
  return { web, mobile: `${web}?mobile=true`, iframe: framedPaymentPageUrl(publicUrl, orderId) };
}

/** Juspay's txn_id: <merchant_id>-<order_id>-<attempt number>. */
export function txnId(aggregate: OrderAggregate, payment: Payment): string {
  const n = aggregate.payments.indexOf(payment) + 1;
  return `${aggregate.order.merchantId}-${aggregate.order.merchantOrderReference}-${n}`;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const UDF_NAMES = Array.from({ length: 10 }, (_, i) => `udf${i + 1}`);

export function renderOrder(aggregate: OrderAggregate, publicUrl: string) {
  const { order } = aggregate;
  const d = order.details;
  const status = juspayOrderStatus(aggregate);
  const refunded = refundedAmount(aggregate);
  const major = (minor: number) => toMajorUnitsNumber(minor, order.currency);
  const udfs: Record<string, string> = {};
  for (const name of UDF_NAMES) udfs[name] = text(d[name]);
  const body: Record<string, unknown> = {
    id: order.id,
    order_id: order.merchantOrderReference,
    merchant_id: order.merchantId,
    status,
    status_id: JUSPAY_STATUS_IDS[status],
    amount: major(order.amount),
    effective_amount: major(order.amount),
    currency: order.currency,
    amount_refunded: major(refunded),
    refunded: order.state === 'FULLY_REFUNDED',
    customer_id: text(d.customer_id) || null,
    customer_email: text(d.customer_email) || null,
    customer_phone: text(d.customer_phone) || null,
    description: text(d.description),
    product_id: text(d.product_id),
    return_url: text(d.return_url),
    date_created: iso(order.createdAt),
    last_updated: iso(order.updatedAt),
    // Until when the order takes a transaction (the request's order_expiry, or HOLDFAST_ORDER_TTL).
    order_expiry: order.expiresAt ? iso(order.expiresAt) : null,
    ...udfs,
    payment_links: paymentLinks(publicUrl, order.id),
    metadata: { 'txns.auto_capture': String(!order.preAuth) },
    // Holdfast extension: an outcome the gateway never settled, left for a person to decide.
    ...(order.reviewReason ? { manual_review: { reason: order.reviewReason } } : {}),
    refunds: aggregate.refunds.map((r) => ({
      id: r.status === 'SUCCEEDED' ? (r.gatewayReference ?? r.merchantRefundReference) : null,
      ref: r.gatewayReference,
      unique_request_id: r.merchantRefundReference,
      amount: major(r.amount),
      status: juspayRefundStatus(r.status),
      sent_to_gateway: r.status !== 'INITIATED',
      refund_type: 'STANDARD',
      refund_source: GATEWAY,
      initiated_by: 'API',
      error_code: r.errorCode,
      error_message: r.errorMessage ?? '',
      created: iso(r.createdAt),
      last_updated: iso(r.updatedAt),
    })),
  };
  const payment = currentPayment(aggregate);
  if (!payment) return body;
  const txnStatus = juspayTxnStatus(aggregate, payment);
  const failed = payment.status === 'FAILED';
  const capture = aggregate.captures.at(-1);
  // Where the authorization really went, when an upstream gateway answered it.
  const details = payment.gatewayDetails;
  const gatewayId = details?.gatewayId ?? GATEWAY_ID;
  const id = txnId(aggregate, payment);
  Object.assign(body, {
    txn_id: id,
    txn_uuid: payment.txnUuid,
    payment_method_type: 'CARD',
    payment_method: payment.card?.network ?? 'UNKNOWN',
    auth_type: payment.challengeId || payment.errorCode === 'USER_AUTHENTICATION_FAILED' ? 'THREE_DS' : '',
    gateway_id: gatewayId,
    gateway_reference_id: '',
    bank_error_code: failed ? (payment.errorCode ?? '') : capture?.status === 'FAILED' ? (capture.errorCode ?? '') : '',
    bank_error_message: failed ? (payment.errorMessage ?? '') : capture?.status === 'FAILED' ? (capture.errorMessage ?? '') : '',
    ...(payment.card
      ? {
          card: {
            card_isin: payment.card.bin,
            last_four_digits: payment.card.last4,
            card_brand: payment.card.network,
            card_type: 'CREDIT',
            card_issuer: 'HOLDFAST SANDBOX BANK',
            card_issuer_country: 'INDIA',
            expiry_month: payment.card.expiryMonth,
            expiry_year: payment.card.expiryYear,
            name_on_card: payment.card.holderName ?? '',
            card_reference: '',
            card_fingerprint: payment.card.fingerprint?.slice(0, 32) ?? '',
            using_saved_card: false,
            saved_to_locker: false,
            using_token: false,
          },
        }
      : {}),
    txn_detail: {
      txn_id: id,
      txn_uuid: payment.txnUuid,
      order_id: order.merchantOrderReference,
      status: txnStatus,
      txn_amount: major(payment.amount),
      net_amount: major(payment.amount),
      surcharge_amount: 0,
      tax_amount: 0,
      offer_deduction_amount: 0,
      currency: payment.currency,
      gateway: details?.gateway ?? GATEWAY,
      gateway_id: gatewayId,
      express_checkout: false,
      redirect: Boolean(payment.challengeId),
      error_code: failed ? payment.errorCode : null,
      error_message: failed ? payment.errorMessage : null,
      created: iso(payment.createdAt),
      txn_flow_type: order.preAuth ? 'PREAUTH' : 'DIRECT_DEBIT',
    },
    payment_gateway_response: {
      resp_code: details?.responseCode ?? (failed ? (payment.errorCode ?? 'FAILED') : 'SUCCESS'),
      resp_message: details?.responseMessage ?? (failed ? (payment.errorMessage ?? '') : respMessage(txnStatus)),
      rrn: payment.rrn ?? '',
      epg_txn_id: payment.acquirerReference ?? '',
      auth_id_code: payment.approvalCode ?? '',
      txn_id: id,
      created: iso(payment.updatedAt),
    },
    resp_code: failed ? payment.errorCode : null,
    resp_message: failed ? payment.errorMessage : null,
  });
  return body;
}

function respMessage(status: string): string {
  switch (status) {
    case 'CHARGED':
      return 'Capture successful';
    case 'CAPTURE_INITIATED':
      return 'Capture pending at the gateway';
    case 'VOIDED':
      return 'Void successful';
    case 'VOID_INITIATED':
      return 'Void pending at the gateway';
    case 'CAPTURE_FAILED':
      return 'Capture failed';
    case 'VOID_FAILED':
      return 'Void failed';
    default:
      return 'Transaction successful';
  }
}
