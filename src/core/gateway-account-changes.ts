/**
 * How long one process trusts what it last read of a gateway account (or of a merchant's list of
 * them): a disable or a credentials change made elsewhere is seen within this, as a merchant's
 * disable is (merchant-status.ts).
 */
export const GATEWAY_ACCOUNT_TTL_MS = 1000;

/**
 * When this process last changed each account and each merchant's accounts: what was read before
 * is not trusted, so the process that makes a change honours it at once.
 */
const changedHere = new Map<string, number>();

/** Records that this process just added, disabled or enabled an account of a merchant. */
export function noteGatewayAccountChanged(accountId: string, merchantId: string): void {
  if (changedHere.size > 10_000) changedHere.clear();
  const now = performance.now();
  changedHere.set(accountId, now);
  changedHere.set(merchantId, now);
}

/** Whether what was read of `key` (an account id or a merchant id) at `readAt` may still be used. */
export function stillFresh(key: string, readAt: number): boolean {
  return performance.now() - readAt < GATEWAY_ACCOUNT_TTL_MS && (changedHere.get(key) ?? Number.NEGATIVE_INFINITY) < readAt;
}

/** The key under which a merchant's routing rules are tracked beside its accounts. */
export const routingRulesKey = (merchantId: string) => `routing-rules:${merchantId}`;

/** Records that this process just set or cleared a merchant's routing rules. */
export function noteRoutingRulesChanged(merchantId: string): void {
  if (changedHere.size > 10_000) changedHere.clear();
  changedHere.set(routingRulesKey(merchantId), performance.now());
}
