import type { Queryable } from './db.js';

/** A merchant's routing rules as stored (docs/routing.md): the validated JSON, accounts by id. */
export interface StoredRoutingRules {
  merchantId: string;
  rules: unknown;
  updatedAt: Date;
}

type Row = Record<string, unknown>;

function toStored(r: Row): StoredRoutingRules {
  // node-postgres and PGlite both parse jsonb; a driver that hands back text is parsed here.
  const rules: unknown = typeof r.rules === 'string' ? JSON.parse(r.rules) : r.rules;
  return {
    merchantId: String(r.merchant_id),
    rules,
    updatedAt: r.updated_at instanceof Date ? r.updated_at : new Date(String(r.updated_at)),
  };
}

/** Stores (or replaces) a merchant's rules. */
export async function upsertRoutingRules(q: Queryable, merchantId: string, rules: unknown, at: Date): Promise<StoredRoutingRules> {
  const rows = await q.query(
    `insert into routing_rules (merchant_id, rules, updated_at) values ($1, $2::jsonb, $3)
     on conflict (merchant_id) do update set rules = excluded.rules, updated_at = excluded.updated_at
     returning *`,
    [merchantId, JSON.stringify(rules), at],
  );
  return toStored(rows[0] as Row);
}

export async function findRoutingRules(q: Queryable, merchantId: string): Promise<StoredRoutingRules | undefined> {
  const rows = await q.query('select * from routing_rules where merchant_id = $1', [merchantId]);
  return rows[0] ? toStored(rows[0]) : undefined;
}

/** Removes a merchant's rules (it goes back to its own connector); false when it had none. */
export async function deleteRoutingRules(q: Queryable, merchantId: string): Promise<boolean> {
  const rows = await q.query('delete from routing_rules where merchant_id = $1 returning merchant_id', [merchantId]);
  return rows.length === 1;
}
