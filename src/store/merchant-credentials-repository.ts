import type { Queryable } from './db.js';

export const CREDENTIAL_KINDS = ['client_secret', 'api_key', 'webhook_secret', 'redirect_keys'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** One credential of a merchant, as merchant_credentials keeps it (hashed or sealed, never in the clear). */
export interface CredentialRecord {
  id: string;
  merchantId: string;
  kind: CredentialKind;
  /** Issue order within the table: the newest of a kind has the highest. */
  position: number;
  clientId: string | null;
  secretHash: Buffer | null;
  secretCiphertext: string | null;
  responseKeyCiphertext: string | null;
  hint: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

type Row = Record<string, unknown>;
const asDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const asOptionalDate = (value: unknown): Date | null => (value === null || value === undefined ? null : asDate(value));

function toCredential(r: Row): CredentialRecord {
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    kind: r.kind as CredentialKind,
    position: Number(r.position),
    clientId: (r.client_id as string | null) ?? null,
    secretHash: r.secret_hash === null || r.secret_hash === undefined ? null : Buffer.from(r.secret_hash as Uint8Array),
    secretCiphertext: (r.secret_ciphertext as string | null) ?? null,
    responseKeyCiphertext: (r.response_key_ciphertext as string | null) ?? null,
    hint: (r.hint as string | null) ?? null,
    createdAt: asDate(r.created_at),
    expiresAt: asOptionalDate(r.expires_at),
    revokedAt: asOptionalDate(r.revoked_at),
  };
}

export type NewCredential = Omit<CredentialRecord, 'position' | 'expiresAt' | 'revokedAt'>;

export async function insertCredential(q: Queryable, c: NewCredential): Promise<CredentialRecord> {
  const rows = await q.query(
    `insert into merchant_credentials (id, merchant_id, kind, client_id, secret_hash, secret_ciphertext, response_key_ciphertext, hint, created_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9) returning *`,
    [c.id, c.merchantId, c.kind, c.clientId, c.secretHash, c.secretCiphertext, c.responseKeyCiphertext, c.hint, c.createdAt],
  );
  return toCredential(rows[0] as Row);
}

/** Every credential of a merchant, newest first. */
export async function listCredentials(q: Queryable, merchantId: string): Promise<CredentialRecord[]> {
  const rows = await q.query('select * from merchant_credentials where merchant_id = $1 order by position desc', [merchantId]);
  return rows.map(toCredential);
}

/** A merchant's credentials of one kind that still work at `now` (not revoked, not expired), newest first. */
export async function listUsableCredentials(
  q: Queryable,
  merchantId: string,
  kind: CredentialKind,
  now: Date,
): Promise<CredentialRecord[]> {
  const rows = await q.query(
    `select * from merchant_credentials
      where merchant_id = $1 and kind = $2 and revoked_at is null and (expires_at is null or expires_at > $3)
      order by position desc`,
    [merchantId, kind, now],
  );
  return rows.map(toCredential);
}

/** The credential whose secret hashes to `hash` (client secrets and API keys), whatever its state. */
export async function findCredentialByHash(q: Queryable, kind: CredentialKind, hash: Buffer): Promise<CredentialRecord | undefined> {
  const rows = await q.query('select * from merchant_credentials where kind = $1 and secret_hash = $2', [kind, hash]);
  return rows[0] ? toCredential(rows[0]) : undefined;
}

export async function findCredential(q: Queryable, merchantId: string, id: string): Promise<CredentialRecord | undefined> {
  const rows = await q.query('select * from merchant_credentials where merchant_id = $1 and id = $2', [merchantId, id]);
  return rows[0] ? toCredential(rows[0]) : undefined;
}

/** The newest credential of a kind, whatever its state (a revoke of it is refused). */
export async function findNewestCredential(q: Queryable, merchantId: string, kind: CredentialKind): Promise<CredentialRecord | undefined> {
  const rows = await q.query('select * from merchant_credentials where merchant_id = $1 and kind = $2 order by position desc limit 1', [
    merchantId,
    kind,
  ]);
  return rows[0] ? toCredential(rows[0]) : undefined;
}

/**
 * Gives every other live credential of the kind an expiry of `expiresAt`, unless it already ends
 * sooner; returns the ones changed, as they were before.
 */
export async function expireOtherCredentials(
  q: Queryable,
  merchantId: string,
  kind: CredentialKind,
  keepId: string,
  expiresAt: Date,
): Promise<CredentialRecord[]> {
  const before = await q.query(
    `select * from merchant_credentials
      where merchant_id = $1 and kind = $2 and id <> $3 and revoked_at is null and (expires_at is null or expires_at > $4)
      order by position desc for update`,
    [merchantId, kind, keepId, expiresAt],
  );
  if (before.length === 0) return [];
  await q.query('update merchant_credentials set expires_at = $2 where id = any($1::text[])', [before.map((r) => String(r.id)), expiresAt]);
  return before.map(toCredential);
}

export async function revokeCredentialRow(q: Queryable, id: string, at: Date): Promise<CredentialRecord> {
  const rows = await q.query('update merchant_credentials set revoked_at = $2 where id = $1 returning *', [id, at]);
  return toCredential(rows[0] as Row);
}

/** Whether a credential works at `now`. */
export function credentialUsable(c: Pick<CredentialRecord, 'expiresAt' | 'revokedAt'>, now: Date): boolean {
  return c.revokedAt === null && (c.expiresAt === null || c.expiresAt.getTime() > now.getTime());
}

/** The sealed secrets of merchant_credentials, for re-sealing them with a newer data key. */
export interface SealedCredentialSecrets {
  id: string;
  secretCiphertext: string | null;
  responseKeyCiphertext: string | null;
}

export async function listSealedCredentialSecrets(q: Queryable): Promise<SealedCredentialSecrets[]> {
  const rows = await q.query<Record<string, string | null>>(
    `select id, secret_ciphertext, response_key_ciphertext from merchant_credentials
      where secret_ciphertext is not null or response_key_ciphertext is not null order by id`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    secretCiphertext: r.secret_ciphertext ?? null,
    responseKeyCiphertext: r.response_key_ciphertext ?? null,
  }));
}

/** Writes a credential's re-sealed secrets, only where the row still holds what was read. */
export async function replaceSealedCredentialSecrets(
  q: Queryable,
  before: SealedCredentialSecrets,
  after: SealedCredentialSecrets,
): Promise<boolean> {
  const rows = await q.query(
    `update merchant_credentials set secret_ciphertext = $4, response_key_ciphertext = $5
      where id = $1 and secret_ciphertext is not distinct from $2 and response_key_ciphertext is not distinct from $3
      returning id`,
    [before.id, before.secretCiphertext, before.responseKeyCiphertext, after.secretCiphertext, after.responseKeyCiphertext],
  );
  return rows.length === 1;
}
