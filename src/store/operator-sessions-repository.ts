import type { Queryable } from './db.js';
import { toOperator, type OperatorRecord } from './operators-repository.js';

export interface OperatorSessionRecord {
  /** SHA-256 of the cookie's random value. */
  idHash: Buffer;
  operatorId: string;
  csrfTokenHash: Buffer;
  createdAt: Date;
  lastSeenAt: Date;
  /** The latest end of the session (sign-in + the maximum lifetime); idleness may end it sooner. */
  expiresAt: Date;
  revokedAt: Date | null;
}

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(v as string));

export async function insertOperatorSession(q: Queryable, s: OperatorSessionRecord): Promise<void> {
  await q.query(
    `insert into operator_sessions (id_hash, operator_id, csrf_token_hash, created_at, last_seen_at, expires_at, revoked_at)
     values ($1,$2,$3,$4,$5,$6,$7)`,
    [s.idHash, s.operatorId, s.csrfTokenHash, s.createdAt, s.lastSeenAt, s.expiresAt, s.revokedAt],
  );
}

/** A session with its operator, by the hash of its cookie value. */
export async function findOperatorSession(
  q: Queryable,
  idHash: Buffer,
): Promise<{ session: OperatorSessionRecord; operator: OperatorRecord } | undefined> {
  const rows = await q.query(
    `select s.id_hash as s_id_hash, s.csrf_token_hash as s_csrf_token_hash, s.created_at as s_created_at,
            s.last_seen_at as s_last_seen_at, s.expires_at as s_expires_at, s.revoked_at as s_revoked_at, o.*
     from operator_sessions s join operators o on o.id = s.operator_id where s.id_hash = $1`,
    [idHash],
  );
  const r = rows[0];
  if (!r) return undefined;
  const operator = toOperator(r);
  return {
    operator,
    session: {
      idHash: Buffer.from(r.s_id_hash as Uint8Array),
      operatorId: operator.id,
      csrfTokenHash: Buffer.from(r.s_csrf_token_hash as Uint8Array),
      createdAt: date(r.s_created_at) as Date,
      lastSeenAt: date(r.s_last_seen_at) as Date,
      expiresAt: date(r.s_expires_at) as Date,
      revokedAt: date(r.s_revoked_at),
    },
  };
}

/** Records a call, at most once a minute per session, so reading is not a write per request. */
export async function touchOperatorSession(q: Queryable, idHash: Buffer, at: Date): Promise<void> {
  await q.query(
    `update operator_sessions set last_seen_at = $2
     where id_hash = $1 and revoked_at is null and last_seen_at < $2::timestamptz - interval '1 minute'`,
    [idHash, at],
  );
}

export async function revokeOperatorSession(q: Queryable, idHash: Buffer, at: Date): Promise<void> {
  await q.query('update operator_sessions set revoked_at = $2 where id_hash = $1 and revoked_at is null', [idHash, at]);
}

/** Revokes every open session of an operator but `except` (the one changing its password); the count revoked. */
export async function revokeOperatorSessions(q: Queryable, operatorId: string, at: Date, except?: Buffer): Promise<number> {
  const rows = await q.query(
    `update operator_sessions set revoked_at = $2
     where operator_id = $1 and revoked_at is null and ($3::bytea is null or id_hash <> $3) returning operator_id`,
    [operatorId, at, except ?? null],
  );
  return rows.length;
}
