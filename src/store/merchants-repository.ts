import type { Queryable } from './db.js';

export interface MerchantRecord {
  id: string;
  name: string;
  clientId: string;
  clientSecretHash: Buffer;
  apiKeyHash: Buffer;
  webhookUrl: string | null;
  webhookSecretCiphertext: string | null;
  connector: string;
  captureWindowSeconds: number | null;
  /** The keys that sign return redirects, encrypted; null for a merchant created before they existed. */
  pineLabsRedirectSecretCiphertext: string | null;
  juspayResponseKeyCiphertext: string | null;
  createdAt: Date;
  /** When the merchant was disabled (its tokens, API key and client credentials are refused); null while active. */
  disabledAt: Date | null;
}

type Row = Record<string, unknown>;

function toMerchant(r: Row): MerchantRecord {
  return {
    id: String(r.id),
    name: String(r.name),
    clientId: String(r.client_id),
    clientSecretHash: Buffer.from(r.client_secret_hash as Uint8Array),
    apiKeyHash: Buffer.from(r.api_key_hash as Uint8Array),
    webhookUrl: (r.webhook_url as string | null) ?? null,
    webhookSecretCiphertext: (r.webhook_secret_ciphertext as string | null) ?? null,
    connector: String(r.connector),
    captureWindowSeconds: r.capture_window_seconds === null ? null : Number(r.capture_window_seconds),
    pineLabsRedirectSecretCiphertext: (r.pinelabs_redirect_secret_ciphertext as string | null) ?? null,
    juspayResponseKeyCiphertext: (r.juspay_response_key_ciphertext as string | null) ?? null,
    createdAt: r.created_at instanceof Date ? r.created_at : new Date(String(r.created_at)),
    disabledAt: r.disabled_at === null || r.disabled_at === undefined ? null : new Date(r.disabled_at as Date | string),
  };
}

export async function insertMerchant(q: Queryable, m: MerchantRecord): Promise<void> {
  await q.query(
    `insert into merchants (id, name, client_id, client_secret_hash, api_key_hash, webhook_url, webhook_secret_ciphertext, connector, capture_window_seconds,
       pinelabs_redirect_secret_ciphertext, juspay_response_key_ciphertext, created_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
    [
      m.id,
      m.name,
      m.clientId,
      m.clientSecretHash,
      m.apiKeyHash,
      m.webhookUrl,
      m.webhookSecretCiphertext,
      m.connector,
      m.captureWindowSeconds,
      m.pineLabsRedirectSecretCiphertext,
      m.juspayResponseKeyCiphertext,
      m.createdAt,
    ],
  );
}

export async function findMerchantByClientId(q: Queryable, clientId: string): Promise<MerchantRecord | undefined> {
  const rows = await q.query('select * from merchants where client_id = $1', [clientId]);
  return rows[0] ? toMerchant(rows[0]) : undefined;
}

export async function findMerchantByApiKeyHash(q: Queryable, apiKeyHash: Buffer): Promise<MerchantRecord | undefined> {
  const rows = await q.query('select * from merchants where api_key_hash = $1', [apiKeyHash]);
  return rows[0] ? toMerchant(rows[0]) : undefined;
}

export async function findMerchant(q: Queryable, id: string): Promise<MerchantRecord | undefined> {
  const rows = await q.query('select * from merchants where id = $1', [id]);
  return rows[0] ? toMerchant(rows[0]) : undefined;
}

export async function countMerchants(q: Queryable): Promise<number> {
  const rows = await q.query<{ n: number }>('select count(*)::int as n from merchants');
  return rows[0]?.n ?? 0;
}

/** Replaces a merchant's return-redirect keys (ciphertexts); false when there is no such merchant. */
export async function setRedirectKeyCiphertexts(q: Queryable, merchantId: string, pineLabs: string, juspay: string): Promise<boolean> {
  const rows = await q.query(
    `update merchants set pinelabs_redirect_secret_ciphertext = $2, juspay_response_key_ciphertext = $3 where id = $1 returning id`,
    [merchantId, pineLabs, juspay],
  );
  return rows.length > 0;
}

/** Disables (`at`) or re-enables (null) a merchant; false when there is no such merchant. */
export async function setMerchantDisabledAt(q: Queryable, id: string, at: Date | null): Promise<boolean> {
  const rows = await q.query('update merchants set disabled_at = $2 where id = $1 returning id', [id, at]);
  return rows.length === 1;
}

/** Copies a merchant's newest credential of its kind onto the merchant's own columns. */
export async function setCurrentCredential(
  q: Queryable,
  c: { merchantId: string; kind: string; secretHash: Buffer | null; secretCiphertext: string | null; responseKeyCiphertext: string | null },
): Promise<void> {
  if (c.kind === 'client_secret') await q.query('update merchants set client_secret_hash = $2 where id = $1', [c.merchantId, c.secretHash]);
  else if (c.kind === 'api_key') await q.query('update merchants set api_key_hash = $2 where id = $1', [c.merchantId, c.secretHash]);
  else if (c.kind === 'webhook_secret') {
    await q.query('update merchants set webhook_secret_ciphertext = $2 where id = $1', [c.merchantId, c.secretCiphertext]);
  } else if (c.kind === 'redirect_keys') {
    await q.query('update merchants set pinelabs_redirect_secret_ciphertext = $2, juspay_response_key_ciphertext = $3 where id = $1', [
      c.merchantId,
      c.secretCiphertext,
      c.responseKeyCiphertext,
    ]);
  } else throw new Error(`unknown credential kind ${c.kind}`);
}

/** A merchant, its row locked until the transaction ends (changes to one merchant run one after the other). */
export async function lockMerchant(q: Queryable, id: string): Promise<MerchantRecord | undefined> {
  const rows = await q.query('select * from merchants where id = $1 for update', [id]);
  return rows[0] ? toMerchant(rows[0]) : undefined;
}
