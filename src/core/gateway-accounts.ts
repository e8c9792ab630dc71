/**
 * A merchant's gateway accounts (docs/gateways.md "Gateway accounts"): added with their
 * credentials sealed as one JSON object, listed without them (only which ones are set), disabled
 * and enabled. Every change is audited in the transaction that makes it.
 */
import { upstreamReturnPath, upstreamWebhookPath, type GatewayAccountCredentials } from '../connectors/upstream.js';
import { newGatewayAccountId } from '../domain/ids.js';
import type { Queryable } from '../store/db.js';
import {
  findGatewayAccount,
  insertGatewayAccount,
  listGatewayAccounts,
  lockGatewayAccount,
  setGatewayAccountDisabledAt,
  type GatewayAccountRecord,
} from '../store/gateway-accounts-repository.js';
import { lockMerchant } from '../store/merchants-repository.js';
import { recordAudit } from './admin/audit.js';
import type { ChangeOrigin } from './admin/credentials.js';
import type { CoreContext } from './context.js';
import { noteGatewayAccountChanged } from './gateway-account-changes.js';
import { checkGatewayAccountInput, CREDENTIAL_FIELDS, type CredentialName, type GatewayAccountInput } from './gateway-account-input.js';

export { GATEWAY_KINDS as GATEWAY_ACCOUNT_KINDS } from '../connectors/upstream.js';

/**
 * What is configured at the upstream for an account: where it sends its webhooks, and the prefix
 * of the page it sends the browser back to (each payment's own return URL, sent with the payment,
 * ends in that payment's id).
 */
export function upstreamEndpoints(publicBaseUrl: string, accountId: string): { webhookUrl: string; returnUrlPrefix: string } {
  return {
    webhookUrl: publicBaseUrl + upstreamWebhookPath(accountId),
    returnUrlPrefix: publicBaseUrl + upstreamReturnPath(accountId, ''),
  };
}

/** An account as the admin API and the command line show it: never a credential, only which are set. */
export interface GatewayAccountView {
  id: string;
  merchant_id: string;
  name: string;
  kind: string;
  base_url: string | null;
  /** The credentials set, by field name (`client_id`, `client_secret`…), never their values. */
  credentials: string[];
  /** The last four characters of the client id (pinelabs-online) or the API key (juspay): which one it is, never more. */
  hint: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Why a change was refused, for the caller to render (400, 404 or 409). */
export type GatewayAccountRefusal = { refused: 'bad_request' | 'not_found' | 'conflict'; field?: string; message: string };

/** Seals all of an account's credentials as one JSON object. */
export function sealGatewayCredentials(ctx: Pick<CoreContext, 'keys'>, credentials: GatewayAccountCredentials): Promise<string> {
  return ctx.keys.sealSecret(JSON.stringify(credentials));
}

/** Opens what `sealGatewayCredentials` sealed; only string fields of known credentials are kept. */
export async function openGatewayCredentials(ctx: Pick<CoreContext, 'keys'>, sealed: string): Promise<GatewayAccountCredentials> {
  const parsed = JSON.parse(await ctx.keys.openSecret(sealed)) as Record<string, unknown>;
  const credentials: GatewayAccountCredentials = {};
  for (const name of Object.keys(CREDENTIAL_FIELDS) as CredentialName[]) {
    const value = parsed[name];
    if (typeof value === 'string') credentials[name] = value;
  }
  return credentials;
}

export function gatewayAccountView(account: GatewayAccountRecord, credentials: GatewayAccountCredentials): GatewayAccountView {
  const identifying =
    account.kind === 'pinelabs-online' ? credentials.clientId : account.kind === 'juspay' ? credentials.apiKey : undefined;
  return {
    id: account.id,
    merchant_id: account.merchantId,
    name: account.name,
    kind: account.kind,
    base_url: account.baseUrl,
    credentials: (Object.keys(CREDENTIAL_FIELDS) as CredentialName[])
      .filter((name) => credentials[name] !== undefined)
      .map((name) => CREDENTIAL_FIELDS[name]),
    hint: identifying === undefined ? null : identifying.slice(-4),
    disabled_at: account.disabledAt?.toISOString() ?? null,
    created_at: account.createdAt.toISOString(),
    updated_at: account.updatedAt.toISOString(),
  };
}

async function viewOf(ctx: Pick<CoreContext, 'keys'>, account: GatewayAccountRecord): Promise<GatewayAccountView> {
  return gatewayAccountView(account, await openGatewayCredentials(ctx, account.credentialsCiphertext));
}

/**
 * Adds an account to a merchant after checking it (`label` names fields as the caller does). The
 * merchant row is locked, so two adds of one name for one merchant cannot both pass the check.
 */
export async function addGatewayAccount(
  ctx: Pick<CoreContext, 'db' | 'clock' | 'keys'>,
  merchantId: string,
  input: GatewayAccountInput,
  origin: ChangeOrigin,
  label?: (field: string) => string,
): Promise<{ account: GatewayAccountView } | GatewayAccountRefusal> {
  const checked = checkGatewayAccountInput(input, label);
  if (!checked.ok) return { refused: 'bad_request', field: checked.field, message: checked.message };
  const { account } = checked;
  // Sealed before the transaction: the key ring may read the database, which the transaction would hold.
  const credentialsCiphertext = await sealGatewayCredentials(ctx, account.credentials);
  const now = ctx.clock.now();
  const result = await ctx.db.transaction(async (tx): Promise<{ account: GatewayAccountView } | GatewayAccountRefusal> => {
    if (!(await lockMerchant(tx, merchantId))) return { refused: 'not_found', message: 'No such merchant' };
    if ((await listGatewayAccounts(tx, merchantId)).some((a) => a.name === account.name)) {
      return { refused: 'conflict', field: 'name', message: `This merchant already has a gateway account named "${account.name}"` };
    }
    const stored = await insertGatewayAccount(tx, {
      id: newGatewayAccountId(),
      merchantId,
      name: account.name,
      kind: account.kind,
      baseUrl: account.baseUrl,
      credentialsCiphertext,
      disabledAt: null,
      createdAt: now,
      updatedAt: now,
    });
    const view = gatewayAccountView(stored, account.credentials);
    await audit(tx, origin, 'gateway_account.add', stored, { before: null, after: view }, now);
    return { account: view };
  });
  if ('account' in result) noteGatewayAccountChanged(result.account.id, merchantId);
  return result;
}

/** A merchant's accounts in the order they were added; the credentials are opened only to say which are set. */
export async function listGatewayAccountViews(ctx: Pick<CoreContext, 'db' | 'keys'>, merchantId: string): Promise<GatewayAccountView[]> {
  const accounts = await listGatewayAccounts(ctx.db, merchantId);
  return Promise.all(accounts.map((account) => viewOf(ctx, account)));
}

/** One account, when it exists (and belongs to `merchantId`, when given). */
export async function findGatewayAccountView(
  ctx: Pick<CoreContext, 'db' | 'keys'>,
  accountId: string,
  merchantId?: string,
): Promise<GatewayAccountView | undefined> {
  const account = await findGatewayAccount(ctx.db, accountId);
  if (!account || (merchantId !== undefined && account.merchantId !== merchantId)) return undefined;
  return viewOf(ctx, account);
}

/**
 * Disables or enables an account. Disabled, it is never chosen for a new payment; what it already
 * authorized still reaches it (capture, void, refund, status sync). Disabling keeps the first
 * disable time; a call that changes nothing is not audited. `merchantId`, when given, must own it.
 */
export async function setGatewayAccountEnabled(
  ctx: Pick<CoreContext, 'db' | 'clock' | 'keys'>,
  accountId: string,
  enabled: boolean,
  origin: ChangeOrigin,
  merchantId?: string,
): Promise<{ account: GatewayAccountView } | GatewayAccountRefusal> {
  const notFound: GatewayAccountRefusal = { refused: 'not_found', message: 'No such gateway account' };
  const result = await ctx.db.transaction(async (tx): Promise<{ record: GatewayAccountRecord } | GatewayAccountRefusal> => {
    const before = await lockGatewayAccount(tx, accountId);
    if (!before || (merchantId !== undefined && before.merchantId !== merchantId)) return notFound;
    if ((before.disabledAt === null) === enabled) return { record: before };
    const now = ctx.clock.now();
    const after = await setGatewayAccountDisabledAt(tx, accountId, enabled ? null : now, now);
    const state = (a: GatewayAccountRecord) => ({ id: a.id, name: a.name, kind: a.kind, disabled_at: a.disabledAt?.toISOString() ?? null });
    await audit(
      tx,
      origin,
      enabled ? 'gateway_account.enable' : 'gateway_account.disable',
      after,
      { before: state(before), after: state(after) },
      now,
    );
    return { record: after };
  });
  if (!('record' in result)) return result;
  noteGatewayAccountChanged(result.record.id, result.record.merchantId);
  return { account: await viewOf(ctx, result.record) };
}

/** One audit entry about an account: its before and after never hold a credential (views name them only). */
function audit(
  tx: Queryable,
  origin: ChangeOrigin,
  action: string,
  account: GatewayAccountRecord,
  change: { before: unknown; after: unknown },
  at: Date,
): Promise<number> {
  return recordAudit(
    tx,
    origin.actor,
    {
      action,
      targetType: 'gateway_account',
      targetId: account.id,
      merchantId: account.merchantId,
      before: change.before,
      after: change.after,
      requestId: origin.requestId ?? null,
    },
    at,
  );
}
