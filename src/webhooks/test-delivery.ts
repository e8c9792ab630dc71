import { recordAudit } from '../core/admin/audit.js';
import type { ChangeOrigin } from '../core/admin/credentials.js';
import type { CoreContext } from '../core/context.js';
import { randomAlphanumeric } from '../domain/ids.js';
import { findWebhookEndpoint } from '../store/webhooks-repository.js';
import { postWebhook } from './send.js';
import { webhookHeaders } from './signing.js';

/** What one test delivery came to (docs/admin-api.md, `POST /merchants/:id/webhooks/test`). */
export interface TestDeliveryResult {
  delivered: boolean;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
}

/**
 * Sends one `TEST` webhook to the merchant's URL now, signed and authenticated exactly as its real
 * webhooks are (signing.ts), and waits for the answer. Nothing is stored but the audit entry: no
 * event, no attempt, no retry. Undefined when the merchant does not exist; `no_url` when it has no
 * webhook URL to send to.
 */
export async function sendTestWebhook(
  ctx: Pick<CoreContext, 'db' | 'keys' | 'clock'>,
  merchantId: string,
  origin: ChangeOrigin,
  timeoutMs = 10_000,
): Promise<TestDeliveryResult | 'no_url' | undefined> {
  const endpoint = await findWebhookEndpoint(ctx.db, merchantId);
  if (!endpoint) return undefined;
  if (!endpoint.url) return 'no_url';
  const sentAt = ctx.clock.now();
  const id = `msg_${randomAlphanumeric(24)}`;
  const payload = JSON.stringify({ event_type: 'TEST', data: { merchant_id: merchantId, sent_at: sentAt.toISOString() } });
  const headers = await webhookHeaders(ctx, merchantId, endpoint, { id, sentAt, payload });
  const answer = await postWebhook(endpoint.url, headers, payload, timeoutMs);
  const result: TestDeliveryResult = {
    delivered: answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode < 300,
    status_code: answer.statusCode,
    latency_ms: answer.latencyMs,
    error:
      answer.error ??
      (answer.statusCode !== null && (answer.statusCode < 200 || answer.statusCode >= 300)
        ? `receiver answered ${answer.statusCode}`
        : null),
  };
  await recordAudit(
    ctx.db,
    origin.actor,
    {
      action: 'webhook.test',
      targetType: 'merchant',
      targetId: merchantId,
      merchantId,
      after: { webhook_id: id, url: endpoint.url, delivered: result.delivered, status_code: result.status_code, error: result.error },
      requestId: origin.requestId ?? null,
    },
    ctx.clock.now(),
  );
  return result;
}
