import type { Queryable } from './db.js';

export type KeyPurpose = 'token_signing' | 'card_fingerprint' | 'request_fingerprint' | 'secret_encryption';

/** A data key as stored: sealed with the master key named by `masterKeyId`. */
export interface SealedDataKey {
  id: string;
  purpose: KeyPurpose;
  sealed: string;
  masterKeyId: string;
  createdAt: Date;
  retiredAt: Date | null;
}

const asDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

export async function listDataKeys(q: Queryable): Promise<SealedDataKey[]> {
  const rows = await q.query('select id, purpose, sealed, master_key_id, created_at, retired_at from data_keys order by created_at, id');
  return rows.map((r) => ({
    id: String(r.id),
    purpose: String(r.purpose) as KeyPurpose,
    sealed: String(r.sealed),
    masterKeyId: String(r.master_key_id),
    createdAt: asDate(r.created_at),
    retiredAt: r.retired_at === null || r.retired_at === undefined ? null : asDate(r.retired_at),
  }));
}

/** Adds a key unless one with its id exists (two processes creating the first keys agree on one). */
export async function insertDataKey(q: Queryable, key: SealedDataKey): Promise<void> {
  await q.query(
    `insert into data_keys (id, purpose, sealed, master_key_id, created_at, retired_at) values ($1, $2, $3, $4, $5, $6)
     on conflict (id) do nothing`,
    [key.id, key.purpose, key.sealed, key.masterKeyId, key.createdAt, key.retiredAt],
  );
}

/** Retires every active key of `purpose` but `keepId`: they still verify and open, and sign or seal nothing new. */
export async function retireDataKeys(q: Queryable, purpose: KeyPurpose, keepId: string, at: Date): Promise<void> {
  await q.query('update data_keys set retired_at = $3 where purpose = $1 and id <> $2 and retired_at is null', [purpose, keepId, at]);
}

/** Deletes retired keys of `purpose` retired before `before` (nothing they signed can still be valid). */
export async function deleteRetiredDataKeys(q: Queryable, purpose: KeyPurpose, before: Date): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    'delete from data_keys where purpose = $1 and retired_at is not null and retired_at < $2 returning id',
    [purpose, before],
  );
  return rows.map((r) => r.id);
}

export async function deleteDataKey(q: Queryable, id: string): Promise<void> {
  await q.query('delete from data_keys where id = $1 and retired_at is not null', [id]);
}

/** The columns that hold secrets sealed with a data key, one row per merchant. */
export interface SealedMerchantSecrets {
  merchantId: string;
  webhookSecret: string | null;
  webhookBasicAuth: string | null;
  pineLabsRedirectSecret: string | null;
  juspayResponseKey: string | null;
}

export async function listSealedMerchantSecrets(q: Queryable): Promise<SealedMerchantSecrets[]> {
  const rows = await q.query<Record<string, string | null>>(
    `select id, webhook_secret_ciphertext, webhook_basic_auth_ciphertext, pinelabs_redirect_secret_ciphertext, juspay_response_key_ciphertext
       from merchants order by id`,
  );
  return rows.map((r) => ({
    merchantId: String(r.id),
    webhookSecret: r.webhook_secret_ciphertext ?? null,
    webhookBasicAuth: r.webhook_basic_auth_ciphertext ?? null,
    pineLabsRedirectSecret: r.pinelabs_redirect_secret_ciphertext ?? null,
    juspayResponseKey: r.juspay_response_key_ciphertext ?? null,
  }));
}

/** Writes a merchant's re-sealed secrets, only where the row still holds what was read (a concurrent change wins). */
export async function replaceSealedMerchantSecrets(
  q: Queryable,
  before: SealedMerchantSecrets,
  after: SealedMerchantSecrets,
): Promise<boolean> {
  const rows = await q.query(
    `update merchants set webhook_secret_ciphertext = $6, webhook_basic_auth_ciphertext = $7,
            pinelabs_redirect_secret_ciphertext = $8, juspay_response_key_ciphertext = $9
      where id = $1
        and webhook_secret_ciphertext is not distinct from $2 and webhook_basic_auth_ciphertext is not distinct from $3
        and pinelabs_redirect_secret_ciphertext is not distinct from $4 and juspay_response_key_ciphertext is not distinct from $5
      returning id`,
    [
      before.merchantId,
      before.webhookSecret,
      before.webhookBasicAuth,
      before.pineLabsRedirectSecret,
      before.juspayResponseKey,
      after.webhookSecret,
      after.webhookBasicAuth,
      after.pineLabsRedirectSecret,
      after.juspayResponseKey,
    ],
  );
  return rows.length === 1;
}
