import { randomAlphanumeric } from '../domain/ids.js';
import type { Queryable } from '../store/db.js';
import {
  insertCredential,
  type CredentialKind,
  type CredentialRecord,
  type NewCredential,
} from '../store/merchant-credentials-repository.js';
import { setCurrentCredential } from '../store/merchants-repository.js';
import type { CoreContext } from './context.js';
import { newRedirectKeys, sealRedirectKeys } from './redirect-key-material.js';
import { hashSecret, randomSecret } from './secrets.js';

/** What a new credential's holder is shown once: only the secret of its kind (docs/admin-api.md). */
export type IssuedSecret =
  | { client_id: string; client_secret: string }
  | { api_key: string }
  | { webhook_secret: string }
  | { pinelabs_redirect_secret: string; juspay_response_key: string };

/** The last four characters, the most of a secret ever shown again. */
const hintOf = (secret: string) => secret.slice(-4);

export const newCredentialId = () => `cred_${randomAlphanumeric(24)}`;

/** A fresh API key, as `holdfast merchant create` has always issued them. */
export const newApiKey = () => `hf_${randomSecret(24)}`;
/** Standard Webhooks secrets are base64 with a whsec_ prefix. */
export const newWebhookSecret = () => `whsec_${randomSecret(24).replace(/-/g, '+').replace(/_/g, '/')}`;

/**
 * A new credential of `kind` for a merchant: the secret (to show once) and the row to store, the
 * secret only hashed (client secret, API key: compared, never read back) or sealed with a data key
 * (webhook secret, redirect keys: they sign, so they must be read back).
 */
export async function prepareCredential(
  ctx: Pick<CoreContext, 'keys'>,
  merchantId: string,
  clientId: string,
  kind: CredentialKind,
  now: Date,
): Promise<{ credential: NewCredential; secret: IssuedSecret }> {
  const base = {
    id: newCredentialId(),
    merchantId,
    kind,
    clientId: null,
    secretHash: null,
    secretCiphertext: null,
    responseKeyCiphertext: null,
    createdAt: now,
  };
  switch (kind) {
    case 'client_secret': {
      const secret = randomSecret();
      return {
        credential: { ...base, clientId, secretHash: hashSecret(secret), hint: hintOf(secret) },
        secret: { client_id: clientId, client_secret: secret },
      };
    }
    case 'api_key': {
      const apiKey = newApiKey();
      return { credential: { ...base, secretHash: hashSecret(apiKey), hint: hintOf(apiKey) }, secret: { api_key: apiKey } };
    }
    case 'webhook_secret': {
      const secret = newWebhookSecret();
      return {
        credential: { ...base, secretCiphertext: await ctx.keys.sealSecret(secret), hint: hintOf(secret) },
        secret: { webhook_secret: secret },
      };
    }
    case 'redirect_keys': {
      const keys = newRedirectKeys();
      const sealed = await sealRedirectKeys(ctx.keys, keys);
      return {
        credential: { ...base, secretCiphertext: sealed.pineLabs, responseKeyCiphertext: sealed.juspay, hint: hintOf(keys.pineLabsSecret) },
        secret: { pinelabs_redirect_secret: keys.pineLabsSecret, juspay_response_key: keys.juspayResponseKey },
      };
    }
  }
}

/**
 * Stores a new credential and makes it the merchant's current one of its kind (the merchants
 * table keeps a copy of the newest; authentication and signing read merchant_credentials).
 */
export async function storeCurrentCredential(q: Queryable, credential: NewCredential): Promise<CredentialRecord> {
  const stored = await insertCredential(q, credential);
  await setCurrentCredential(q, stored);
  return stored;
}
