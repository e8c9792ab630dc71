import { newMerchantId, newUuid } from '../domain/ids.js';
import { countMerchants, insertMerchant, setMerchantDisabledAt } from '../store/merchants-repository.js';
import { setWebhookEndpoint } from '../store/webhooks-repository.js';
import type { CoreContext } from './context.js';
import { newRedirectKeys, sealRedirectKeys } from './redirect-keys.js';
import { hashSecret, randomSecret } from './secrets.js';

/** What `holdfast merchant create --json` prints; the secrets are shown once and stored only hashed or encrypted. */
export interface MerchantCredentials {
  merchant_id: string;
  client_id: string;
  client_secret: string;
  api_key: string;
  webhook_secret: string;
  /** Pine Labs: the hex secret that signs the browser's return to callback_url. */
  pinelabs_redirect_secret: string;
  /** Juspay: the response key that signs the browser's return to return_url. */
  juspay_response_key: string;
}

export interface CreateMerchantInput {
  name: string;
  webhookUrl?: string | null;
  connector?: string;
  /** Overrides HOLDFAST_CAPTURE_WINDOW for this merchant's authorizations (seconds). */
  captureWindowSeconds?: number | null;
}

export async function createMerchant(
  ctx: Pick<CoreContext, 'db' | 'clock' | 'keys'>,
  input: CreateMerchantInput,
): Promise<MerchantCredentials> {
  const redirectKeys = newRedirectKeys();
  const credentials: MerchantCredentials = {
    merchant_id: newMerchantId(),
    client_id: newUuid(),
    client_secret: randomSecret(),
    api_key: `hf_${randomSecret(24)}`,
    // Standard Webhooks secrets are base64 with a whsec_ prefix.
    webhook_secret: `whsec_${randomSecret(24).replace(/-/g, '+').replace(/_/g, '/')}`,
    pinelabs_redirect_secret: redirectKeys.pineLabsSecret,
    juspay_response_key: redirectKeys.juspayResponseKey,
  };
  const redirectCiphertexts = await sealRedirectKeys(ctx.keys, redirectKeys);
  await insertMerchant(ctx.db, {
    id: credentials.merchant_id,
    name: input.name,
    clientId: credentials.client_id,
    clientSecretHash: hashSecret(credentials.client_secret),
    apiKeyHash: hashSecret(credentials.api_key),
    webhookUrl: input.webhookUrl ?? null,
    webhookSecretCiphertext: await ctx.keys.sealSecret(credentials.webhook_secret),
    connector: input.connector ?? 'sandbox',
    captureWindowSeconds: input.captureWindowSeconds ?? null,
    pineLabsRedirectSecretCiphertext: redirectCiphertexts.pineLabs,
    juspayResponseKeyCiphertext: redirectCiphertexts.juspay,
    createdAt: ctx.clock.now(),
    disabledAt: null,
  });
  return credentials;
}

export async function hasMerchants(ctx: Pick<CoreContext, 'db'>): Promise<boolean> {
  return (await countMerchants(ctx.db)) > 0;
}

/**
 * Where a merchant's webhooks go (null: nowhere), and the HTTP Basic credentials they carry
 * ("user:password", stored encrypted; undefined leaves them as they are). False when there is no such merchant.
 */
export async function setMerchantWebhook(
  ctx: Pick<CoreContext, 'db' | 'keys'>,
  merchantId: string,
  url: string | null,
  basicAuth?: string,
): Promise<boolean> {
  const ciphertext = basicAuth === undefined ? undefined : await ctx.keys.sealSecret(basicAuth);
  return setWebhookEndpoint(ctx.db, merchantId, url, ciphertext);
}

/**
 * Disables a merchant (its tokens, API key and client credentials are refused with a 401 in every
 * process within a second, merchant-status.ts) or enables it again. False when there is no such merchant.
 */
export function setMerchantEnabled(ctx: Pick<CoreContext, 'db' | 'clock'>, merchantId: string, enabled: boolean): Promise<boolean> {
  return setMerchantDisabledAt(ctx.db, merchantId, enabled ? null : ctx.clock.now());
}
