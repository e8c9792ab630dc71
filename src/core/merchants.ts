import { newMerchantId, newUuid } from '../domain/ids.js';
import { countMerchants, insertMerchant, setMerchantDisabledAt } from '../store/merchants-repository.js';
import { setWebhookEndpoint } from '../store/webhooks-repository.js';
import type { Queryable } from '../store/db.js';
import { insertCredential } from '../store/merchant-credentials-repository.js';
import type { CoreContext } from './context.js';
import { prepareCredential } from './merchant-credentials.js';

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

/**
 * A new merchant and its first credential of each kind, stored in one transaction: on the
 * merchant's own columns (the current ones) and in merchant_credentials (what authentication and
 * signing read). `also` runs in the same transaction (the admin API's audit entry).
 */
export async function createMerchant(
  ctx: Pick<CoreContext, 'db' | 'clock' | 'keys'>,
  input: CreateMerchantInput,
  also?: (tx: Queryable, merchantId: string) => Promise<void>,
): Promise<MerchantCredentials> {
  const merchantId = newMerchantId();
  const clientId = newUuid();
  const now = ctx.clock.now();
  const prepared = await Promise.all(
    (['client_secret', 'api_key', 'webhook_secret', 'redirect_keys'] as const).map((kind) =>
      prepareCredential(ctx, merchantId, clientId, kind, now),
    ),
  );
  const [clientSecret, apiKey, webhookSecret, redirectKeys] = prepared as [Prepared, Prepared, Prepared, Prepared];
  const credentials = {
    merchant_id: merchantId,
    ...clientSecret.secret,
    ...apiKey.secret,
    ...webhookSecret.secret,
    ...redirectKeys.secret,
  } as MerchantCredentials;
  await ctx.db.transaction(async (tx) => {
    await insertMerchant(tx, {
      id: merchantId,
      name: input.name,
      clientId,
      clientSecretHash: clientSecret.credential.secretHash as Buffer,
      apiKeyHash: apiKey.credential.secretHash as Buffer,
      webhookUrl: input.webhookUrl ?? null,
      webhookSecretCiphertext: webhookSecret.credential.secretCiphertext,
      connector: input.connector ?? 'sandbox',
      captureWindowSeconds: input.captureWindowSeconds ?? null,
      pineLabsRedirectSecretCiphertext: redirectKeys.credential.secretCiphertext,
      juspayResponseKeyCiphertext: redirectKeys.credential.responseKeyCiphertext,
      createdAt: now,
      disabledAt: null,
    });
    for (const { credential } of prepared) await insertCredential(tx, credential);
    if (also) await also(tx, merchantId);
  });
  return credentials;
}

type Prepared = Awaited<ReturnType<typeof prepareCredential>>;

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
