import type { Queryable } from './db.js';

/** One gateway account as gateway_accounts keeps it: its credentials only sealed. */
export interface GatewayAccountRecord {
  id: string;
  merchantId: string;
  name: string;
  /** One of the kinds of docs/gateways.md (the table's check lists them). */
  kind: string;
  baseUrl: string | null;
  /** All the account's credentials as one JSON object, sealed with a data key. */
  credentialsCiphertext: string;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

type Row = Record<string, unknown>;
const asDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

function toAccount(r: Row): GatewayAccountRecord {
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    name: String(r.name),
    kind: String(r.kind),
    baseUrl: (r.base_url as string | null) ?? null,
    credentialsCiphertext: String(r.credentials_ciphertext),
    disabledAt: r.disabled_at === null || r.disabled_at === undefined ? null : asDate(r.disabled_at),
    createdAt: asDate(r.created_at),
    updatedAt: asDate(r.updated_at),
  };
}

/** The unique index a second account of the same name for one merchant violates. */
export const GATEWAY_ACCOUNT_NAME_INDEX = 'gateway_accounts_merchant_name_idx';

export async function insertGatewayAccount(q: Queryable, a: GatewayAccountRecord): Promise<GatewayAccountRecord> {
  const rows = await q.query(
    `insert into gateway_accounts (id, merchant_id, name, kind, base_url, credentials_ciphertext, disabled_at, created_at, updated_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9) returning *`,
    [a.id, a.merchantId, a.name, a.kind, a.baseUrl, a.credentialsCiphertext, a.disabledAt, a.createdAt, a.updatedAt],
  );
  return toAccount(rows[0] as Row);
}

export async function findGatewayAccount(q: Queryable, id: string): Promise<GatewayAccountRecord | undefined> {
  const rows = await q.query('select * from gateway_accounts where id = $1', [id]);
  return rows[0] ? toAccount(rows[0]) : undefined;
}

/** A merchant's accounts in the order they were added. */
export async function listGatewayAccounts(q: Queryable, merchantId: string): Promise<GatewayAccountRecord[]> {
  const rows = await q.query('select * from gateway_accounts where merchant_id = $1 order by position', [merchantId]);
  return rows.map(toAccount);
}

/** The account, locked for a change. */
export async function lockGatewayAccount(q: Queryable, id: string): Promise<GatewayAccountRecord | undefined> {
  const rows = await q.query('select * from gateway_accounts where id = $1 for update', [id]);
  return rows[0] ? toAccount(rows[0]) : undefined;
}

export async function setGatewayAccountDisabledAt(
  q: Queryable,
  id: string,
  disabledAt: Date | null,
  updatedAt: Date,
): Promise<GatewayAccountRecord> {
  const rows = await q.query('update gateway_accounts set disabled_at = $2, updated_at = $3 where id = $1 returning *', [
    id,
    disabledAt,
    updatedAt,
  ]);
  return toAccount(rows[0] as Row);
}

/** Every account's sealed credentials, for re-sealing them with a newer data key. */
export async function listSealedGatewayCredentials(q: Queryable): Promise<Array<{ id: string; credentialsCiphertext: string }>> {
  const rows = await q.query<{ id: string; credentials_ciphertext: string }>(
    'select id, credentials_ciphertext from gateway_accounts order by id',
  );
  return rows.map((r) => ({ id: r.id, credentialsCiphertext: r.credentials_ciphertext }));
}

/**
 * Writes an account's re-sealed credentials, only where the row still holds what was read (a
 * change made meanwhile wins). updated_at is left alone: the credentials themselves did not change.
 */
export async function replaceSealedGatewayCredentials(q: Queryable, id: string, before: string, after: string): Promise<boolean> {
  const rows = await q.query(
    'update gateway_accounts set credentials_ciphertext = $3 where id = $1 and credentials_ciphertext = $2 returning id',
    [id, before, after],
  );
  return rows.length === 1;
}
