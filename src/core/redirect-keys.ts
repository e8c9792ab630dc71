import { findMerchant } from '../store/merchants-repository.js';
import { CLI_ACTOR } from './admin/audit.js';
import { rotateCredential } from './admin/credentials.js';
import type { CoreContext } from './context.js';
import type { RedirectKeys } from './redirect-key-material.js';

export { newRedirectKeys, sealRedirectKeys, type RedirectKeys } from './redirect-key-material.js';

/** A merchant's redirect keys, or undefined when it has none (created before they existed and never issued any). */
export async function merchantRedirectKeys(ctx: Pick<CoreContext, 'db' | 'keys'>, merchantId: string): Promise<RedirectKeys | undefined> {
  const merchant = await findMerchant(ctx.db, merchantId);
  if (!merchant?.pineLabsRedirectSecretCiphertext || !merchant.juspayResponseKeyCiphertext) return undefined;
  return {
    pineLabsSecret: await ctx.keys.openSecret(merchant.pineLabsRedirectSecretCiphertext),
    juspayResponseKey: await ctx.keys.openSecret(merchant.juspayResponseKeyCiphertext),
  };
}

/**
 * Issues new redirect keys for a merchant (`holdfast merchant redirect-keys`), replacing any it had
 * at once: a rotation with no overlap, audited as the CLI; undefined when there is no such merchant.
 */
export async function issueRedirectKeys(
  ctx: Pick<CoreContext, 'db' | 'keys' | 'clock'>,
  merchantId: string,
): Promise<RedirectKeys | undefined> {
  const rotated = await rotateCredential(ctx, merchantId, 'redirect_keys', 0, { actor: CLI_ACTOR });
  if ('refused' in rotated || !('pinelabs_redirect_secret' in rotated.secret)) return undefined;
  return { pineLabsSecret: rotated.secret.pinelabs_redirect_secret, juspayResponseKey: rotated.secret.juspay_response_key };
}
