import { parseArgs } from 'node:util';
import { cliActor } from '../core/admin/audit.js';
import {
  addGatewayAccount,
  listGatewayAccountViews,
  setGatewayAccountEnabled,
  upstreamEndpoints,
  type GatewayAccountView,
} from '../core/gateway-accounts.js';
import { findMerchant } from '../store/merchants-repository.js';
import { openCliApp } from './context.js';

export const GATEWAY_USAGE = `  gateway add --merchant ID --name N --kind pinelabs-online|juspay|sandbox|http-acquirer [--base-url URL]
              [--client-id ID --client-secret S] [--api-key K --upstream-merchant-id ID]
              [--webhook-secret S | --webhook-basic-auth USER:PASS] [--redirect-key K] [--json]
                                          add a merchant's account at a gateway; prints its id and the URLs to configure there
  gateway list --merchant ID [--json]     a merchant's gateway accounts (which credentials are set, never their values)
  gateway disable --account ID            new payments never go to it; what it authorized is still captured, voided, refunded there
  gateway enable --account ID             new payments may go to it again`;

/** A field as the command line names it: `client_id` is `--client-id`. */
const flag = (field: string) => `--${field.replace(/_/g, '-')}`;

/**
 * `holdfast gateway …` (docs/gateways.md "Gateway accounts"): a merchant's accounts at the gateways
 * Holdfast sits in front of. Credentials given here are sealed before they are stored and never
 * printed back; changes are audited as the command line's.
 */
export async function gatewayCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add':
      return gatewayAdd(rest);
    case 'list':
      return gatewayList(rest);
    case 'disable':
    case 'enable':
      return gatewaySetEnabled(rest, sub === 'enable');
    default:
      throw new Error(`Unknown gateway command "${sub ?? ''}". Usage:\n${GATEWAY_USAGE}`);
  }
}

async function gatewayAdd(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      merchant: { type: 'string' },
      name: { type: 'string' },
      kind: { type: 'string' },
      'base-url': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'api-key': { type: 'string' },
      'upstream-merchant-id': { type: 'string' },
      'webhook-secret': { type: 'string' },
      'webhook-basic-auth': { type: 'string' },
      'redirect-key': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  for (const required of ['merchant', 'name', 'kind'] as const) {
    if (values[required] === undefined) throw new Error(`gateway add needs --${required}`);
  }
  if (values['webhook-secret'] !== undefined && values['webhook-basic-auth'] !== undefined) {
    throw new Error('gateway add takes --webhook-secret (pinelabs-online) or --webhook-basic-auth (juspay), not both');
  }
  const merchantId = values.merchant as string;
  const cli = await openCliApp();
  try {
    const added = await addGatewayAccount(
      cli.app.ctx,
      merchantId,
      {
        name: values.name as string,
        kind: values.kind as string,
        baseUrl: values['base-url'] ?? null,
        credentials: {
          ...(values['client-id'] !== undefined ? { clientId: values['client-id'] } : {}),
          ...(values['client-secret'] !== undefined ? { clientSecret: values['client-secret'] } : {}),
          ...(values['api-key'] !== undefined ? { apiKey: values['api-key'] } : {}),
          ...(values['upstream-merchant-id'] !== undefined ? { upstreamMerchantId: values['upstream-merchant-id'] } : {}),
          ...(values['webhook-secret'] !== undefined ? { webhookSecret: values['webhook-secret'] } : {}),
          ...(values['webhook-basic-auth'] !== undefined ? { webhookBasicAuth: values['webhook-basic-auth'] } : {}),
          ...(values['redirect-key'] !== undefined ? { redirectKey: values['redirect-key'] } : {}),
        },
      },
      { actor: cliActor() },
      flag,
    );
    if ('refused' in added) throw new Error(added.refused === 'not_found' ? `no merchant ${merchantId}` : added.message);
    const { account } = added;
    const { webhookUrl, returnUrlPrefix } = upstreamEndpoints(cli.config.publicUrl, account.id);
    if (values.json) {
      console.log(JSON.stringify({ ...account, webhook_url: webhookUrl, return_url_prefix: returnUrlPrefix }));
      return;
    }
    console.log(`Gateway account ${account.id} added: ${account.kind} "${account.name}" for merchant ${merchantId}.`);
    console.log(`Its credentials are stored sealed: ${account.credentials.length ? account.credentials.join(', ') : 'none'}.`);
    if (account.kind === 'pinelabs-online' || account.kind === 'juspay') {
      console.log('Configure at the upstream:');
      console.log(`  webhook URL  ${webhookUrl}`);
      console.log(`  return URL   ${returnUrlPrefix}<payment id> (sent with each payment)`);
    }
    if (!cli.config.publicUrlExplicit) {
      console.log(`HOLDFAST_PUBLIC_URL is not set: these URLs use ${cli.config.publicUrl}; set it to the address the upstream reaches.`);
    }
  } finally {
    await cli.close();
  }
}

async function gatewayList(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { merchant: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.merchant) throw new Error('gateway list needs --merchant ID');
  const cli = await openCliApp();
  try {
    if (!(await findMerchant(cli.app.ctx.db, values.merchant))) throw new Error(`no merchant ${values.merchant}`);
    const accounts = await listGatewayAccountViews(cli.app.ctx, values.merchant);
    const withUrl = (a: GatewayAccountView) => ({ ...a, webhook_url: upstreamEndpoints(cli.config.publicUrl, a.id).webhookUrl });
    if (values.json) {
      console.log(JSON.stringify(accounts.map(withUrl)));
      return;
    }
    if (accounts.length === 0) console.log(`Merchant ${values.merchant} has no gateway accounts.`);
    for (const a of accounts) {
      const state = a.disabled_at === null ? 'enabled' : `disabled since ${a.disabled_at}`;
      const credentials = a.credentials.length ? a.credentials.join(', ') : 'none';
      console.log(
        `${a.id}  ${a.kind}  "${a.name}"  ${state}  ${a.base_url ?? '-'}  credentials: ${credentials}${a.hint ? ` (…${a.hint})` : ''}`,
      );
    }
  } finally {
    await cli.close();
  }
}

async function gatewaySetEnabled(args: string[], enabled: boolean): Promise<void> {
  const { values } = parseArgs({ args, options: { account: { type: 'string' } }, strict: true });
  const command = enabled ? 'enable' : 'disable';
  if (!values.account) throw new Error(`gateway ${command} needs --account ID`);
  const cli = await openCliApp();
  try {
    const changed = await setGatewayAccountEnabled(cli.app.ctx, values.account, enabled, { actor: cliActor() });
    if ('refused' in changed) throw new Error(`no gateway account ${values.account}`);
    console.log(`Gateway account ${values.account} ${enabled ? 'enabled' : 'disabled'}.`);
  } finally {
    await cli.close();
  }
}
