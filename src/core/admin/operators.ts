import { randomAlphanumeric } from '../../domain/ids.js';
import type { AdminActor, OperatorRole } from '../../domain/operator-roles.js';
import {
  countOperators,
  findOperator,
  insertOperator,
  listOperators,
  updateOperator,
  type OperatorRecord,
} from '../../store/operators-repository.js';
import { revokeOperatorSessions } from '../../store/operator-sessions-repository.js';
import type { Queryable } from '../../store/db.js';
import type { CoreContext } from '../context.js';
import { recordAudit } from './audit.js';
import { hashPassword, oneTimePassword } from './passwords.js';

/** An operator as the admin API shows it (docs/admin-api.md): never its password hash. */
export interface OperatorView {
  id: string;
  email: string;
  role: OperatorRole;
  merchant_ids: string[] | null;
  must_change_password: boolean;
  created_at: string;
  disabled_at: string | null;
}

export function operatorView(o: OperatorRecord): OperatorView {
  return {
    id: o.id,
    email: o.email,
    role: o.role,
    merchant_ids: o.merchantIds,
    must_change_password: o.mustChangePassword,
    created_at: o.createdAt.toISOString(),
    disabled_at: o.disabledAt ? o.disabledAt.toISOString() : null,
  };
}

/** What the audit log keeps of an operator: who and what it may do, never a password. */
function audited(o: OperatorRecord) {
  return { email: o.email, role: o.role, merchant_ids: o.merchantIds, disabled: o.disabledAt !== null };
}

/** E-mails are compared as typed by people: case and surrounding spaces do not matter. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Merchant ids of `ids` that name no merchant. */
export async function unknownMerchantIds(q: Queryable, ids: readonly string[]): Promise<string[]> {
  const rows = await q.query<{ id: string }>('select id from merchants where id = any($1)', [ids]);
  const known = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}

export type CreateOperatorResult = { ok: true; operator: OperatorView; oneTimePassword: string } | { ok: false; reason: 'email_taken' };

/**
 * A new operator with a one-time password (returned once, stored only as its scrypt hash) that
 * must be changed at the first sign-in. Audited as `actor` in the same transaction.
 */
export async function createOperator(
  ctx: Pick<CoreContext, 'db' | 'clock'>,
  input: { email: string; role: OperatorRole; merchantIds: string[] | null },
  actor: AdminActor,
  requestId: string | null = null,
): Promise<CreateOperatorResult> {
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  const now = ctx.clock.now();
  const record: OperatorRecord = {
    id: `op_${randomAlphanumeric(16)}`,
    email: normalizeEmail(input.email),
    role: input.role,
    merchantIds: input.merchantIds,
    passwordHash,
    mustChangePassword: true,
    createdAt: now,
    updatedAt: now,
    disabledAt: null,
  };
  const inserted = await ctx.db.transaction(async (tx) => {
    if (!(await insertOperator(tx, record))) return false;
    await recordAudit(
      tx,
      actor,
      { action: 'operator.create', targetType: 'operator', targetId: record.id, merchantId: null, after: audited(record), requestId },
      now,
    );
    return true;
  });
  if (!inserted) return { ok: false, reason: 'email_taken' };
  return { ok: true, operator: operatorView(record), oneTimePassword: password };
}

/**
 * On the first start of an empty database, the operator who signs in to the dashboard:
 * `admin@localhost`, an unlimited admin with a one-time password. Undefined when any operator exists.
 */
export async function ensureFirstOperator(
  ctx: Pick<CoreContext, 'db' | 'clock'>,
): Promise<{ email: string; oneTimePassword: string } | undefined> {
  if ((await countOperators(ctx.db)) > 0) return undefined;
  const system: AdminActor = { kind: 'system', id: null, name: 'first start', role: 'admin', merchantIds: null };
  const created = await createOperator(ctx, { email: 'admin@localhost', role: 'admin', merchantIds: null }, system);
  return created.ok ? { email: created.operator.email, oneTimePassword: created.oneTimePassword } : undefined;
}

export async function listOperatorViews(ctx: Pick<CoreContext, 'db'>): Promise<OperatorView[]> {
  return (await listOperators(ctx.db)).map(operatorView);
}

export interface OperatorChange {
  role?: OperatorRole;
  merchantIds?: string[] | null;
  disabled?: boolean;
}

export type UpdateOperatorResult = { ok: true; operator: OperatorView } | { ok: false; reason: 'not_found' | 'self' };

/**
 * Changes an operator's role, merchants or standing. Disabling revokes every session it has, so
 * its next call is refused. An actor may not change its own operator (it could lock itself out).
 */
export async function changeOperator(
  ctx: Pick<CoreContext, 'db' | 'clock'>,
  id: string,
  change: OperatorChange,
  actor: AdminActor,
  requestId: string | null = null,
): Promise<UpdateOperatorResult> {
  if (actor.kind === 'operator' && actor.id === id) return { ok: false, reason: 'self' };
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx): Promise<UpdateOperatorResult> => {
    const before = await findOperator(tx, id, { forUpdate: true });
    if (!before) return { ok: false, reason: 'not_found' };
    const after: OperatorRecord = {
      ...before,
      role: change.role ?? before.role,
      merchantIds: change.merchantIds === undefined ? before.merchantIds : change.merchantIds,
      disabledAt: change.disabled === undefined ? before.disabledAt : change.disabled ? (before.disabledAt ?? now) : null,
      updatedAt: now,
    };
    await updateOperator(tx, after);
    if (after.disabledAt !== null) await revokeOperatorSessions(tx, id, now);
    await recordAudit(
      tx,
      actor,
      {
        action: 'operator.update',
        targetType: 'operator',
        targetId: id,
        merchantId: null,
        before: audited(before),
        after: audited(after),
        requestId,
      },
      now,
    );
    return { ok: true, operator: operatorView(after) };
  });
}
