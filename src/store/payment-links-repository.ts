import type { PaymentLink, PaymentLinkNotification } from '../domain/payment-link.js';
import type { Queryable } from './db.js';
import type { GuardedWrite } from './guarded-write.js';

/** Payment links and the notifications recorded on them. A link is created in its order's insert statement (paymentLinkInsertIn). */

/** The link, written only when the guard (its order's insert) matched. */
export function paymentLinkInsertIn(w: GuardedWrite, link: PaymentLink): void {
  w.write(`insert into payment_links (id, merchant_id, merchant_payment_link_reference, request_fingerprint, order_id, description, expire_by,
       clicked_at, details, created_at, updated_at)
    select ${[
      w.param(link.id, 'text'),
      w.param(link.merchantId, 'text'),
      w.param(link.merchantPaymentLinkReference, 'text'),
      w.param(link.requestFingerprint, 'text'),
      w.param(link.orderId, 'text'),
      w.param(link.description, 'text'),
      w.param(link.expireBy, 'timestamptz'),
      w.param(link.clickedAt, 'timestamptz'),
      w.param(JSON.stringify(link.details), 'jsonb'),
      w.param(link.createdAt, 'timestamptz'),
      w.param(link.updatedAt, 'timestamptz'),
    ].join(', ')} from guard`);
}

/** Notifications of a link, written only when the guard matched (the link's creation). */
export function notificationsInsertIn(w: GuardedWrite, linkId: string, notifications: readonly PaymentLinkNotification[]): void {
  if (notifications.length === 0) return;
  w.write(`insert into payment_link_notifications (payment_link_id, channel, recipient, message, created_at)
    select ${w.param(linkId, 'text')}, n.channel, n.recipient, n.message, n.created_at
    from guard, unnest(${w.param(
      notifications.map((n) => n.channel),
      'text[]',
    )}, ${w.param(
      notifications.map((n) => n.recipient),
      'text[]',
    )}, ${w.param(
      notifications.map((n) => n.message),
      'text[]',
    )}, ${w.param(
      notifications.map((n) => n.createdAt.toISOString()),
      'timestamptz[]',
    )}) with ordinality as n(channel, recipient, message, created_at, position)
    order by n.position`);
}

export async function insertNotifications(q: Queryable, linkId: string, notifications: readonly PaymentLinkNotification[]): Promise<void> {
  for (const n of notifications) {
    await q.query(
      'insert into payment_link_notifications (payment_link_id, channel, recipient, message, created_at) values ($1, $2, $3, $4, $5)',
      [linkId, n.channel, n.recipient, n.message, n.createdAt],
    );
  }
}

/** Marks the link opened, the first time only. */
export async function markClicked(q: Queryable, linkId: string, now: Date): Promise<void> {
  await q.query('update payment_links set clicked_at = $2, updated_at = $2 where id = $1 and clicked_at is null', [linkId, now]);
}

export interface StoredPaymentLink {
  link: PaymentLink;
  notifications: PaymentLinkNotification[];
}

const LINK_SELECT = `
select l.*, coalesce((select json_agg(json_build_object('channel', n.channel, 'recipient', n.recipient, 'message', n.message,
    'created_at', n.created_at) order by n.id) from payment_link_notifications n where n.payment_link_id = l.id), '[]') as notifications
from payment_links l`;

async function findOne(q: Queryable, where: string, params: unknown[]): Promise<StoredPaymentLink | undefined> {
  const rows = await q.query(`${LINK_SELECT} where ${where}`, params);
  return rows[0] ? toStoredLink(rows[0]) : undefined;
}

export const findPaymentLink = (q: Queryable, merchantId: string, id: string) =>
  findOne(q, 'l.id = $1 and l.merchant_id = $2', [id, merchantId]);

export const findPaymentLinkByReference = (q: Queryable, merchantId: string, reference: string) =>
  findOne(q, 'l.merchant_payment_link_reference = $1 and l.merchant_id = $2', [reference, merchantId]);

export const findPaymentLinkByOrder = (q: Queryable, merchantId: string, orderId: string) =>
  findOne(q, 'l.order_id = $1 and l.merchant_id = $2', [orderId, merchantId]);

/** Unscoped: the link's public page is addressed by the link id itself. */
export const findPaymentLinkAnyMerchant = (q: Queryable, id: string) => findOne(q, 'l.id = $1', [id]);

type Row = Record<string, unknown>;
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

function toStoredLink(r: Row): StoredPaymentLink {
  const notifications = (typeof r.notifications === 'string' ? JSON.parse(r.notifications) : r.notifications) as Row[];
  return {
    link: {
      id: String(r.id),
      merchantId: String(r.merchant_id),
      merchantPaymentLinkReference: String(r.merchant_payment_link_reference),
      requestFingerprint: String(r.request_fingerprint),
      orderId: String(r.order_id),
      description: typeof r.description === 'string' ? r.description : null,
      expireBy: date(r.expire_by),
      clickedAt: r.clicked_at === null || r.clicked_at === undefined ? null : date(r.clicked_at),
      details: (typeof r.details === 'string' ? JSON.parse(r.details) : (r.details ?? {})) as Record<string, unknown>,
      createdAt: date(r.created_at),
      updatedAt: date(r.updated_at),
    },
    notifications: notifications.map((n) => ({
      channel: String(n.channel) as PaymentLinkNotification['channel'],
      recipient: String(n.recipient),
      message: String(n.message),
      createdAt: date(n.created_at),
    })),
  };
}
