import type { OperatorRole } from '../domain/operator-roles.js';
import type { Queryable } from './db.js';

export interface OperatorRecord {
  id: string;
  email: string;
  role: OperatorRole;
  merchantIds: string[] | null;
  passwordHash: string | null;
  mustChangePassword: boolean;
  createdAt: Date;
  updatedAt: Date;
  disabledAt: Date | null;
}

type Row = Record<string, unknown>;

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(v as string));

export function toOperator(r: Row): OperatorRecord {
  return {
    id: String(r.id),
    email: String(r.email),
    role: r.role as OperatorRole,
    merchantIds: (r.merchant_ids as string[] | null) ?? null,
    passwordHash: (r.password_hash as string | null) ?? null,
    mustChangePassword: Boolean(r.must_change_password),
    createdAt: date(r.created_at) as Date,
    updatedAt: date(r.updated_at) as Date,
    disabledAt: date(r.disabled_at),
  };
}

/** Inserts an operator; false when the e-mail is taken already (nothing written). */
export async function insertOperator(q: Queryable, o: OperatorRecord): Promise<boolean> {
  const rows = await q.query(
    `insert into operators (id, email, role, merchant_ids, password_hash, must_change_password, created_at, updated_at, disabled_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9) on conflict (email) do nothing returning id`,
    [o.id, o.email, o.role, o.merchantIds, o.passwordHash, o.mustChangePassword, o.createdAt, o.updatedAt, o.disabledAt],
  );
  return rows.length === 1;
}

export async function findOperator(q: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<OperatorRecord | undefined> {
  const rows = await q.query(`select * from operators where id = $1${options.forUpdate ? ' for update' : ''}`, [id]);
  return rows[0] ? toOperator(rows[0]) : undefined;
}

export async function findOperatorByEmail(q: Queryable, email: string): Promise<OperatorRecord | undefined> {
  const rows = await q.query('select * from operators where email = $1', [email]);
  return rows[0] ? toOperator(rows[0]) : undefined;
}

export async function listOperators(q: Queryable): Promise<OperatorRecord[]> {
  const rows = await q.query('select * from operators order by created_at desc, id');
  return rows.map(toOperator);
}

export async function countOperators(q: Queryable): Promise<number> {
  const rows = await q.query<{ n: number | string }>('select count(*) as n from operators');
  return Number(rows[0]?.n ?? 0);
}

/** Writes the changeable fields of `o` (role, merchants, password, disabled). */
export async function updateOperator(q: Queryable, o: OperatorRecord): Promise<void> {
  await q.query(
    `update operators set role = $2, merchant_ids = $3, password_hash = $4, must_change_password = $5, updated_at = $6, disabled_at = $7
     where id = $1`,
    [o.id, o.role, o.merchantIds, o.passwordHash, o.mustChangePassword, o.updatedAt, o.disabledAt],
  );
}
