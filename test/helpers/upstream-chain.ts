/**
 * Holdfast in front of Holdfast (docs/gateways.md): upstream Holdfasts, each on its own port and
 * database, speaking Pine Labs Online or Juspay; a front merchant's gateway accounts at them; and
 * routing rules over those accounts. The upstream's webhooks are pointed back at the front's
 * upstream webhook route, verified as a real upstream's would be.
 */
import assert from 'node:assert/strict';
import { CLI_ACTOR } from '../../src/core/admin/audit.js';
import { addGatewayAccount } from '../../src/core/gateway-accounts.js';
import type { GatewayAccountInput } from '../../src/core/gateway-account-input.js';
import { setMerchantWebhook, type MerchantCredentials } from '../../src/core/merchants.js';
import { listRoutingAccounts } from '../../src/store/routing-accounts-repository.js';
import { setRoutingRules } from '../../src/core/routing/routing-rules.js';
import { upstreamWebhookPath, type GatewayAccountCredentials, type GatewayKind } from '../../src/connectors/upstream.js';
import { JuspayHttp } from '../juspay/helpers/juspay-http.js';
import { PineLabsClient } from './pinelabs-client.js';
import { startTestServer, type TestServer } from './test-server.js';

export type UpstreamKind = Extract<GatewayKind, 'pinelabs-online' | 'juspay'>;

export interface Upstream {
  kind: UpstreamKind;
  server: TestServer;
  /** The merchant at the upstream that the front's gateway account logs in as. */
  merchant: MerchantCredentials;
}

/** The Basic credentials a Juspay upstream's webhooks carry to the front. */
export const UPSTREAM_WEBHOOK_AUTH = 'front-hooks:a-long-webhook-password';

/** A Holdfast to stand in for a gateway of `kind`, with one merchant for the front to log in as. */
export async function startUpstream(kind: UpstreamKind, env: NodeJS.ProcessEnv = {}): Promise<Upstream> {
  const server = await startTestServer(env);
  const merchant = await server.newMerchant(`Upstream ${kind}`);
  return { kind, server, merchant };
}

/**
 * The gateway account input that logs in to `upstream` as its merchant (at `baseUrl`, default the
 * upstream's own); `credentials` replace some of the merchant's (a wrong secret, say).
 */
export function accountInput(
  upstream: Upstream,
  name: string,
  baseUrl = upstream.server.baseUrl,
  credentials: GatewayAccountCredentials = {},
): GatewayAccountInput {
  const input = merchantAccountInput(upstream, name, baseUrl);
  return { ...input, credentials: { ...input.credentials, ...credentials } };
}

function merchantAccountInput(upstream: Upstream, name: string, baseUrl: string): GatewayAccountInput {
  const { merchant } = upstream;
  return upstream.kind === 'pinelabs-online'
    ? {
        name,
        kind: 'pinelabs-online',
        baseUrl,
        credentials: {
          clientId: merchant.client_id,
          clientSecret: merchant.client_secret,
          redirectKey: merchant.pinelabs_redirect_secret,
          webhookSecret: merchant.webhook_secret,
        },
      }
    : {
        name,
        kind: 'juspay',
        baseUrl,
        credentials: {
          apiKey: merchant.api_key,
          upstreamMerchantId: merchant.merchant_id,
          redirectKey: merchant.juspay_response_key,
          webhookBasicAuth: UPSTREAM_WEBHOOK_AUTH,
        },
      };
}

/**
 * Adds a gateway account of the front merchant at `upstream` and points the upstream's webhooks at
 * the front's route for that account. Returns the account id (`gwa_…`).
 */
export async function linkUpstream(
  front: TestServer,
  frontMerchantId: string,
  upstream: Upstream,
  name: string,
  options: { baseUrl?: string; webhooks?: boolean; credentials?: GatewayAccountCredentials } = {},
): Promise<string> {
  const input = accountInput(upstream, name, options.baseUrl, options.credentials);
  const added = await addGatewayAccount(front.app.ctx, frontMerchantId, input, {
    actor: CLI_ACTOR,
  });
  assert.ok('account' in added, JSON.stringify(added));
  const accountId = added.account.id;
  if (options.webhooks !== false) {
    const url = `${front.baseUrl}${upstreamWebhookPath(accountId)}`;
    const auth = upstream.kind === 'juspay' ? UPSTREAM_WEBHOOK_AUTH : undefined;
    assert.ok(await setMerchantWebhook(upstream.server.app.ctx, upstream.merchant.merchant_id, url, auth));
  }
  return accountId;
}

/** Routes every new authorization of the front merchant to `accountIds`, in order (the default list). */
export async function routeTo(front: TestServer, frontMerchantId: string, accountIds: string[], extra: Record<string, unknown> = {}) {
  const result = await setRoutingRules(
    { db: front.db, clock: front.clock, loadAccounts: (merchantId) => listRoutingAccounts(front.db, merchantId) },
    frontMerchantId,
    { rules: [], default: accountIds, ...extra },
  );
  assert.ok(result.ok, JSON.stringify(result));
}

/**
 * An order's status as the upstream's own API shows it to its merchant, in the upstream's dialect
 * (`connectorReference`: the front attempt's reference, the upstream order id).
 */
export async function upstreamOrderStatus(upstream: Upstream, connectorReference: string): Promise<string> {
  const { server, merchant } = upstream;
  if (upstream.kind === 'pinelabs-online') {
    const read = await (await PineLabsClient.login(server.baseUrl, merchant)).getOrder(connectorReference);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    return read.body.data.status;
  }
  const read = await new JuspayHttp(server.baseUrl, merchant.api_key).status(connectorReference);
  assert.equal(read.status, 200, JSON.stringify(read.body));
  return read.body.status;
}
