import { randomBytes, randomUUID } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random alphanumeric string; rejection sampling keeps the distribution uniform. */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

function compactTimestamp(now: Date): string {
  const iso = now.toISOString(); // 2024-08-28T18:12:32.000Z
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19);
}

/** Order ids in Pine Labs' shape: v1-<yyMMddHHmmss>-aa-<6 alnum>. Refund orders share it. */
export function newOrderId(now: Date): string {
  return `v1-${compactTimestamp(now)}-aa-${randomAlphanumeric(6)}`;
}

/** Payment ids: <order_id>-cc-<3 alnum> (Pine Labs uses one character; three keeps retries unique). */
export function newPaymentId(orderId: string): string {
  return `${orderId}-cc-${randomAlphanumeric(3)}`;
}

/** Juspay-style transaction uuid: short, opaque, unguessable. */
export function newTxnUuid(): string {
  return `eul${randomAlphanumeric(17)}`;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomAlphanumeric(20)}`;
}

export function newMerchantId(): string {
  return `mer_${randomAlphanumeric(14)}`;
}

export function newUuid(): string {
  return randomUUID();
}

/**
 * The reversal that releases a partial capture's remainder takes its id from the capture: every
 * path that records the capture (the request, a status sync after a crash) names the same
 * reversal, so the gateway, idempotent by operation id, releases the remainder once.
 */
export function remainderReversalId(captureId: string): string {
  return `rev_${captureId.slice(captureId.indexOf('_') + 1)}`;
}
