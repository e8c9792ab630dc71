import { Webhook } from 'standardwebhooks';
import type { CoreContext } from '../core/context.js';
import { listUsableCredentials } from '../store/merchant-credentials-repository.js';
import type { WebhookEndpoint } from '../store/webhooks-repository.js';

/**
 * The headers of one webhook delivery: signed per Standard Webhooks (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`) by every webhook secret of the merchant that still
 * works — during a rotation's overlap both the old and the new, space-separated, so a receiver
 * verifying with either accepts it (docs/admin-api.md) — plus HTTP Basic credentials when the
 * merchant set them (Juspay's scheme).
 */
export async function webhookHeaders(
  ctx: Pick<CoreContext, 'db' | 'keys'>,
  merchantId: string,
  endpoint: Pick<WebhookEndpoint, 'basicAuthCiphertext'>,
  message: { id: string; sentAt: Date; payload: string },
): Promise<Record<string, string>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Holdfast-Webhooks/1' };
  const secrets = await listUsableCredentials(ctx.db, merchantId, 'webhook_secret', message.sentAt);
  const signatures: string[] = [];
  for (const credential of secrets) {
    if (!credential.secretCiphertext) continue;
    const secret = await ctx.keys.openSecret(credential.secretCiphertext);
    signatures.push(new Webhook(secret).sign(message.id, message.sentAt, message.payload));
  }
  if (signatures.length > 0) {
    headers['webhook-id'] = message.id;
    headers['webhook-timestamp'] = String(Math.floor(message.sentAt.getTime() / 1000));
    headers['webhook-signature'] = signatures.join(' ');
  }
  if (endpoint.basicAuthCiphertext) {
    headers.authorization = `Basic ${Buffer.from(await ctx.keys.openSecret(endpoint.basicAuthCiphertext)).toString('base64')}`;
  }
  return headers;
}
