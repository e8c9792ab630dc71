/**
 * The chain of the `--chain` run (docs/gateways.md, docs/routing.md): two upstream Holdfasts, one
 * speaking Pine Labs Online and one Juspay, each on its own database with a faulty acquirer behind
 * it, and a front Holdfast whose merchant routes 50/50 over its two gateway accounts at them. Set
 * up with the command line, as an operator would; each upstream's webhooks go back to the front.
 */
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createScratchDatabase,
  holdfastCommand,
  holdfastEnv,
  launch,
  startAcquirer,
  type Launched,
  type ScratchDatabase,
} from './harness.js';

export type UpstreamKind = 'pinelabs-online' | 'juspay';

export interface ChainUpstream {
  kind: UpstreamKind;
  env: Record<string, string>;
  /** Where the upstream listens, and the base URL of the front's gateway account at it. */
  baseUrl: string;
  scratch: ScratchDatabase;
  /** The upstream's merchant the front's gateway account logs in as. */
  merchant: MerchantCredentials;
  /** The front's gateway account at this upstream (`gwa_…`, also its connector name). */
  accountId: string;
  launched: Launched;
}

export interface Chain {
  front: { env: Record<string, string>; scratch: ScratchDatabase; merchant: MerchantCredentials };
  upstreams: ChainUpstream[];
}

/** The Basic credentials the Juspay upstream's webhooks carry to the front. */
const WEBHOOK_BASIC_AUTH = 'front-hooks:a-long-webhook-password';

const merchantCreate = async (env: Record<string, string>, name: string, extra: string[]) =>
  JSON.parse(await holdfastCommand(env, ['merchant', 'create', '--name', name, ...extra, '--json'])) as MerchantCredentials;

/** The `holdfast gateway add` flags of the front's account at `merchant` of a `kind` upstream. */
function gatewayFlags(kind: UpstreamKind, merchant: MerchantCredentials): string[] {
  return kind === 'pinelabs-online'
    ? [
        '--client-id',
        merchant.client_id,
        '--client-secret',
        merchant.client_secret,
        '--webhook-secret',
        merchant.webhook_secret,
        '--redirect-key',
        merchant.pinelabs_redirect_secret,
      ]
    : [
        '--api-key',
        merchant.api_key,
        '--upstream-merchant-id',
        merchant.merchant_id,
        '--webhook-basic-auth',
        WEBHOOK_BASIC_AUTH,
        '--redirect-key',
        merchant.juspay_response_key,
      ];
}

/**
 * Creates the three databases, starts both acquirers and both upstreams, and sets up the front's
 * merchant (webhooks to `receiverUrl`), accounts and rules. The front itself is not started: the
 * kills start it. Everything made is pushed to `made` as soon as it exists, for the caller to undo.
 */
export async function startChain(options: {
  serverUrl: string;
  seed: number;
  receiverUrl: string;
  made: { scratches: ScratchDatabase[]; processes: Launched[] };
}): Promise<Chain> {
  const { serverUrl, seed, made } = options;
  const scratch = async () => {
    const created = await createScratchDatabase(serverUrl);
    made.scratches.push(created);
    return created;
  };
  // The front: short upstream timeouts so an unknown outcome is asked about within seconds.
  const front = (async () => {
    const frontScratch = await scratch();
    const env = await holdfastEnv(frontScratch.url, undefined, { HOLDFAST_UPSTREAM_TIMEOUT: '2s', HOLDFAST_SYNC_DELAY: '500ms' });
    env.HOLDFAST_PUBLIC_URL = `http://127.0.0.1:${env.PORT}`;
    const merchant = await merchantCreate(env, 'Chain crash test', ['--webhook-url', options.receiverUrl]);
    return { env, scratch: frontScratch, merchant };
  })();
  const prepared = (['pinelabs-online', 'juspay'] as const).map(async (kind, i) => {
    const [upstreamScratch, acquirer] = await Promise.all([scratch(), startAcquirer(seed + 1 + i)]);
    made.processes.push(acquirer.launched);
    // Webhooks to the front outlast its longest restart on a loaded machine (a minute), never more than 3 s apart.
    const retries = ['200ms', '500ms', '1s', '1s', '2s', '2s', ...Array<string>(18).fill('3s')].join(',');
    const env = await holdfastEnv(upstreamScratch.url, acquirer.url, {
      HOLDFAST_CONNECTOR: 'http-acquirer',
      HOLDFAST_WEBHOOK_RETRY_SCHEDULE: retries,
    });
    env.HOLDFAST_PUBLIC_URL = `http://127.0.0.1:${env.PORT}`;
    const merchant = await merchantCreate(env, `Upstream ${kind}`, ['--connector', 'http-acquirer']);
    return { kind, env, scratch: upstreamScratch, merchant, baseUrl: env.HOLDFAST_PUBLIC_URL };
  });
  const { env: frontEnv, merchant: frontMerchant } = await front;

  const linked = prepared.map(async (preparing): Promise<ChainUpstream> => {
    const upstream = await preparing;
    const flags = [
      '--merchant',
      frontMerchant.merchant_id,
      '--name',
      upstream.kind,
      '--kind',
      upstream.kind,
      '--base-url',
      upstream.baseUrl,
    ];
    const added = await holdfastCommand(frontEnv, [
      'gateway',
      'add',
      ...flags,
      ...gatewayFlags(upstream.kind, upstream.merchant),
      '--json',
    ]);
    const accountId = (JSON.parse(added) as { id: string }).id;
    const webhookUrl = `${frontEnv.HOLDFAST_PUBLIC_URL}/upstream/${accountId}/webhooks`;
    const auth = upstream.kind === 'juspay' ? ['--basic-auth', WEBHOOK_BASIC_AUTH] : [];
    await holdfastCommand(upstream.env, [
      'merchant',
      'set-webhook',
      '--merchant',
      upstream.merchant.merchant_id,
      '--url',
      webhookUrl,
      ...auth,
    ]);
    const launched = await launch(['start'], upstream.env, /Holdfast listening/);
    made.processes.push(launched);
    return { ...upstream, accountId, launched };
  });
  const upstreams = await Promise.all(linked);
  await setRules(
    frontEnv,
    frontMerchant.merchant_id,
    upstreams.map((u) => u.accountId),
  );
  return { front: await front, upstreams };
}

/** A 50/50 volume split over both accounts, each the other's fallback (docs/routing.md). */
async function setRules(env: Record<string, string>, merchantId: string, accountIds: string[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'holdfast-chain-'));
  try {
    const file = join(dir, 'rules.json');
    await writeFile(file, JSON.stringify({ rules: [], default: accountIds.map((account) => ({ account, weight: 50 })) }));
    await holdfastCommand(env, ['routing', 'set', '--merchant', merchantId, '--file', file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
