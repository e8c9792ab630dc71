import { parseArgs } from 'node:util';
import { setMerchantEnabled } from '../core/merchants.js';
import { openCliApp } from './context.js';

/**
 * `holdfast merchant disable|enable --merchant ID`: a disabled merchant's tokens, API key and
 * client credentials are refused (401) by every running process within a second; its orders and
 * their ledger stay as they are, and background work on them (status sync, auto-void, webhooks) goes on.
 */
export async function merchantSetEnabled(args: string[], enabled: boolean): Promise<void> {
  const { values } = parseArgs({ args, options: { merchant: { type: 'string' } }, strict: true });
  const command = enabled ? 'enable' : 'disable';
  if (!values.merchant) throw new Error(`merchant ${command} needs --merchant ID`);
  const cli = await openCliApp();
  try {
    if (!(await setMerchantEnabled(cli.app.ctx, values.merchant, enabled))) throw new Error(`no merchant ${values.merchant}`);
    console.log(`Merchant ${values.merchant} ${enabled ? 'enabled' : 'disabled'}.`);
  } finally {
    await cli.close();
  }
}
