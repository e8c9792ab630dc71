/**
 * What a new gateway account must hold, by kind (docs/gateways.md "Gateway accounts"), checked
 * before anything is stored. Fields are named as the admin API names them (`client_id`); the
 * command line names them as its flags (`--client-id`) through `label`.
 */
import { GATEWAY_KINDS, type GatewayAccountCredentials, type GatewayKind } from '../connectors/upstream.js';

export type CredentialName = keyof GatewayAccountCredentials;

/** Each credential's field name in the admin API (and, dashed, on the command line). */
export const CREDENTIAL_FIELDS: Readonly<Record<CredentialName, string>> = {
  clientId: 'client_id',
  clientSecret: 'client_secret',
  apiKey: 'api_key',
  upstreamMerchantId: 'upstream_merchant_id',
  webhookSecret: 'webhook_secret',
  webhookBasicAuth: 'webhook_basic_auth',
  redirectKey: 'redirect_key',
};

const CREDENTIAL_NAMES = Object.keys(CREDENTIAL_FIELDS) as CredentialName[];

interface KindRule {
  baseUrl: boolean;
  required: readonly CredentialName[];
  optional: readonly CredentialName[];
}

/** What each kind needs and may take; anything else given is refused, never silently kept. */
export const KIND_RULES: Readonly<Record<GatewayKind, KindRule>> = {
  'pinelabs-online': { baseUrl: true, required: ['clientId', 'clientSecret'], optional: ['webhookSecret', 'redirectKey'] },
  juspay: { baseUrl: true, required: ['apiKey', 'upstreamMerchantId'], optional: ['webhookBasicAuth', 'redirectKey'] },
  'http-acquirer': { baseUrl: true, required: [], optional: [] },
  sandbox: { baseUrl: false, required: [], optional: [] },
};

export interface GatewayAccountInput {
  name: string;
  kind: string;
  baseUrl?: string | null;
  credentials: GatewayAccountCredentials;
}

export interface CheckedGatewayAccount {
  name: string;
  kind: GatewayKind;
  baseUrl: string | null;
  /** Only the credentials given, each a non-empty string. */
  credentials: GatewayAccountCredentials;
}

/** The first problem found: the field it is about and a message naming it. */
export interface InputProblem {
  field: string;
  message: string;
}

export const isGatewayKind = (value: string): value is GatewayKind => (GATEWAY_KINDS as readonly string[]).includes(value);

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_NAME = 100;
const MAX_CREDENTIAL = 1024;
const MAX_URL = 2048;

/** Standard Webhooks secrets are base64, usually with a `whsec_` prefix. */
const WEBHOOK_SECRET = /^(whsec_)?[A-Za-z0-9+/]+={0,2}$/;
const BASIC_AUTH = /^[^:]+:.+$/;

/**
 * Checks a new account: a name, a known kind, the base URL and credentials its kind needs (and
 * none it does not use). The first problem is returned; `label` turns a field into what the
 * caller calls it.
 */
export function checkGatewayAccountInput(
  input: GatewayAccountInput,
  label: (field: string) => string = (field) => field,
): { ok: true; account: CheckedGatewayAccount } | ({ ok: false } & InputProblem) {
  const problem = (field: string, message: string) => ({ ok: false as const, field, message });
  const name = input.name.trim();
  if (name.length === 0 || name.length > MAX_NAME || CONTROL.test(name)) {
    return problem('name', `${label('name')} must be 1 to ${MAX_NAME} characters, without control characters`);
  }
  if (!isGatewayKind(input.kind)) {
    return problem('kind', `${label('kind')} must be one of ${GATEWAY_KINDS.join(', ')}; got "${input.kind.slice(0, 40)}"`);
  }
  const kind = input.kind;
  const rule = KIND_RULES[kind];

  const baseUrl = input.baseUrl ?? null;
  if (rule.baseUrl && (baseUrl === null || baseUrl === '')) {
    return problem('base_url', `${label('base_url')} is required for a ${kind} account`);
  }
  if (!rule.baseUrl && baseUrl !== null) return problem('base_url', `A ${kind} account takes no ${label('base_url')}`);
  const urlProblem = baseUrl === null ? undefined : baseUrlProblem(baseUrl);
  if (urlProblem) return problem('base_url', `${label('base_url')} ${urlProblem}`);

  for (const credential of rule.required) {
    const value = input.credentials[credential];
    if (value === undefined || value === '') {
      return problem(CREDENTIAL_FIELDS[credential], `${label(CREDENTIAL_FIELDS[credential])} is required for a ${kind} account`);
    }
  }
  const credentials: GatewayAccountCredentials = {};
  for (const credential of CREDENTIAL_NAMES) {
    const value = input.credentials[credential];
    if (value === undefined) continue;
    const field = CREDENTIAL_FIELDS[credential];
    if (!rule.required.includes(credential) && !rule.optional.includes(credential)) {
      return problem(field, `A ${kind} account does not use ${label(field)}`);
    }
    const valueProblem = credentialProblem(credential, value);
    if (valueProblem) return problem(field, `${label(field)} ${valueProblem}`);
    credentials[credential] = value;
  }
  return { ok: true, account: { name, kind, baseUrl: baseUrl?.replace(/\/+$/, '') ?? null, credentials } };
}

function baseUrlProblem(value: string): string | undefined {
  const shape = 'must be an absolute http(s) URL such as https://api.gateway.example';
  if (value.length > MAX_URL) return `must be at most ${MAX_URL} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return shape;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return shape;
  // Credentials in the URL would be stored unsealed and shown in every listing.
  if (url.username !== '' || url.password !== '') return 'must not hold a user name or password: give credentials in their own fields';
  if (url.search !== '' || url.hash !== '') return 'must not have a query or a fragment';
  return undefined;
}

function credentialProblem(credential: CredentialName, value: string): string | undefined {
  if (value.length === 0 || value.length > MAX_CREDENTIAL || CONTROL.test(value) || value.trim() !== value) {
    return `must be 1 to ${MAX_CREDENTIAL} characters, without control characters or surrounding spaces`;
  }
  if (credential === 'webhookSecret' && !WEBHOOK_SECRET.test(value)) return 'must be a Standard Webhooks secret: whsec_ followed by base64';
  if (credential === 'webhookBasicAuth' && !BASIC_AUTH.test(value)) return 'must be "user:password"';
  return undefined;
}
