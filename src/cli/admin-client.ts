import { randomUUID } from 'node:crypto';
import type { MerchantView } from '../core/admin/merchant-admin.js';
import type { CredentialView } from '../core/admin/credentials.js';
import type { MerchantCredentials } from '../core/merchants.js';
import type { CreateMerchantBody, PatchMerchantBody } from '../api/admin/merchant-schemas.js';

/**
 * The CLI's changes sent to a running server's admin API (docs/admin-api.md "From the command
 * line"), for when the embedded database belongs to that server: HOLDFAST_ADMIN_URL and
 * HOLDFAST_ADMIN_TOKEN (`holdfast admin token create`). Each function is one command's admin route,
 * with the route's own JSON; the server validates, role-checks and audits the change as the token.
 */
export interface AdminTarget {
  url: string;
  token: string;
}

/** The admin API to send changes to, or undefined when neither variable is set (the CLI opens the database itself). */
export function adminTarget(env: NodeJS.ProcessEnv = process.env): AdminTarget | undefined {
  const url = env.HOLDFAST_ADMIN_URL?.trim();
  const token = env.HOLDFAST_ADMIN_TOKEN?.trim();
  if (!url && !token) return undefined;
  if (!url || !token)
    throw new Error('set both HOLDFAST_ADMIN_URL and HOLDFAST_ADMIN_TOKEN to send changes to a running server, or neither');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`HOLDFAST_ADMIN_URL must be the server's http(s) address such as http://127.0.0.1:8080, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`HOLDFAST_ADMIN_URL must be the server's http(s) address such as http://127.0.0.1:8080, got "${url}"`);
  }
  return { url: url.replace(/\/+$/, ''), token };
}

/** A refusal from the admin API: its status and its `{ error, message }`. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${message} (admin API: ${status} ${code})`);
    this.name = 'AdminApiError';
  }
}

async function call<T>(target: AdminTarget, method: 'POST' | 'PATCH', path: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${target.url}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        'content-type': 'application/json',
        'request-id': `cli-${randomUUID()}`,
      },
      body: JSON.stringify(body),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new Error(`cannot reach the admin API at ${target.url} (HOLDFAST_ADMIN_URL): ${cause ?? (error as Error).message}`);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const answer = parsed as { error?: string; message?: string } | undefined;
    throw new AdminApiError(response.status, answer?.error ?? 'error', answer?.message ?? (text.slice(0, 200) || response.statusText));
  }
  if (parsed === undefined) throw new Error(`the admin API at ${target.url} answered ${response.status} with no JSON`);
  return parsed as T;
}

/** `merchant create`: POST /merchants. */
export function createMerchantRemote(
  target: AdminTarget,
  body: CreateMerchantBody,
): Promise<{ merchant: MerchantView; credentials: MerchantCredentials }> {
  return call(target, 'POST', '/merchants', body);
}

/** `merchant set-webhook`, `merchant disable|enable`: PATCH /merchants/:id. */
export function patchMerchantRemote(target: AdminTarget, merchantId: string, body: PatchMerchantBody): Promise<MerchantView> {
  return call(target, 'PATCH', `/merchants/${encodeURIComponent(merchantId)}`, body);
}

/** `merchant redirect-keys`: POST /merchants/:id/credentials/redirect_keys/rotate with no overlap. */
export function rotateRedirectKeysRemote(
  target: AdminTarget,
  merchantId: string,
): Promise<{ credential: CredentialView; secret: { pinelabs_redirect_secret: string; juspay_response_key: string } }> {
  return call(target, 'POST', `/merchants/${encodeURIComponent(merchantId)}/credentials/redirect_keys/rotate`, { overlap_seconds: 0 });
}

/** `webhooks replay`: POST /webhooks/events/:id/replay. */
export function replayWebhookRemote(target: AdminTarget, eventId: string): Promise<{ id: string; event_type: string }> {
  return call(target, 'POST', `/webhooks/events/${encodeURIComponent(eventId)}/replay`, {});
}
