import type { Queryable } from './db.js';

/** One operator action, as the append-only audit_log keeps it. */
export interface AuditEntry {
  actorKind: 'operator' | 'token' | 'cli' | 'system';
  actorId: string | null;
  actorName: string;
  /** What was done, as "<resource>.<verb>" (e.g. "merchant.update", "review.resolve"). */
  action: string;
  targetType: string;
  targetId: string | null;
  merchantId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  at: Date;
}

/** Appends one entry; run it on the transaction of the change it describes, so one never lands without the other. */
export async function insertAuditEntry(q: Queryable, entry: AuditEntry, at: Date): Promise<number> {
  const rows = await q.query<{ id: number | string }>(
    `insert into audit_log (at, actor_kind, actor_id, actor_name, action, target_type, target_id, merchant_id, before, after, reason, request_id)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) returning id`,
    [
      at,
      entry.actorKind,
      entry.actorId,
      entry.actorName,
      entry.action,
      entry.targetType,
      entry.targetId,
      entry.merchantId,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      entry.reason,
      entry.requestId,
    ],
  );
  return Number(rows[0]?.id);
}

type Row = Record<string, unknown>;

function toRecord(r: Row): AuditRecord {
  return {
    id: Number(r.id),
    at: r.at instanceof Date ? r.at : new Date(String(r.at)),
    actorKind: r.actor_kind as AuditEntry['actorKind'],
    actorId: (r.actor_id as string | null) ?? null,
    actorName: String(r.actor_name),
    action: String(r.action),
    targetType: String(r.target_type),
    targetId: (r.target_id as string | null) ?? null,
    merchantId: (r.merchant_id as string | null) ?? null,
    before: r.before ?? null,
    after: r.after ?? null,
    reason: (r.reason as string | null) ?? null,
    requestId: (r.request_id as string | null) ?? null,
  };
}

export interface AuditQuery {
  /** Only entries below this id (the cursor of the previous page); newest first. */
  beforeId?: number;
  limit: number;
  /** null: every merchant's entries and those of no merchant; otherwise only these merchants'. */
  merchantIds: readonly string[] | null;
  merchantId?: string;
  targetType?: string;
  targetId?: string;
  actorId?: string;
}

/** A page of the audit log, newest first. */
export async function listAuditEntries(q: Queryable, query: AuditQuery): Promise<AuditRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (query.beforeId !== undefined) add('id < ?', query.beforeId);
  if (query.merchantIds !== null) add('merchant_id = any(?)', query.merchantIds);
  if (query.merchantId !== undefined) add('merchant_id = ?', query.merchantId);
  if (query.targetType !== undefined) add('target_type = ?', query.targetType);
  if (query.targetId !== undefined) add('target_id = ?', query.targetId);
  if (query.actorId !== undefined) add('actor_id = ?', query.actorId);
  params.push(query.limit);
  const rows = await q.query(
    `select * from audit_log ${where.length ? `where ${where.join(' and ')}` : ''} order by id desc limit $${params.length}`,
    params,
  );
  return rows.map(toRecord);
}
