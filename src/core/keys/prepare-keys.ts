import { createDecipheriv } from 'node:crypto';
import type { Db, Queryable } from '../../store/db.js';
import {
  insertDataKey,
  listDataKeys,
  listSealedMerchantSecrets,
  replaceSealedMerchantSecrets,
  type SealedMerchantSecrets,
} from '../../store/data-keys-repository.js';
import { listSealedCredentialSecrets, replaceSealedCredentialSecrets } from '../../store/merchant-credentials-repository.js';
import { dropLegacyFingerprints, dropLegacyServerKeys, readLegacyServerKeys } from '../../store/legacy-server-keys-repository.js';
import { ensureDataKeys, newSealedDataKey, openDataKey, sealSecretWith, type DataKey } from './keyring.js';
import type { MasterKey } from './master-key.js';

/** Serializes the processes that create keys or upgrade a database at the same moment. */
const DATA_KEYS_LOCK = 7_311_845_001;

/**
 * Before a process opens its key ring: the first key of each purpose exists, and a database from
 * before sealed keys is upgraded (docs/security.md): the plaintext token-signing key becomes a
 * retired sealed key (tokens it signed stay valid until they expire, and it signs nothing new);
 * every secret sealed with the plaintext encryption key is re-sealed with a sealed one; the
 * plaintext fingerprint key is discarded with everything computed from it (card fingerprints are
 * cleared, request fingerprints become the legacy marker); then the plaintext table is dropped.
 */
export async function prepareDataKeys(db: Db, master: MasterKey, now: Date, say: (message: string) => void = () => {}): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [DATA_KEYS_LOCK]);
    await ensureDataKeys(tx, master, now);
    const legacy = await readLegacyServerKeys(tx);
    if (legacy === undefined) return;
    if (legacy.size > 0) {
      const tokenKey = legacy.get('token_signing');
      if (tokenKey) await insertDataKey(tx, { ...newSealedDataKey(master, 'token_signing', 0, now, tokenKey), retiredAt: now });
      const encryptionKey = legacy.get('secret_encryption');
      const resealed = encryptionKey ? await resealLegacySecrets(tx, encryptionKey, await activeKey(tx, master, 'secret_encryption')) : 0;
      await dropLegacyFingerprints(tx);
      say(
        `Upgraded the keys: the plaintext server keys were removed from the database; ${resealed} merchant secrets were re-sealed; ` +
          'card fingerprints made with the old key were cleared and request fingerprints marked legacy.',
      );
    }
    await dropLegacyServerKeys(tx);
  });
}

async function activeKey(q: Queryable, master: MasterKey, purpose: DataKey['purpose']): Promise<DataKey> {
  const stored = (await listDataKeys(q)).find((k) => k.purpose === purpose && k.retiredAt === null);
  if (!stored) throw new Error(`no active ${purpose} key`);
  return openDataKey(master, stored);
}

/** Opens a secret in the format sealed with the old plaintext key (`v1.iv.tag.body`, AES-256-GCM, no associated data). */
function openLegacySecret(key: Uint8Array, ciphertext: string): string {
  const [version, iv, tag, body] = ciphertext.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unrecognized legacy secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
}

async function resealLegacySecrets(q: Queryable, legacyKey: Uint8Array, key: DataKey): Promise<number> {
  let count = 0;
  const reseal = (value: string | null) => {
    if (value === null || !value.startsWith('v1.')) return value;
    count += 1;
    return sealSecretWith(key, openLegacySecret(legacyKey, value));
  };
  for (const row of await listSealedMerchantSecrets(q)) {
    const next: SealedMerchantSecrets = {
      merchantId: row.merchantId,
      webhookSecret: reseal(row.webhookSecret),
      webhookBasicAuth: reseal(row.webhookBasicAuth),
      pineLabsRedirectSecret: reseal(row.pineLabsRedirectSecret),
      juspayResponseKey: reseal(row.juspayResponseKey),
    };
    await replaceSealedMerchantSecrets(q, row, next);
  }
  // merchant_credentials holds copies of the same secrets (its migration copied them as they were).
  for (const row of await listSealedCredentialSecrets(q)) {
    await replaceSealedCredentialSecrets(q, row, {
      id: row.id,
      secretCiphertext: reseal(row.secretCiphertext),
      responseKeyCiphertext: reseal(row.responseKeyCiphertext),
    });
  }
  return count;
}
