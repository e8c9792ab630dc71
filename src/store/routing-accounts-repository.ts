import type { Queryable } from './db.js';

/** A merchant's gateway account as routing sees it: which it is and whether it may be chosen. */
export interface RoutingAccountRow {
  id: string;
  name: string;
  kind: string;
  disabled: boolean;
}

/**
 * The merchant's gateway accounts, for routing (docs/routing.md). The only place routing reads
 * gateway_accounts; credentials are never read here.
 */
export async function listRoutingAccounts(q: Queryable, merchantId: string): Promise<RoutingAccountRow[]> {
  const rows = await q.query('select id, name, kind, disabled_at from gateway_accounts where merchant_id = $1 order by name, id', [
    merchantId,
  ]);
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    kind: String(r.kind),
    disabled: r.disabled_at !== null && r.disabled_at !== undefined,
  }));
}
