import { createHmac, randomBytes } from 'node:crypto';
import type { AdminActor } from '../../domain/operator-roles.js';
import { findOperator, findOperatorByEmail, updateOperator, type OperatorRecord } from '../../store/operators-repository.js';
import {
  findOperatorSession,
  insertOperatorSession,
  revokeOperatorSession,
  revokeOperatorSessions,
  touchOperatorSession,
  type OperatorSessionRecord,
} from '../../store/operator-sessions-repository.js';
import type { CoreContext } from '../context.js';
import { hashSecret, secretMatches } from '../secrets.js';
import { recordAudit } from './audit.js';
import { normalizeEmail } from './operators.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** How long a session lives (docs/admin-api.md): ended by `idleMs` without a call or `maxMs` after sign-in. */
export interface AdminSessionSettings {
  idleMs: number;
  maxMs: number;
}

type Ctx = Pick<CoreContext, 'db' | 'clock'>;

/** An open session, as the request that presented its cookie knows it. */
export interface OpenSession {
  /** The cookie's value (random 256 bits); only its SHA-256 is stored. */
  secret: string;
  idHash: Buffer;
  operator: OperatorRecord;
  record: OperatorSessionRecord;
  /** The CSRF token of this session, to send back as `x-csrf-token`. */
  csrfToken: string;
  /** When it ends if no call comes first. */
  expiresAt: Date;
}

/**
 * The CSRF token is derived from the cookie's secret: a page can learn it only from an answer to
 * a call that carried the cookie (sign-in, `GET /session`), which another origin cannot read. Only
 * its hash is stored, beside the session.
 */
function csrfTokenOf(secret: string): string {
  return createHmac('sha256', secret).update('holdfast admin csrf').digest('base64url');
}

function endOf(record: OperatorSessionRecord, lastSeenAt: Date, settings: AdminSessionSettings): Date {
  return new Date(Math.min(record.expiresAt.getTime(), lastSeenAt.getTime() + settings.idleMs));
}

/** The actor an operator's session stands for. */
export function operatorActor(operator: OperatorRecord): AdminActor {
  return { kind: 'operator', id: operator.id, name: operator.email, role: operator.role, merchantIds: operator.merchantIds };
}

/**
 * Signs in with e-mail and password: a new session, or undefined for a wrong pair, an unknown
 * e-mail or a disabled operator alike (the password is checked in every case, so each takes as long).
 */
export async function signIn(ctx: Ctx, settings: AdminSessionSettings, email: string, password: string): Promise<OpenSession | undefined> {
  const operator = await findOperatorByEmail(ctx.db, normalizeEmail(email));
  const matches = await verifyPassword(password, operator?.passwordHash);
  if (!operator || !matches || operator.disabledAt !== null) return undefined;
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = csrfTokenOf(secret);
  const now = ctx.clock.now();
  const record: OperatorSessionRecord = {
    idHash: hashSecret(secret),
    operatorId: operator.id,
    csrfTokenHash: hashSecret(csrfToken),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + settings.maxMs),
    revokedAt: null,
  };
  await ctx.db.transaction(async (tx) => {
    await insertOperatorSession(tx, record);
    await recordAudit(
      tx,
      operatorActor(operator),
      { action: 'session.create', targetType: 'operator', targetId: operator.id, merchantId: null },
      now,
    );
  });
  return { secret, idHash: record.idHash, operator, record, csrfToken, expiresAt: endOf(record, now, settings) };
}

/**
 * The open session a cookie value stands for, or undefined when it is unknown, revoked, idle too
 * long, past its maximum lifetime, or its operator is disabled. Each call keeps it alive.
 */
export async function openSession(ctx: Ctx, settings: AdminSessionSettings, secret: string): Promise<OpenSession | undefined> {
  if (secret.length === 0 || secret.length > 100) return undefined;
  const idHash = hashSecret(secret);
  const found = await findOperatorSession(ctx.db, idHash);
  if (!found) return undefined;
  const { session, operator } = found;
  const now = ctx.clock.now();
  if (session.revokedAt !== null || operator.disabledAt !== null) return undefined;
  if (now.getTime() >= endOf(session, session.lastSeenAt, settings).getTime()) return undefined;
  await touchOperatorSession(ctx.db, idHash, now);
  return { secret, idHash, operator, record: session, csrfToken: csrfTokenOf(secret), expiresAt: endOf(session, now, settings) };
}

/** Whether `token` is the session's CSRF token (constant time). */
export function csrfMatches(session: OpenSession, token: string): boolean {
  return token.length > 0 && token.length <= 100 && secretMatches(token, session.record.csrfTokenHash);
}

export async function signOut(ctx: Ctx, session: OpenSession): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await revokeOperatorSession(tx, session.idHash, now);
    await recordAudit(
      tx,
      operatorActor(session.operator),
      { action: 'session.revoke', targetType: 'operator', targetId: session.operator.id, merchantId: null },
      now,
    );
  });
}

export type PasswordChangeResult = { ok: true; operator: OperatorRecord } | { ok: false; reason: 'wrong_password' | 'same_password' };

/**
 * Replaces the operator's password (the one-time one, or a chosen one) after checking the current
 * one. Every other session of the operator is revoked: whoever knew the old password is signed out.
 */
export async function changePassword(
  ctx: Ctx,
  session: OpenSession,
  currentPassword: string,
  newPassword: string,
  requestId: string | null = null,
): Promise<PasswordChangeResult> {
  if (!(await verifyPassword(currentPassword, session.operator.passwordHash))) return { ok: false, reason: 'wrong_password' };
  if (currentPassword === newPassword) return { ok: false, reason: 'same_password' };
  const passwordHash = await hashPassword(newPassword);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx): Promise<PasswordChangeResult> => {
    const current = await findOperator(tx, session.operator.id, { forUpdate: true });
    if (!current) return { ok: false, reason: 'wrong_password' };
    const updated: OperatorRecord = { ...current, passwordHash, mustChangePassword: false, updatedAt: now };
    await updateOperator(tx, updated);
    await revokeOperatorSessions(tx, current.id, now, session.idHash);
    await recordAudit(
      tx,
      operatorActor(current),
      {
        action: 'operator.password_change',
        targetType: 'operator',
        targetId: current.id,
        merchantId: null,
        before: { must_change_password: current.mustChangePassword },
        after: { must_change_password: false },
        requestId,
      },
      now,
    );
    return { ok: true, operator: updated };
  });
}
