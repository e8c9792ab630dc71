import { parseArgs } from 'node:util';
import { cliActor } from '../core/admin/audit.js';
import { rotateCredential } from '../core/admin/credentials.js';
import { adminTarget, rotateRedirectKeysRemote } from './admin-client.js';
import { openCliApp } from './context.js';

/**
 * `holdfast merchant redirect-keys`: issues new keys for signing the browser's return (Pine Labs'
 * hex secret, Juspay's response key), replacing any the merchant had, and prints them once. For
 * merchants created before the keys existed, or to replace a leaked pair. The admin API's rotation
 * with no overlap, audited as the CLI, or sent to it (admin-client.ts).
 */
export async function merchantRedirectKeys(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { merchant: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.merchant) throw new Error('merchant redirect-keys needs --merchant ID');
  const keys = await issueKeys(values.merchant);
  const printed = { merchant_id: values.merchant, ...keys };
  if (values.json) console.log(JSON.stringify(printed));
  else {
    console.log(`New redirect keys for ${values.merchant}, shown once (the old ones no longer verify):`);
    for (const [key, value] of Object.entries(printed)) console.log(`  ${key.padEnd(24)} ${value}`);
  }
}

async function issueKeys(merchantId: string): Promise<{ pinelabs_redirect_secret: string; juspay_response_key: string }> {
  const remote = adminTarget();
  const { secret } = remote ? await rotateRedirectKeysRemote(remote, merchantId) : await rotateLocally(merchantId);
  return { pinelabs_redirect_secret: secret.pinelabs_redirect_secret, juspay_response_key: secret.juspay_response_key };
}

async function rotateLocally(merchantId: string): Promise<{ secret: { pinelabs_redirect_secret: string; juspay_response_key: string } }> {
  const cli = await openCliApp();
  try {
    const rotated = await rotateCredential(cli.app.ctx, merchantId, 'redirect_keys', 0, { actor: cliActor() });
    if ('refused' in rotated || !('pinelabs_redirect_secret' in rotated.secret)) throw new Error(`no merchant ${merchantId}`);
    return { secret: rotated.secret };
  } finally {
    await cli.close();
  }
}
