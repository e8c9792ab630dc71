import type { AdminActor } from '../../domain/operator-roles.js';
import {
  findMerchantSummary,
  listMerchantSummaries,
  updateMerchantSettings,
  type MerchantSummary,
} from '../../store/merchant-admin-repository.js';
import type { CoreContext } from '../context.js';
import { createMerchant, type CreateMerchantInput, type MerchantCredentials } from '../merchants.js';
import { noteMerchantChanged } from '../merchant-status.js';
import { recordAudit } from './audit.js';
import type { ChangeOrigin } from './credentials.js';

/** `merchant` of docs/admin-api.md. */
export interface MerchantView {
  id: string;
  name: string;
  connector: string;
  webhook_url: string | null;
  webhook_basic_auth_set: boolean;
  capture_window_seconds: number | null;
  disabled_at: string | null;
  created_at: string;
}

export function merchantView(m: MerchantSummary): MerchantView {
  return {
    id: m.id,
    name: m.name,
    connector: m.connector,
    webhook_url: m.webhookUrl,
    webhook_basic_auth_set: m.webhookBasicAuthSet,
    capture_window_seconds: m.captureWindowSeconds,
    disabled_at: m.disabledAt?.toISOString() ?? null,
    created_at: m.createdAt.toISOString(),
  };
}

/** The merchants an actor sees (all, or only its own), newest first. */
export async function listMerchantsFor(ctx: Pick<CoreContext, 'db'>, actor: AdminActor): Promise<MerchantView[]> {
  return (await listMerchantSummaries(ctx.db, actor.merchantIds)).map(merchantView);
}

export async function findMerchantView(ctx: Pick<CoreContext, 'db'>, merchantId: string): Promise<MerchantView | undefined> {
  const found = await findMerchantSummary(ctx.db, merchantId);
  return found ? merchantView(found) : undefined;
}

/** A new merchant and its credentials (shown once), audited in the transaction that creates it. */
export async function createMerchantAudited(
  ctx: Pick<CoreContext, 'db' | 'clock' | 'keys'>,
  input: CreateMerchantInput,
  origin: ChangeOrigin,
): Promise<{ merchant: MerchantView; credentials: MerchantCredentials }> {
  let created: MerchantView | undefined;
  const credentials = await createMerchant(ctx, input, async (tx, merchantId) => {
    const summary = await findMerchantSummary(tx, merchantId);
    created = summary ? merchantView(summary) : undefined;
    await recordAudit(
      tx,
      origin.actor,
      {
        action: 'merchant.create',
        targetType: 'merchant',
        targetId: merchantId,
        merchantId,
        after: created,
        requestId: origin.requestId ?? null,
      },
      ctx.clock.now(),
    );
  });
  if (!created) throw new Error('the merchant just created was not found');
  return { merchant: created, credentials };
}

/** What PATCH /merchants/:id may change; undefined leaves a setting as it is (null clears where allowed). */
export interface MerchantPatch {
  name?: string;
  webhookUrl?: string | null;
  /** "user:password", or null to send no Basic credentials. */
  webhookBasicAuth?: string | null;
  captureWindowSeconds?: number | null;
  connector?: string;
  disabled?: boolean;
}

/**
 * Changes a merchant's settings and audits the change (before and after, never the Basic
 * credentials themselves) in one transaction. Disabling keeps the first disable time; a disabled
 * merchant's credentials are refused by every process within a second (merchant-status.ts).
 */
export async function updateMerchant(
  ctx: Pick<CoreContext, 'db' | 'clock' | 'keys'>,
  merchantId: string,
  patch: MerchantPatch,
  origin: ChangeOrigin,
): Promise<MerchantView | undefined> {
  const basicAuthCiphertext =
    patch.webhookBasicAuth === undefined
      ? undefined
      : patch.webhookBasicAuth === null
        ? null
        : await ctx.keys.sealSecret(patch.webhookBasicAuth);
  return ctx.db
    .transaction(async (tx) => {
      const before = await findMerchantSummary(tx, merchantId, true);
      if (!before) return undefined;
      const now = ctx.clock.now();
      await updateMerchantSettings(tx, merchantId, {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.webhookUrl !== undefined ? { webhookUrl: patch.webhookUrl } : {}),
        ...(basicAuthCiphertext !== undefined ? { webhookBasicAuthCiphertext: basicAuthCiphertext } : {}),
        ...(patch.captureWindowSeconds !== undefined ? { captureWindowSeconds: patch.captureWindowSeconds } : {}),
        ...(patch.connector !== undefined ? { connector: patch.connector } : {}),
        ...(patch.disabled !== undefined ? { disabledAt: patch.disabled ? (before.disabledAt ?? now) : null } : {}),
      });
      const after = (await findMerchantSummary(tx, merchantId)) ?? before;
      await recordAudit(
        tx,
        origin.actor,
        {
          action: 'merchant.update',
          targetType: 'merchant',
          targetId: merchantId,
          merchantId,
          before: merchantView(before),
          after: merchantView(after),
          requestId: origin.requestId ?? null,
        },
        now,
      );
      return merchantView(after);
    })
    .then((result) => {
      noteMerchantChanged(merchantId);
      return result;
    });
}
