import type { Db } from '../../store/db.js';
import { KeyRing } from './keyring.js';
import { resolveMasterKey, type MasterKey, type MasterKeySetting } from './master-key.js';
import { prepareDataKeys } from './prepare-keys.js';

/**
 * The data keys, created or upgraded first, opened with `master`: the master key the settings give
 * (or the embedded database's own; resolve it with resolveMasterKey before touching the database,
 * so a missing key is an error before any connection).
 */
export async function openKeys(
  db: Db,
  setting: MasterKeySetting | MasterKey,
  now: Date,
  say: (message: string) => void,
): Promise<{ master: MasterKey; ring: KeyRing }> {
  const master = 'key' in setting ? setting : resolveMasterKey(setting, say);
  await prepareDataKeys(db, master, now, say);
  return { master, ring: await KeyRing.open(db, master) };
}
