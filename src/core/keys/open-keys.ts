import type { Db } from '../../store/db.js';
import { KeyRing } from './keyring.js';
import { resolveMasterKey, type MasterKey, type MasterKeySetting } from './master-key.js';
import { prepareDataKeys } from './prepare-keys.js';

/** The master key the settings give (or the embedded database's own), then the data keys it opens, created or upgraded first. */
export async function openKeys(
  db: Db,
  setting: MasterKeySetting,
  now: Date,
  say: (message: string) => void,
): Promise<{ master: MasterKey; ring: KeyRing }> {
  const master = resolveMasterKey(setting, say);
  await prepareDataKeys(db, master, now, say);
  return { master, ring: await KeyRing.open(db, master) };
}
