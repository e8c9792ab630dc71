import { parseArgs } from 'node:util';
import { cliActor } from '../core/admin/audit.js';
import { updateMerchant } from '../core/admin/merchant-admin.js';
import { adminTarget, patchMerchantRemote } from './admin-client.js';
import { openCliApp } from './context.js';

/**
 * `holdfast merchant disable|enable --merchant ID`: a disabled merchant's tokens, API key and
 * client credentials are refused (401) by every running process within a second; its orders and
 * their ledger stay as they are, and background work on them (status sync, auto-void, webhooks) goes on.
 * The admin API's merchant update, audited as the CLI, or sent to it (admin-client.ts).
 */
export async function merchantSetEnabled(args: string[], enabled: boolean): Promise<void> {
  const { values } = parseArgs({ args, options: { merchant: { type: 'string' } }, strict: true });
  const command = enabled ? 'enable' : 'disable';
  if (!values.merchant) throw new Error(`merchant ${command} needs --merchant ID`);
  const remote = adminTarget();
  if (remote) await patchMerchantRemote(remote, values.merchant, { disabled: !enabled });
  else {
    const cli = await openCliApp();
    try {
      const updated = await updateMerchant(cli.app.ctx, values.merchant, { disabled: !enabled }, { actor: cliActor() });
      if (!updated) throw new Error(`no merchant ${values.merchant}`);
    } finally {
      await cli.close();
    }
  }
  console.log(`Merchant ${values.merchant} ${enabled ? 'enabled' : 'disabled'}.`);
}
