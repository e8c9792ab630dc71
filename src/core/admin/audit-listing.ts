import { invalidInput } from '../../domain/errors.js';
import { listAuditEntries, type AuditRecord } from '../../store/audit-repository.js';
import type { CoreContext } from '../context.js';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.js';

/** `GET /admin/v1/audit` as given. */
export interface AuditQueryText {
  merchant_id?: string;
  target_type?: string;
  target_id?: string;
  actor_id?: string;
  limit?: string;
  cursor?: string;
}

/** `audit_entry` of docs/admin-api.md. */
export interface AuditEntryView {
  id: number;
  at: string;
  actor: { kind: string; id: string | null; name: string };
  action: string;
  target_type: string;
  target_id: string | null;
  merchant_id: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  request_id: string | null;
}

export function auditEntryView(r: AuditRecord): AuditEntryView {
  return {
    id: r.id,
    at: r.at.toISOString(),
    actor: { kind: r.actorKind, id: r.actorId, name: r.actorName },
    action: r.action,
    target_type: r.targetType,
    target_id: r.targetId,
    merchant_id: r.merchantId,
    before: r.before,
    after: r.after,
    reason: r.reason,
    request_id: r.requestId,
  };
}

function filterText(field: string, value: string | undefined): string | undefined {
  if (value !== undefined && (value.length === 0 || value.length > 200)) throw invalidInput(field, `${field} must be 1 to 200 characters`);
  return value;
}

/**
 * A page of the audit log, newest first. `merchantIds` is the caller's scope (null: all): an actor
 * limited to some merchants sees only their entries, never those of no merchant (operators, tokens).
 */
export async function auditPage(
  ctx: Pick<CoreContext, 'db'>,
  query: AuditQueryText,
  merchantIds: readonly string[] | null,
): Promise<{ data: AuditEntryView[]; next_cursor: string | null }> {
  const limit = pageLimit(query.limit);
  const beforeId =
    query.cursor === undefined
      ? undefined
      : decodeCursor(query.cursor, ([id]) => (typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined));
  const filters = {
    merchantId: filterText('merchant_id', query.merchant_id),
    targetType: filterText('target_type', query.target_type),
    targetId: filterText('target_id', query.target_id),
    actorId: filterText('actor_id', query.actor_id),
  };
  if (merchantIds !== null && merchantIds.length === 0) return { data: [], next_cursor: null };
  const rows = await listAuditEntries(ctx.db, {
    limit: limit + 1,
    merchantIds,
    ...(beforeId === undefined ? {} : { beforeId }),
    ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(auditEntryView), next_cursor: rows.length > limit && last ? encodeCursor([last.id]) : null };
}
