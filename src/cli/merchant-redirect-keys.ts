import { parseArgs } from 'node:util';
import { issueRedirectKeys } from '../core/redirect-keys.js';
import { openCliApp } from './context.js';

/**
 * `holdfast merchant redirect-keys`: issues new keys for signing the browser's return (Pine Labs'
 * hex secret, Juspay's response key), replacing any the merchant had, and prints them once. For
 * merchants created before the keys existed, or to replace a leaked pair.
 */
export async function merchantRedirectKeys(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { merchant: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.merchant) throw new Error('merchant redirect-keys needs --merchant ID');
  const cli = await openCliApp();
  try {
    const keys = await issueRedirectKeys(cli.app.ctx, values.merchant);
    if (!keys) throw new Error(`no merchant ${values.merchant}`);
    const printed = {
      merchant_id: values.merchant,
      pinelabs_redirect_secret: keys.pineLabsSecret,
      juspay_response_key: keys.juspayResponseKey,
    };
    if (values.json) console.log(JSON.stringify(printed));
    else {
      console.log(`New redirect keys for ${values.merchant}, shown once (the old ones no longer verify):`);
      for (const [key, value] of Object.entries(printed)) console.log(`  ${key.padEnd(24)} ${value}`);
    }
  } finally {
    await cli.close();
  }
}
