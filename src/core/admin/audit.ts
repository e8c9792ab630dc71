import { userInfo } from 'node:os';
import type { Queryable } from '../../store/db.js';
import { insertAuditEntry } from '../../store/audit-repository.js';
import type { AdminActor } from '../../domain/operator-roles.js';

/** One change an actor made, for the audit log. */
export interface AuditedChange {
  /** "<resource>.<verb>", e.g. "merchant.update", "credential.rotate", "review.resolve". */
  action: string;
  targetType: string;
  targetId: string | null;
  merchantId: string | null;
  /** What the target looked like before and after (never a secret: name a credential by its id). */
  before?: unknown;
  after?: unknown;
  /** The reason the operator gave, where one is required (review resolution). */
  reason?: string | null;
  /** The Request-ID of the admin call, when it carried one. */
  requestId?: string | null;
}

/**
 * Appends one entry to the audit log. Call it with the transaction that makes the change, so the
 * change and its entry land together or not at all.
 */
export function recordAudit(q: Queryable, actor: AdminActor, change: AuditedChange, at: Date): Promise<number> {
  return insertAuditEntry(
    q,
    {
      actorKind: actor.kind,
      actorId: actor.id,
      actorName: actor.name,
      action: change.action,
      targetType: change.targetType,
      targetId: change.targetId,
      merchantId: change.merchantId,
      before: change.before ?? null,
      after: change.after ?? null,
      reason: change.reason ?? null,
      requestId: change.requestId ?? null,
    },
    at,
  );
}

/** The actor of what the `holdfast` CLI does on this machine (it holds the database credentials already). */
export const CLI_ACTOR: AdminActor = { kind: 'cli', id: null, name: 'cli', role: 'admin', merchantIds: null };

/** The operating-system user running this process, or "unknown" where the system has no name for it. */
function osUsername(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

/**
 * The CLI as the audit log names it: `cli:<os username>`, so a change made on the command line is
 * listed like an admin API one, with who ran it.
 */
export function cliActor(username: string = osUsername()): AdminActor {
  return { ...CLI_ACTOR, name: `cli:${username}` };
}
