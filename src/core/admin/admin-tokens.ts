import { randomAlphanumeric } from '../../domain/ids.js';
import {
  findAdminToken,
  insertAdminToken,
  listAdminTokens,
  revokeAdminToken,
  touchAdminToken,
  type AdminTokenRecord,
} from '../../store/admin-tokens-repository.js';
import type { Db } from '../../store/db.js';
import type { CoreContext } from '../context.js';
import { hashSecret, randomSecret, secretMatches } from '../secrets.js';
import { recordAudit } from './audit.js';
import type { AdminActor, OperatorRole } from '../../domain/operator-roles.js';

/** What `holdfast admin token create` prints once: the token to send as `Authorization: Bearer …`. */
export interface IssuedAdminToken {
  id: string;
  name: string;
  role: OperatorRole;
  merchant_ids: string[] | null;
  token: string;
}

const TOKEN_PREFIX = 'hfa_';

/**
 * A new admin token: `hfa_<id>_<secret>`, the secret a random 256-bit value stored only as its
 * SHA-256 (secrets.ts), shown once. Audited as the actor who made it.
 */
export async function createAdminToken(
  ctx: Pick<CoreContext, 'db' | 'clock'>,
  input: { name: string; role: OperatorRole; merchantIds: string[] | null },
  actor: AdminActor,
  requestId: string | null = null,
): Promise<IssuedAdminToken> {
  const id = `at_${randomAlphanumeric(16)}`;
  const secret = randomSecret(32);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await insertAdminToken(tx, {
      id,
      name: input.name,
      role: input.role,
      merchantIds: input.merchantIds,
      secretHash: hashSecret(secret),
      createdBy: actor.id ?? actor.name,
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    });
    await recordAudit(
      tx,
      actor,
      {
        action: 'admin_token.create',
        targetType: 'admin_token',
        targetId: id,
        merchantId: null,
        after: { name: input.name, role: input.role, merchant_ids: input.merchantIds },
        requestId,
      },
      now,
    );
  });
  return { id, name: input.name, role: input.role, merchant_ids: input.merchantIds, token: `${TOKEN_PREFIX}${id}_${secret}` };
}

/** The actor an `Authorization: Bearer hfa_…` token stands for, or undefined when it is unknown, wrong or revoked. */
export async function authenticateAdminToken(
  ctx: { db: Db; clock: CoreContext['clock'] },
  bearer: string,
): Promise<AdminActor | undefined> {
  if (!bearer.startsWith(TOKEN_PREFIX) || bearer.length > 200) return undefined;
  const rest = bearer.slice(TOKEN_PREFIX.length);
  // The id is "at_" + 16 alphanumerics; the secret (base64url) may itself contain "_".
  const id = rest.slice(0, 19);
  const secret = rest.slice(20);
  if (!/^at_[A-Za-z0-9]{16}$/.test(id) || rest[19] !== '_' || secret.length === 0) return undefined;
  const token = await findAdminToken(ctx.db, id);
  // Hash the candidate even for an unknown id, so both failures take the same time.
  const matches = secretMatches(secret, token?.secretHash ?? hashSecret(''));
  if (!token || !matches || token.revokedAt !== null) return undefined;
  await touchAdminToken(ctx.db, id, ctx.clock.now());
  return { kind: 'token', id: token.id, name: token.name, role: token.role, merchantIds: token.merchantIds };
}

/** A token as the admin API lists it (docs/admin-api.md): never its secret. */
export interface AdminTokenView {
  id: string;
  name: string;
  role: OperatorRole;
  merchant_ids: string[] | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function adminTokenView(t: AdminTokenRecord): AdminTokenView {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    merchant_ids: t.merchantIds,
    created_at: t.createdAt.toISOString(),
    last_used_at: t.lastUsedAt ? t.lastUsedAt.toISOString() : null,
    revoked_at: t.revokedAt ? t.revokedAt.toISOString() : null,
  };
}

export async function listAdminTokenViews(ctx: Pick<CoreContext, 'db'>): Promise<AdminTokenView[]> {
  return (await listAdminTokens(ctx.db)).map(adminTokenView);
}

/**
 * Revokes a token, audited. Every process looks the token up in the database on each call (no
 * cache), so the next call with it is refused everywhere.
 */
export async function revokeAdminTokenAudited(
  ctx: Pick<CoreContext, 'db' | 'clock'>,
  id: string,
  actor: AdminActor,
  requestId: string | null = null,
): Promise<'revoked' | 'not_found' | 'already_revoked'> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const token = await findAdminToken(tx, id);
    if (!token) return 'not_found';
    if (!(await revokeAdminToken(tx, id, now))) return 'already_revoked';
    await recordAudit(
      tx,
      actor,
      {
        action: 'admin_token.revoke',
        targetType: 'admin_token',
        targetId: id,
        merchantId: null,
        before: { name: token.name, role: token.role, revoked: false },
        after: { name: token.name, role: token.role, revoked: true },
        requestId,
      },
      now,
    );
    return 'revoked';
  });
}
