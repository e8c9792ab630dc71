import { parseArgs } from 'node:util';
import { cliActor } from '../core/admin/audit.js';
import { updateMerchant, type MerchantPatch } from '../core/admin/merchant-admin.js';
import { adminTarget, patchMerchantRemote } from './admin-client.js';
import { openCliApp } from './context.js';
import { checkWebhookUrl } from './webhook-url.js';

/**
 * `holdfast merchant set-webhook`: where a merchant's webhooks go, and (Juspay) the Basic
 * credentials they carry. The admin API's merchant update, audited as the CLI, or sent to it (admin-client.ts).
 */
export async function merchantSetWebhook(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      merchant: { type: 'string' },
      url: { type: 'string' },
      none: { type: 'boolean', default: false },
      'basic-auth': { type: 'string' },
    },
    strict: true,
  });
  if (!values.merchant) throw new Error('merchant set-webhook needs --merchant ID');
  if (!values.none && !values.url) throw new Error('merchant set-webhook needs --url URL (or --none to stop webhooks)');
  if (values.none && values.url !== undefined) throw new Error('merchant set-webhook takes --url or --none, not both');
  if (values.url !== undefined) checkWebhookUrl(values.url, '--url');
  const basicAuth = values['basic-auth'];
  if (basicAuth !== undefined && !/^[^:\s]+:\S+$/.test(basicAuth)) throw new Error('--basic-auth must be USER:PASSWORD');
  const url = values.none ? null : (values.url ?? null);
  const remote = adminTarget();
  if (remote) {
    await patchMerchantRemote(remote, values.merchant, {
      webhook_url: url,
      ...(basicAuth !== undefined ? { webhook_basic_auth: basicAuth } : {}),
    });
  } else {
    const patch: MerchantPatch = { webhookUrl: url, ...(basicAuth !== undefined ? { webhookBasicAuth: basicAuth } : {}) };
    const cli = await openCliApp();
    try {
      if (!(await updateMerchant(cli.app.ctx, values.merchant, patch, { actor: cliActor() })))
        throw new Error(`no merchant ${values.merchant}`);
    } finally {
      await cli.close();
    }
  }
  console.log(values.none ? `Webhooks for ${values.merchant} are off.` : `Webhooks for ${values.merchant} go to ${values.url}.`);
}
