import { randomBytes, randomUUID } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random alphanumeric string; rejection sampling keeps the distribution uniform. */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC.charAt(byte % 62);
    }
  }
  return out;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomAlphanumeric(20)}`;
}

export function newMerchantId(): string {
  return `mer_${randomAlphanumeric(14)}`;
}

/**
 * A merchant's account at a gateway Holdfast sits in front of (docs/gateways.md): its id is also
 * the connector name its payments are sent through, which is how a connector name is told apart.
 */
export const GATEWAY_ACCOUNT_PREFIX = 'gwa_';

export function newGatewayAccountId(): string {
  return `${GATEWAY_ACCOUNT_PREFIX}${randomAlphanumeric(20)}`;
}

export function isGatewayAccountId(name: string): boolean {
  return name.startsWith(GATEWAY_ACCOUNT_PREFIX);
}

export function newUuid(): string {
  return randomUUID();
}

/**
 * The release of a partial capture's remainder takes its id from the capture: every path that
 * records the capture (the request, a status sync after a crash) names the same release, so the
 * gateway, idempotent by operation id, releases the remainder once.
 */
export function remainderReleaseId(captureId: string): string {
  return `rev_${captureId.slice(captureId.indexOf('_') + 1)}`;
}
