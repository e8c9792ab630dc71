import type { AdminActor } from '../../domain/operator-roles.js';
import { actorSeesMerchant } from '../../domain/operator-roles.js';
import {
  findWebhookEventDetail,
  listWebhookAttempts,
  listWebhookEventPage,
  type WebhookAttemptRow,
  type WebhookEventDetail,
  type WebhookEventStatus,
  type WebhookEventSummary,
} from '../../store/webhook-events-admin-repository.js';
import { findWebhookEndpoint } from '../../store/webhooks-repository.js';
import type { Queryable } from '../../store/db.js';
import type { CoreContext } from '../context.js';
import { recordAudit } from './audit.js';
import { AdminRefusal } from './refusal.js';

export interface WebhookEventFilters {
  /** null: every merchant's; otherwise only these (the actor's, intersected with a requested one). */
  merchantIds: readonly string[] | null;
  orderId?: string | undefined;
  status?: WebhookEventStatus | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Keyset cursors: the position of a page's last event, opaque to callers. */
const encodeCursor = (seq: number) => Buffer.from(`we:${seq}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const match = /^we:([0-9]{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new AdminRefusal('bad_request', 'cursor is not one this API handed out');
  return Number(match[1]);
}

/** A page of webhook events the actor may see, newest first, and the cursor of the next page (null at the end). */
export async function listWebhookEventsForAdmin(
  ctx: CoreContext,
  filters: WebhookEventFilters,
): Promise<{ data: WebhookEventSummary[]; nextCursor: string | null }> {
  const beforeSeq = filters.cursor === undefined ? undefined : decodeCursor(filters.cursor);
  if (filters.merchantIds !== null && filters.merchantIds.length === 0) return { data: [], nextCursor: null };
  const rows = await listWebhookEventPage(ctx.db, {
    merchantIds: filters.merchantIds,
    limit: filters.limit + 1,
    ...(filters.orderId !== undefined ? { orderId: filters.orderId } : {}),
    ...(filters.status !== undefined ? { status: filters.status } : {}),
    ...(beforeSeq !== undefined ? { beforeSeq } : {}),
  });
  const data = rows.slice(0, filters.limit);
  const last = data.at(-1);
  return { data, nextCursor: rows.length > filters.limit && last ? encodeCursor(last.seq) : null };
}

/** An event the actor may see, with its body and every delivery attempt; any other is not found. */
export async function webhookEventForAdmin(
  ctx: CoreContext,
  actor: AdminActor,
  eventId: string,
): Promise<{ event: WebhookEventDetail; attempts: WebhookAttemptRow[] }> {
  const event = await findWebhookEventDetail(ctx.db, eventId);
  if (!event || !actorSeesMerchant(actor, event.merchantId)) throw new AdminRefusal('not_found', `No webhook event ${eventId}`);
  return { event, attempts: await listWebhookAttempts(ctx.db, eventId) };
}

/** The outbox's own replay (webhooks/outbox.ts `replayWebhookEventIn`), in the caller's transaction. */
export type QueueReplay = (tx: Queryable, eventId: string, now: Date) => Promise<void>;

/**
 * Queues an event for delivery again under the same id (receivers drop duplicates by it), with
 * the outbox's own replay, audited in its transaction. The delivery job sends it and records the
 * attempt. A merchant with no webhook URL has nowhere to send it: a conflict.
 */
export async function replayWebhookEventForAdmin(
  ctx: CoreContext,
  actor: AdminActor,
  eventId: string,
  requestId: string | null,
  queueReplay: QueueReplay,
): Promise<WebhookEventSummary> {
  const { event } = await webhookEventForAdmin(ctx, actor, eventId);
  const endpoint = await findWebhookEndpoint(ctx.db, event.merchantId);
  if (!endpoint?.url) throw new AdminRefusal('conflict', `Merchant ${event.merchantId} has no webhook URL to deliver to`);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await queueReplay(tx, eventId, now);
    await recordAudit(
      tx,
      actor,
      {
        action: 'webhook.replay',
        targetType: 'webhook_event',
        targetId: eventId,
        merchantId: event.merchantId,
        before: { delivered_at: event.deliveredAt?.toISOString() ?? null, gave_up_at: event.gaveUpAt?.toISOString() ?? null },
        after: { delivered_at: null, gave_up_at: null, queued_at: now.toISOString() },
        requestId,
      },
      now,
    );
  });
  const after = await findWebhookEventDetail(ctx.db, eventId);
  if (!after) throw new AdminRefusal('not_found', `No webhook event ${eventId}`);
  return after;
}
