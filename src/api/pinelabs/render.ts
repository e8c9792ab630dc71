import { MAX_PAYMENT_ATTEMPTS, merchantAttempts } from '../../core/operations/authorization-answer.js';
import type { OrderAggregate, Payment, Refund } from '../../domain/order.js';
import { challengeUrl } from '../hosted/links.js';
import { pineLabsOrderStatusOf, pineLabsPaymentStatus, pineLabsRefundStatus } from './status.js';

/** Wire shapes of the Pine Labs Online order object, built from the core aggregate. */

const amount = (value: number, currency: string) => ({ value, currency });
const iso = (d: Date) => d.toISOString();

function cardData(payment: Payment) {
  if (!payment.card) return undefined;
  return {
    card_type: 'CREDIT',
    network_name: payment.card.network,
    issuer_name: 'HOLDFAST SANDBOX BANK',
    card_category: 'CONSUMER',
    country_code: 'IND',
    last4_digit: payment.card.last4,
    save: false,
    is_native_otp_eligible: false,
  };
}

function paymentItem(aggregate: OrderAggregate, payment: Payment) {
  const { order } = aggregate;
  const status = pineLabsPaymentStatus(payment.status, order.state);
  const captures = aggregate.captures.filter((c) => c.paymentId === payment.id);
  const reversals = aggregate.reversals.filter((r) => r.paymentId === payment.id);
  const failedCapture = order.state === 'CAPTURE_FAILED' ? captures.find((c) => c.status === 'FAILED') : undefined;
  const errorCode = failedCapture?.errorCode ?? (payment.status === 'FAILED' ? payment.errorCode : null);
  const errorMessage = failedCapture?.errorMessage ?? payment.errorMessage;
  return {
    id: payment.id,
    merchant_payment_reference: payment.merchantPaymentReference,
    status,
    payment_amount: amount(payment.amount, payment.currency),
    payment_method: payment.method,
    payment_option: { card_data: cardData(payment) },
    acquirer_data: {
      approval_code: payment.approvalCode ?? '',
      acquirer_reference: payment.acquirerReference ?? '',
      rrn: payment.rrn ?? '',
      is_aggregator: false,
      // Where the authorization really went, when an upstream gateway answered it.
      ...(payment.gatewayDetails ? { acquirer_name: payment.gatewayDetails.gateway } : {}),
    },
    ...(errorCode ? { error_detail: { code: errorCode, message: errorMessage ?? '' } } : {}),
    ...(order.preAuth && captures.length > 0
      ? {
          capture_data: captures.map((c) => ({
            merchant_capture_reference: c.merchantCaptureReference,
            capture_amount: amount(c.amount, c.currency),
            created_at: iso(c.createdAt),
          })),
        }
      : {}),
    // Holdfast extension: releases of held money (void, auto-void, reversal of an uncaptured remainder).
    ...(reversals.length > 0
      ? {
          reversal_data: reversals.map((r) => ({
            type: r.kind === 'REMAINDER' || r.kind === 'LATE_VOID' ? 'AUTO_REVERSAL' : r.kind,
            reversal_amount: amount(r.amount, r.currency),
            status: pineLabsRefundStatus(r.status),
            created_at: iso(r.createdAt),
          })),
        }
      : {}),
    created_at: iso(payment.createdAt),
    updated_at: iso(payment.updatedAt),
  };
}

export function renderOrder(aggregate: OrderAggregate, publicUrl: string) {
  const { order } = aggregate;
  const d = order.details;
  const latest = aggregate.payments[aggregate.payments.length - 1];
  const pendingChallenge = latest && latest.status === 'PENDING' && latest.challengeId ? latest.challengeId : undefined;
  return {
    order_id: order.id,
    merchant_order_reference: order.merchantOrderReference,
    type: 'CHARGE',
    status: pineLabsOrderStatusOf(order),
    ...(pendingChallenge ? { challenge_url: challengeUrl(publicUrl, pendingChallenge) } : {}),
    merchant_id: order.merchantId,
    order_amount: amount(order.amount, order.currency),
    pre_auth: order.preAuth,
    part_payment: false,
    allowed_payment_methods: (d.allowed_payment_methods as string[] | undefined) ?? ['CARD'],
    notes: (d.notes as string | undefined) ?? '',
    callback_url: (d.callback_url as string | undefined) ?? '',
    failure_callback_url: (d.failure_callback_url as string | undefined) ?? '',
    purchase_details: (d.purchase_details as Record<string, unknown> | undefined) ?? {},
    payments: aggregate.payments.map((p) => paymentItem(aggregate, p)),
    refunds: aggregate.refunds.map((r) => ({
      order_id: r.id,
      merchant_order_reference: r.merchantRefundReference,
      status: pineLabsRefundStatus(r.status),
      order_amount: amount(r.amount, r.currency),
      created_at: iso(r.createdAt),
    })),
    created_at: iso(order.createdAt),
    updated_at: iso(order.updatedAt),
    // Orders made for a hosted page (checkout, payment link) are REDIRECT orders; Pine Labs' order enum has no IFRAME or SDK.
    integration_mode: d.integration_mode === undefined ? 'SEAMLESS' : 'REDIRECT',
    payment_retries_remaining: Math.max(0, MAX_PAYMENT_ATTEMPTS - merchantAttempts(aggregate.payments).length),
    // Holdfast extension: an outcome the gateway never settled, left for a person to decide.
    ...(order.reviewReason ? { manual_review: { reason: order.reviewReason } } : {}),
  };
}

/** A refund read as an order of type REFUND, as Pine Labs answers for a refund's order id. */
export function renderRefundOrder(aggregate: OrderAggregate, refund: Refund) {
  const status = pineLabsRefundStatus(refund.status);
  return {
    order_id: refund.id,
    parent_order_id: aggregate.order.id,
    merchant_order_reference: refund.merchantRefundReference,
    type: 'REFUND',
    status,
    merchant_id: aggregate.order.merchantId,
    order_amount: amount(refund.amount, refund.currency),
    purchase_details: { merchant_metadata: (refund.details.merchant_metadata as Record<string, string> | undefined) ?? {} },
    payments: [
      {
        id: `${refund.id}-rf-1`,
        status,
        payment_amount: amount(refund.amount, refund.currency),
        payment_method: 'CARD',
        acquirer_data: {
          approval_code: '',
          acquirer_reference: refund.gatewayReference ?? '',
          rrn: '',
          is_aggregator: false,
          acquirer_name: 'HOLDFAST',
        },
        ...(refund.status === 'FAILED'
          ? { error_detail: { code: refund.errorCode ?? 'REFUND_FAILED', message: refund.errorMessage ?? '' } }
          : {}),
        created_at: iso(refund.createdAt),
        updated_at: iso(refund.updatedAt),
      },
    ],
    created_at: iso(refund.createdAt),
    updated_at: iso(refund.updatedAt),
    integration_mode: 'SEAMLESS',
    payment_retries_remaining: 0,
  };
}
