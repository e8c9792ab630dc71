import { parseArgs } from 'node:util';
import { cliActor, recordAudit } from '../core/admin/audit.js';
import { rotateKeys } from '../core/keys/rotate-keys.js';
import { listDataKeys } from '../store/data-keys-repository.js';
import { openCliApp } from './context.js';

/**
 * `holdfast keys rotate`: a new token-signing key and a new encryption key, every merchant secret
 * re-sealed (docs/security.md). Tokens already issued keep working until they expire; every
 * running process uses the new keys within a second; audited as the CLI (key ids only).
 * `holdfast keys list`: the data keys by id, purpose and dates; never a secret.
 */
export async function keysCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } }, strict: true });
  if (sub !== 'rotate' && sub !== 'list') throw new Error(`keys needs rotate or list, got "${sub ?? ''}"`);
  const cli = await openCliApp();
  try {
    const { ctx, masterKey } = cli.app;
    if (sub === 'rotate') {
      const now = ctx.clock.now();
      const report = await rotateKeys(ctx.db, ctx.keys, masterKey, now, ctx.tokenTtlMs, async (tx, change) => {
        await recordAudit(
          tx,
          cliActor(),
          {
            action: 'data_keys.rotate',
            targetType: 'data_keys',
            targetId: null,
            merchantId: null,
            before: { current: change.replaced },
            after: { current: change.created, deleted: change.deleted },
          },
          now,
        );
      });
      if (values.json) console.log(JSON.stringify(report));
      else {
        console.log(`New token-signing key ${report.tokenSigningKey} and encryption key ${report.encryptionKey}.`);
        console.log(`${report.resealedSecrets} merchant secrets re-sealed; tokens already issued stay valid until they expire.`);
        if (report.deletedKeys.length > 0) console.log(`Deleted keys nothing needs any more: ${report.deletedKeys.join(', ')}.`);
      }
      return;
    }
    const keys = (await listDataKeys(ctx.db)).map((k) => ({
      id: k.id,
      purpose: k.purpose,
      master_key_id: k.masterKeyId,
      created_at: k.createdAt.toISOString(),
      retired_at: k.retiredAt?.toISOString() ?? null,
    }));
    if (values.json) console.log(JSON.stringify(keys));
    else
      for (const k of keys)
        console.log(`${k.id.padEnd(8)} ${k.purpose.padEnd(20)} created ${k.created_at}${k.retired_at ? `  retired ${k.retired_at}` : ''}`);
  } finally {
    await cli.close();
  }
}
