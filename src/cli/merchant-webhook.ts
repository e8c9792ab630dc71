import { parseArgs } from 'node:util';
import { setMerchantWebhook } from '../core/merchants.js';
import { openCliApp } from './context.js';
import { checkWebhookUrl } from './webhook-url.js';

/** `holdfast merchant set-webhook`: where a merchant's webhooks go, and (Juspay) the Basic credentials they carry. */
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
  const cli = await openCliApp();
  try {
    const found = await setMerchantWebhook(cli.app.ctx, values.merchant, values.none ? null : (values.url ?? null), basicAuth);
    if (!found) throw new Error(`no merchant ${values.merchant}`);
    console.log(values.none ? `Webhooks for ${values.merchant} are off.` : `Webhooks for ${values.merchant} go to ${values.url}.`);
  } finally {
    await cli.close();
  }
}
