import { parseArgs } from 'node:util';
import { cliActor } from '../core/admin/audit.js';
import { AdminRefusal } from '../core/admin/refusal.js';
import { replayWebhookEventForAdmin } from '../core/admin/webhook-admin.js';
import { listWebhookEvents, replayWebhookEventIn } from '../webhooks/outbox.js';
import { adminTarget, replayWebhookRemote } from './admin-client.js';
import { openCliApp } from './context.js';

/**
 * `holdfast webhooks list|replay`: the outbox as an operator sees it. A replay is the admin API's
 * (core/admin/webhook-admin.ts), audited as the CLI, or sent to it (admin-client.ts).
 */
export async function webhooksCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    const { values } = parseArgs({
      args: rest,
      options: {
        merchant: { type: 'string' },
        order: { type: 'string' },
        limit: { type: 'string', default: '50' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new Error('--limit must be a whole number from 1 to 10000');
    const cli = await openCliApp();
    try {
      const events = await listWebhookEvents(cli.app.ctx.db, {
        limit,
        ...(values.merchant ? { merchantId: values.merchant } : {}),
        ...(values.order ? { orderId: values.order } : {}),
      });
      if (values.json) {
        console.log(JSON.stringify(events.map(({ payload, ...e }) => ({ ...e, payload: JSON.parse(payload) as unknown }))));
        return;
      }
      if (events.length === 0) console.log('No webhook events.');
      for (const e of events) {
        const state = e.deliveredAt ? `delivered ${e.deliveredAt.toISOString()}` : e.gaveUpAt ? 'gave up' : 'pending';
        console.log(
          `${e.id}  ${e.createdAt.toISOString()}  ${e.dialect.padEnd(8)}  ${e.eventType.padEnd(22)}  order ${e.orderId}  attempts ${e.attempts}  ${state}`,
        );
      }
    } finally {
      await cli.close();
    }
    return;
  }
  if (sub === 'replay') {
    const eventId = rest[0];
    if (!eventId || rest.length !== 1) throw new Error('usage: holdfast webhooks replay EVENT_ID');
    const remote = adminTarget();
    const eventType = remote ? (await replayWebhookRemote(remote, eventId)).event_type : await replayLocally(eventId);
    console.log(`Webhook ${eventId} (${eventType}) queued for delivery; a running "holdfast start" sends it.`);
    return;
  }
  throw new Error('usage: holdfast webhooks list [--merchant ID] [--order ID] [--limit N] [--json] | holdfast webhooks replay EVENT_ID');
}

async function replayLocally(eventId: string): Promise<string> {
  const cli = await openCliApp();
  try {
    const { ctx } = cli.app;
    const event = await replayWebhookEventForAdmin(ctx, cliActor(), eventId, null, (tx, id, now) =>
      replayWebhookEventIn(tx, id, cli.config.webhookRetryScheduleMs, now),
    );
    return event.eventType;
  } catch (error) {
    if (error instanceof AdminRefusal) throw new Error(error.code === 'not_found' ? `no webhook event ${eventId}` : error.message);
    throw error;
  } finally {
    await cli.close();
  }
}
