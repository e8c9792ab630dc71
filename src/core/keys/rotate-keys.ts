import type { Db, Queryable } from '../../store/db.js';
import {
  deleteDataKey,
  deleteRetiredDataKeys,
  insertDataKey,
  listDataKeys,
  listSealedMerchantSecrets,
  replaceSealedMerchantSecrets,
  retireDataKeys,
  type KeyPurpose,
  type SealedMerchantSecrets,
} from '../../store/data-keys-repository.js';
import { listSealedCredentialSecrets, replaceSealedCredentialSecrets } from '../../store/merchant-credentials-repository.js';
import { listSealedGatewayCredentials, replaceSealedGatewayCredentials } from '../../store/gateway-accounts-repository.js';
import { KeyRing, keySequence, newSealedDataKey, sealSecretWith } from './keyring.js';
import type { MasterKey } from './master-key.js';

/** What a rotation did, for the operator. */
export interface RotationReport {
  tokenSigningKey: string;
  encryptionKey: string;
  resealedSecrets: number;
  deletedKeys: string[];
}

/** The key ids a rotation's transaction changes (never a key itself), for the audit log. */
export interface KeyChange {
  replaced: string[];
  created: string[];
  deleted: string[];
}

/** Keys that rotate. Fingerprint keys do not: a card's fingerprint and a request's must stay comparable with the ones stored. */
const ROTATING: readonly KeyPurpose[] = ['token_signing', 'secret_encryption'];

/**
 * How long a retired encryption key is kept after nothing stored names it: a process that read
 * the keys just before the rotation may still seal one secret with it (its key ring is at most a
 * second old), so only keys retired well before are deleted.
 */
const RETIRED_KEY_GRACE_MS = 60_000;

/**
 * `holdfast keys rotate`: a new token-signing key and a new encryption key. Tokens signed with the
 * old key still verify until they expire (its key id stays known); every merchant secret (on the
 * merchant, in merchant_credentials, and its gateway accounts' credentials) is re-sealed with the
 * new encryption key; keys nothing can need any more are deleted (a token key
 * retired longer ago than a token lives, an encryption key no sealed secret names). `also` runs in
 * the transaction that makes the keys (the audit entry).
 */
export async function rotateKeys(
  db: Db,
  ring: KeyRing,
  master: MasterKey,
  now: Date,
  tokenTtlMs: number,
  also?: (tx: Queryable, change: KeyChange) => Promise<void>,
): Promise<RotationReport> {
  const deletedKeys: string[] = [];
  const created = await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [7_311_845_001]);
    const stored = await listDataKeys(tx);
    const ids: Partial<Record<KeyPurpose, string>> = {};
    for (const purpose of ROTATING) {
      const sequence = Math.max(0, ...stored.filter((k) => k.purpose === purpose).map((k) => keySequence(k.id))) + 1;
      const key = newSealedDataKey(master, purpose, sequence, now);
      await insertDataKey(tx, key);
      await retireDataKeys(tx, purpose, key.id, now);
      ids[purpose] = key.id;
    }
    const staleTokenKeys = await deleteRetiredDataKeys(tx, 'token_signing', new Date(now.getTime() - tokenTtlMs - RETIRED_KEY_GRACE_MS));
    deletedKeys.push(...staleTokenKeys);
    const replaced = stored.filter((k) => ROTATING.includes(k.purpose) && k.retiredAt === null).map((k) => k.id);
    await also?.(tx, { replaced, created: ROTATING.map((purpose) => ids[purpose] as string), deleted: staleTokenKeys });
    return ids as Record<'token_signing' | 'secret_encryption', string>;
  });
  await ring.reload();
  const encryption = ring.current('secret_encryption');
  let resealedSecrets = 0;
  for (const row of await listSealedMerchantSecrets(db)) {
    const reseal = async (value: string | null) => {
      if (value === null || KeyRing.sealedSecretKeyId(value) === encryption.id) return value;
      resealedSecrets += 1;
      return sealSecretWith(encryption, await ring.openSecret(value));
    };
    const next: SealedMerchantSecrets = {
      merchantId: row.merchantId,
      webhookSecret: await reseal(row.webhookSecret),
      webhookBasicAuth: await reseal(row.webhookBasicAuth),
      pineLabsRedirectSecret: await reseal(row.pineLabsRedirectSecret),
      juspayResponseKey: await reseal(row.juspayResponseKey),
    };
    await replaceSealedMerchantSecrets(db, row, next);
  }
  // Every credential a rotation's overlap keeps working (merchant_credentials) is re-sealed too.
  for (const row of await listSealedCredentialSecrets(db)) {
    const reseal = async (value: string | null) => {
      if (value === null || KeyRing.sealedSecretKeyId(value) === encryption.id) return value;
      resealedSecrets += 1;
      return sealSecretWith(encryption, await ring.openSecret(value));
    };
    await replaceSealedCredentialSecrets(db, row, {
      id: row.id,
      secretCiphertext: await reseal(row.secretCiphertext),
      responseKeyCiphertext: await reseal(row.responseKeyCiphertext),
    });
  }
  // And every gateway account's credentials (docs/gateways.md), sealed as one JSON object.
  for (const row of await listSealedGatewayCredentials(db)) {
    if (KeyRing.sealedSecretKeyId(row.credentialsCiphertext) === encryption.id) continue;
    resealedSecrets += 1;
    const resealed = sealSecretWith(encryption, await ring.openSecret(row.credentialsCiphertext));
    await replaceSealedGatewayCredentials(db, row.id, row.credentialsCiphertext, resealed);
  }
  const named = new Set(
    [
      ...(await listSealedMerchantSecrets(db)).flatMap((row) => [
        row.webhookSecret,
        row.webhookBasicAuth,
        row.pineLabsRedirectSecret,
        row.juspayResponseKey,
      ]),
      ...(await listSealedCredentialSecrets(db)).flatMap((row) => [row.secretCiphertext, row.responseKeyCiphertext]),
      ...(await listSealedGatewayCredentials(db)).map((row) => row.credentialsCiphertext),
    ].map((v) => (v === null ? undefined : KeyRing.sealedSecretKeyId(v))),
  );
  for (const key of await listDataKeys(db)) {
    if (key.purpose !== 'secret_encryption' || key.retiredAt === null || named.has(key.id)) continue;
    if (key.retiredAt.getTime() > now.getTime() - RETIRED_KEY_GRACE_MS) continue;
    await deleteDataKey(db, key.id);
    deletedKeys.push(key.id);
  }
  await ring.reload();
  return { tokenSigningKey: created.token_signing, encryptionKey: created.secret_encryption, resealedSecrets, deletedKeys };
}
