import type { AdminActor } from '../../domain/operator-roles.js';
import {
  credentialUsable,
  expireOtherCredentials,
  findCredential,
  findNewestCredential,
  listCredentials,
  revokeCredentialRow,
  type CredentialKind,
  type CredentialRecord,
} from '../../store/merchant-credentials-repository.js';
import { findMerchant, lockMerchant } from '../../store/merchants-repository.js';
import type { CoreContext } from '../context.js';
import { prepareCredential, storeCurrentCredential, type IssuedSecret } from '../merchant-credentials.js';
import { noteMerchantChanged } from '../merchant-status.js';
import { recordAudit } from './audit.js';

/** A credential as the admin API shows it: never the secret, at most its last four characters. */
export interface CredentialView {
  id: string;
  kind: CredentialKind;
  status: 'active' | 'expiring' | 'revoked';
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  hint: string | null;
}

/**
 * `expiring` while a rotation's overlap runs; `revoked` once revoked or once that overlap has
 * ended (either way it no longer authenticates or signs).
 */
export function credentialView(c: CredentialRecord, now: Date): CredentialView {
  const status = !credentialUsable(c, now) ? 'revoked' : c.expiresAt !== null ? 'expiring' : 'active';
  return {
    id: c.id,
    kind: c.kind,
    status,
    created_at: c.createdAt.toISOString(),
    expires_at: c.expiresAt?.toISOString() ?? null,
    revoked_at: c.revokedAt?.toISOString() ?? null,
    hint: c.hint,
  };
}

/** What a refused credential change reports: the merchant or credential is unknown, or the state forbids it. */
export type CredentialRefusal = { refused: 'not_found' | 'conflict'; message: string };

export async function merchantCredentials(ctx: Pick<CoreContext, 'db' | 'clock'>, merchantId: string): Promise<CredentialView[]> {
  const now = ctx.clock.now();
  return (await listCredentials(ctx.db, merchantId)).map((c) => credentialView(c, now));
}

/** Who changes a credential and under which Request-ID, for the audit log. */
export interface ChangeOrigin {
  actor: AdminActor;
  requestId?: string | null;
}

/**
 * Rotation with overlap (docs/admin-api.md): a new credential of `kind`, now the current one, and
 * every other still working one of the kind given an expiry of now + `overlapSeconds` (unless it
 * ends sooner already); audited in the same transaction. The merchant row is locked, so two
 * rotations of one merchant run one after the other.
 */
export async function rotateCredential(
  ctx: Pick<CoreContext, 'db' | 'clock' | 'keys'>,
  merchantId: string,
  kind: CredentialKind,
  overlapSeconds: number,
  origin: ChangeOrigin,
): Promise<{ credential: CredentialView; secret: IssuedSecret } | CredentialRefusal> {
  const found = await findMerchant(ctx.db, merchantId);
  if (!found) return { refused: 'not_found', message: 'No such merchant' };
  const now = ctx.clock.now();
  // Sealed before the transaction: the key ring may read the database, which the transaction would hold.
  const { credential, secret } = await prepareCredential(ctx, merchantId, found.clientId, kind, now);
  return ctx.db
    .transaction(async (tx) => {
      if (!(await lockMerchant(tx, merchantId))) return { refused: 'not_found', message: 'No such merchant' } as const;
      const stored = await storeCurrentCredential(tx, credential);
      const expiresAt = new Date(now.getTime() + overlapSeconds * 1000);
      const replaced = await expireOtherCredentials(tx, merchantId, kind, stored.id, expiresAt);
      await recordAudit(
        tx,
        origin.actor,
        {
          action: 'credential.rotate',
          targetType: 'credential',
          targetId: stored.id,
          merchantId,
          before: { kind, replaced: replaced.map((c) => ({ id: c.id, expires_at: c.expiresAt?.toISOString() ?? null })) },
          after: {
            kind,
            id: stored.id,
            overlap_seconds: overlapSeconds,
            replaced: replaced.map((c) => ({ id: c.id, expires_at: expiresAt.toISOString() })),
          },
          requestId: origin.requestId ?? null,
        },
        now,
      );
      return { credential: credentialView(stored, now), secret };
    })
    .then((result) => {
      noteMerchantChanged(merchantId);
      return result;
    });
}

/**
 * Ends an old credential at once. The newest one of its kind cannot be revoked (the merchant would
 * be left with none: rotate instead), nor one that no longer works.
 */
export async function revokeCredential(
  ctx: Pick<CoreContext, 'db' | 'clock'>,
  merchantId: string,
  credentialId: string,
  origin: ChangeOrigin,
): Promise<{ credential: CredentialView } | CredentialRefusal> {
  return ctx.db
    .transaction(async (tx) => {
      const merchant = await lockMerchant(tx, merchantId);
      const credential = merchant ? await findCredential(tx, merchantId, credentialId) : undefined;
      if (!credential) return { refused: 'not_found', message: 'No such credential' } as const;
      const now = ctx.clock.now();
      const newest = await findNewestCredential(tx, merchantId, credential.kind);
      if (newest?.id === credential.id) {
        return { refused: 'conflict', message: `This is the newest ${credential.kind}; rotate it instead of revoking it` } as const;
      }
      if (!credentialUsable(credential, now))
        return { refused: 'conflict', message: 'This credential is already revoked or expired' } as const;
      const revoked = await revokeCredentialRow(tx, credential.id, now);
      await recordAudit(
        tx,
        origin.actor,
        {
          action: 'credential.revoke',
          targetType: 'credential',
          targetId: credential.id,
          merchantId,
          before: {
            kind: credential.kind,
            status: credentialView(credential, now).status,
            expires_at: credential.expiresAt?.toISOString() ?? null,
          },
          after: { kind: credential.kind, status: 'revoked', revoked_at: now.toISOString() },
          requestId: origin.requestId ?? null,
        },
        now,
      );
      return { credential: credentialView(revoked, now) };
    })
    .then((result) => {
      noteMerchantChanged(merchantId);
      return result;
    });
}
