import type { Queryable } from './db.js';
import type { GuardedWrite } from './guarded-write.js';

export interface StoredRequestKey {
  requestFingerprint: string;
  orderId: string | null;
  responseStatus: number | null;
  responseBody: unknown;
  /** The reply's body was dropped by retention (HOLDFAST_REQUEST_REPLY_RETENTION): a replay answers the order as it is now. */
  replyPruned: boolean;
}

export async function findRequestKey(q: Queryable, merchantId: string, requestId: string): Promise<StoredRequestKey | undefined> {
  const rows = await q.query<{
    request_fingerprint: string;
    order_id: string | null;
    response_status: number | null;
    response_body: string | null;
    reply_pruned: boolean;
  }>(
    `select request_fingerprint, order_id, response_status, response_body, reply_pruned_at is not null as reply_pruned
     from request_keys where merchant_id = $1 and request_id = $2`,
    [merchantId, requestId],
  );
  const r = rows[0];
  return r
    ? {
        requestFingerprint: r.request_fingerprint,
        orderId: r.order_id,
        responseStatus: r.response_status,
        responseBody: r.response_body === null ? null : JSON.parse(r.response_body),
        replyPruned: r.reply_pruned,
      }
    : undefined;
}

/** The request_keys primary key: violated when a guarded write claims a key already taken. */
export const REQUEST_KEY_CONSTRAINT = 'request_keys_pkey';

/**
 * Claims the key as a write of a GuardedWrite. No ON CONFLICT on purpose: a key already taken
 * fails the whole statement (REQUEST_KEY_CONSTRAINT), so the effect is not made either.
 */
export function claimRequestKeyIn(
  w: GuardedWrite,
  merchantId: string,
  requestId: string,
  fingerprint: string,
  orderId: string,
  now: Date,
): void {
  w.write(`insert into request_keys (merchant_id, request_id, request_fingerprint, order_id, created_at)
     select ${w.param(merchantId, 'text')}, ${w.param(requestId, 'text')}, ${w.param(fingerprint, 'text')}, ${w.param(orderId, 'text')},
       ${w.param(now, 'timestamptz')} from guard`);
}

/**
 * Stores the answer to a request id: on the row its effect claimed, or on a new row when the
 * request had no effect of its own (an identical replay by merchant reference), so the id is
 * still bound to this request afterwards. Returns the fingerprint the id is bound to.
 */
export async function saveRequestResponse(
  q: Queryable,
  merchantId: string,
  requestId: string,
  fingerprint: string,
  status: number,
  body: unknown,
  now: Date,
): Promise<string | undefined> {
  const rows = await q.query<{ request_fingerprint: string }>(
    `insert into request_keys (merchant_id, request_id, request_fingerprint, response_status, response_body, created_at)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (merchant_id, request_id) do update set response_status = excluded.response_status, response_body = excluded.response_body
       where request_keys.response_status is null and request_keys.request_fingerprint = excluded.request_fingerprint
     returning request_fingerprint`,
    [merchantId, requestId, fingerprint, status, JSON.stringify(body), now],
  );
  return rows[0]?.request_fingerprint;
}
