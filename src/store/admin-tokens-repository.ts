import type { OperatorRole } from '../domain/operator-roles.js';
import type { Queryable } from './db.js';

export interface AdminTokenRecord {
  id: string;
  name: string;
  role: OperatorRole;
  merchantIds: string[] | null;
  secretHash: Buffer;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

type Row = Record<string, unknown>;

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(v as string));

function toToken(r: Row): AdminTokenRecord {
  return {
    id: String(r.id),
    name: String(r.name),
    role: r.role as OperatorRole,
    merchantIds: (r.merchant_ids as string[] | null) ?? null,
    secretHash: Buffer.from(r.secret_hash as Uint8Array),
    createdBy: (r.created_by as string | null) ?? null,
    createdAt: date(r.created_at) as Date,
    lastUsedAt: date(r.last_used_at),
    revokedAt: date(r.revoked_at),
  };
}

export async function insertAdminToken(q: Queryable, t: AdminTokenRecord): Promise<void> {
  await q.query(
    `insert into admin_tokens (id, name, role, merchant_ids, secret_hash, created_by, created_at) values ($1,$2,$3,$4,$5,$6,$7)`,
    [t.id, t.name, t.role, t.merchantIds, t.secretHash, t.createdBy, t.createdAt],
  );
}

export async function findAdminToken(q: Queryable, id: string): Promise<AdminTokenRecord | undefined> {
  const rows = await q.query('select * from admin_tokens where id = $1', [id]);
  return rows[0] ? toToken(rows[0]) : undefined;
}

export async function listAdminTokens(q: Queryable): Promise<AdminTokenRecord[]> {
  const rows = await q.query('select * from admin_tokens order by created_at desc, id');
  return rows.map(toToken);
}

/** Revokes a token at `at`; false when there is no such token or it was revoked already. */
export async function revokeAdminToken(q: Queryable, id: string, at: Date): Promise<boolean> {
  const rows = await q.query('update admin_tokens set revoked_at = $2 where id = $1 and revoked_at is null returning id', [id, at]);
  return rows.length === 1;
}

/** Records a use, at most once a minute per token, so reading is not a write per request. */
export async function touchAdminToken(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query(
    `update admin_tokens set last_used_at = $2 where id = $1 and (last_used_at is null or last_used_at < $2::timestamptz - interval '1 minute')`,
    [id, at],
  );
}
