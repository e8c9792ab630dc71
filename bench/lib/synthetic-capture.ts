/**
 * A capture with a sentinel in place of every value that varies from one capture to the next,
 * for bench/lib/render-capture.ts to run the real capture code on: an AUTHORIZED pre-auth order
 * like a seeded one (bench/lib/seed.ts), the request, a minimal CoreContext, the gateway's
 * answers, and what each bench variable (bench/lib/statement-list.ts VAR_NAMES) must then be.
 */
import type { CaptureOrderInput, CaptureOutcome } from '../../src/core/operations/capture.js';
import type { OrderTarget } from '../../src/core/operations/order-write.js';
import type { CoreContext } from '../../src/core/context.js';
import type { OrderAggregate } from '../../src/domain/order.js';
import { noWebhookUrlCondition } from '../../src/store/webhooks-repository.js';
import { SEEDED_ORDER_VERSION } from './seed.js';
import type { VarName } from './statement-list.js';

/** The instant the capture runs at (GuardedWrite sends instants as ISO text). */
const NOW = new Date('2031-02-03T04:05:06.789Z');
/** The sync policy's defaults (src/core/scheduled-jobs.ts SyncPolicy). */
const SYNC_POLICY = { firstDelayMs: 10_000, maxAttempts: 10 };

const ORDER_AMOUNT = 1_000_003;
const CAPTURE_AMOUNT = 600_011;

/** Strings no real value contains; numbers no constant of a capture equals. */
const S = {
  merchantId: 'sentinel:merchantId',
  orderId: 'sentinel:orderId',
  paymentId: 'sentinel:paymentId',
  txnUuid: 'sentinel:txnUuid',
  connectorReference: 'sentinel:connectorReference',
  captureRef: 'sentinel:captureRef',
  fingerprint: 'sentinel:fingerprint',
  captureGatewayRef: 'sentinel:captureGatewayRef',
  reversalGatewayRef: 'sentinel:reversalGatewayRef',
  /** How long the gateway took to answer the capture and the release (recorded with the answers). */
  captureLatencyMs: 7_001,
  reversalLatencyMs: 7_003,
  /** ISO 4217's code for testing. */
  currency: 'XTS',
} as const;

/** What a string must contain to be taken for a sentinel (the capture id the code draws is one too). */
export const SENTINEL_MARK = 'sentinel:';

export interface SyntheticCapture {
  now: Date;
  target: OrderTarget;
  read: OrderAggregate;
  input: CaptureOrderInput;
  ctx: CoreContext;
  outcome: CaptureOutcome;
}

export function syntheticCapture(): SyntheticCapture {
  const created = new Date(NOW.getTime() - 60_000);
  const read: OrderAggregate = {
    order: {
      id: S.orderId,
      merchantId: S.merchantId,
      dialect: 'pinelabs',
      merchantOrderReference: 'sentinel:orderReference',
      requestFingerprint: 'sentinel:orderFingerprint',
      amount: ORDER_AMOUNT,
      currency: S.currency,
      preAuth: true,
      state: 'AUTHORIZED',
      version: SEEDED_ORDER_VERSION,
      returnUrl: null,
      customer: null,
      details: {},
      captureDeadline: new Date(NOW.getTime() + 7 * 86_400_000),
      reviewReason: null,
      paymentClosedReason: null,
      expiresAt: null,
      createdAt: created,
      updatedAt: created,
    },
    payments: [
      {
        id: S.paymentId,
        txnUuid: S.txnUuid,
        orderId: S.orderId,
        merchantPaymentReference: 'sentinel:paymentReference',
        requestFingerprint: 'sentinel:paymentFingerprint',
        amount: ORDER_AMOUNT,
        currency: S.currency,
        method: 'CARD',
        status: 'AUTHORIZED',
        card: {
          bin: '411111',
          last4: '1111',
          network: 'VISA',
          expiryMonth: '12',
          expiryYear: '2035',
          holderName: 'sentinel:holder',
          fingerprint: 'sentinel:cardFingerprint',
        },
        connector: 'sandbox',
        connectorReference: S.connectorReference,
        challengeId: null,
        challengeExpiresAt: null,
        errorCode: null,
        errorMessage: null,
        approvalCode: 'sentinel:approvalCode',
        failoverOf: null,
        challengeRedirectUrl: null,
        gatewayDetails: null,
        gatewayLatencyMs: null,
        rrn: 'sentinel:rrn',
        acquirerReference: 'sentinel:acquirerReference',
        createdAt: created,
        updatedAt: created,
      },
    ],
    captures: [],
    reversals: [],
    refunds: [],
    journal: [
      {
        kind: 'AUTHORIZE',
        referenceId: S.paymentId,
        currency: S.currency,
        postings: [
          { account: 'customer', amount: -ORDER_AMOUNT },
          { account: 'held', amount: ORDER_AMOUNT },
        ],
      },
    ],
  };
  return {
    now: NOW,
    target: { merchantId: S.merchantId, orderId: S.orderId },
    read,
    input: {
      merchantId: S.merchantId,
      orderId: S.orderId,
      merchantCaptureReference: S.captureRef,
      amount: { value: CAPTURE_AMOUNT, currency: S.currency },
      requestFingerprint: S.fingerprint,
    },
    ctx: minimalContext(),
    outcome: {
      capture: { kind: 'succeeded', gatewayReference: S.captureGatewayRef, latencyMs: S.captureLatencyMs },
      release: { kind: 'succeeded', gatewayReference: S.reversalGatewayRef, latencyMs: S.reversalLatencyMs },
    },
  };
}

/**
 * Only what the capture's decide, intent and answer use; reading anything else throws, so a
 * capture that starts to need more shows here rather than as a wrong statement.
 */
function minimalContext(): CoreContext {
  const notInCapture = (what: string) => () => {
    throw new Error(`the capture asked ctx.ids for ${what}: bench/lib/synthetic-capture.ts has no sentinel for it`);
  };
  const given: Partial<CoreContext> = {
    clock: { now: () => NOW },
    syncPolicy: SYNC_POLICY,
    ids: {
      order: notInCapture('an order id'),
      payment: notInCapture('a payment id'),
      refund: notInCapture('a refund id'),
      txn: notInCapture('a txn_uuid'),
    },
    notifications: {
      record: () =>
        Promise.reject(new Error('the bench renders the capture for a merchant without webhook URL: no notification is recorded')),
      silentCondition: noWebhookUrlCondition,
    },
  };
  return new Proxy(given, {
    get(target, prop, receiver) {
      if (typeof prop === 'symbol' || prop === 'then' || prop in target) return Reflect.get(target, prop, receiver) as unknown;
      throw new Error(`the capture read ctx.${prop}, which bench/lib/synthetic-capture.ts does not provide`);
    },
  }) as CoreContext;
}

/**
 * What each bench variable is in the synthetic capture, computed the way the naive handler and
 * pgbench compute it (bench/capture-statements.ts naiveVars, bench/lib/pgbench-script.ts), from
 * the sentinels and the capture id the code drew. A parameter equal to one of these is that
 * variable.
 */
export function variableValues(captureId: string, now: Date): Record<VarName, unknown> {
  const reversalId = `rev_${captureId.slice(captureId.indexOf('_') + 1)}`;
  const remainder = ORDER_AMOUNT - CAPTURE_AMOUNT;
  return {
    orderId: S.orderId,
    merchantId: S.merchantId,
    paymentId: S.paymentId,
    captureRef: S.captureRef,
    fingerprint: S.fingerprint,
    captureId,
    reversalId,
    amount: CAPTURE_AMOUNT,
    remainder,
    currency: S.currency,
    now: now.toISOString(),
    syncRunAt: new Date(now.getTime() + SYNC_POLICY.firstDelayMs).toISOString(),
    syncJobKey: `sync:${captureId}`,
    syncPayload: JSON.stringify({ merchantId: S.merchantId, orderId: S.orderId, operationId: captureId }),
    syncMaxAttempts: SYNC_POLICY.maxAttempts,
    autoVoidJobKey: `auto-void:${S.orderId}`,
    captureGatewayRef: S.captureGatewayRef,
    reversalGatewayRef: S.reversalGatewayRef,
    captureLatencyMs: S.captureLatencyMs,
    reversalLatencyMs: S.reversalLatencyMs,
    journalRefs: [captureId, reversalId],
    journalCurrencies: [S.currency, S.currency],
    postingRefs: [captureId, captureId, reversalId, reversalId],
    postingAmounts: [-CAPTURE_AMOUNT, CAPTURE_AMOUNT, -remainder, remainder],
  };
}
