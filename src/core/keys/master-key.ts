import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The one key that never enters the database: it seals every data key (docs/security.md). */
export interface MasterKey {
  key: Buffer;
  /** A keyed digest naming the key (stored beside what it sealed, so a wrong key is told apart from damage). */
  id: string;
}

export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

export const MASTER_KEY_FILE_NAME = 'master.key';

/** 32 bytes written as 64 hexadecimal characters (surrounding white space, such as a final newline, allowed). */
export function parseMasterKeyHex(text: string): Buffer | undefined {
  const trimmed = text.trim();
  return /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : undefined;
}

export function masterKeyOf(key: Buffer): MasterKey {
  return { key, id: createHmac('sha256', key).update('holdfast master key id').digest('hex').slice(0, 16) };
}

/** Where a master key came from, as the configuration gives it. */
export interface MasterKeySetting {
  /** The key itself, from HOLDFAST_MASTER_KEY. */
  masterKey: Buffer | undefined;
  /** A file holding it, from HOLDFAST_MASTER_KEY_FILE. */
  masterKeyFile: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
}

/**
 * The configured master key; with the embedded database and none configured, the one in the data
 * directory (beside the database files, not inside them), made on first start with mode 0600.
 * With PostgreSQL a missing key is an error: a key generated on one machine would leave every
 * other process sharing the database unable to open its keys.
 */
export function resolveMasterKey(setting: MasterKeySetting, say: (message: string) => void = () => {}): MasterKey {
  if (setting.masterKey) return masterKeyOf(setting.masterKey);
  if (setting.masterKeyFile) return masterKeyOf(readMasterKeyFile(setting.masterKeyFile, say));
  if (setting.databaseUrl) {
    throw new MasterKeyError(
      'Holdfast on PostgreSQL needs a master key, which must not be kept in the database: set HOLDFAST_MASTER_KEY to 64 hexadecimal ' +
        'characters (for example the output of `openssl rand -hex 32`) or HOLDFAST_MASTER_KEY_FILE to a file holding them, ' +
        'the same for every process that shares the database.',
    );
  }
  const dataDir = resolve(setting.dataDir);
  const path = join(dataDir, MASTER_KEY_FILE_NAME);
  mkdirSync(dataDir, { recursive: true });
  let fd: number | undefined;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
  }
  if (fd !== undefined) {
    try {
      writeSync(fd, `${randomBytes(32).toString('hex')}\n`);
    } finally {
      closeSync(fd);
    }
    say(
      `Generated a master key in ${path} (mode 0600). Keep a copy: without it this database's tokens, secrets and keys cannot be opened.`,
    );
  }
  return masterKeyOf(readMasterKeyFile(path, say));
}

/** Reads a master key file; one that other users may read is used, with a warning through `say`. */
export function readMasterKeyFile(path: string, say: (message: string) => void = () => {}): Buffer {
  let text: string;
  try {
    if ((statSync(path).mode & 0o077) !== 0)
      say(`The master key file ${path} may be read by other users: make it private (chmod 600 ${path}).`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MasterKeyError(`The master key file ${path} cannot be read (${(error as { code?: string }).code ?? 'error'}).`);
  }
  const key = parseMasterKeyHex(text);
  if (!key) throw new MasterKeyError(`The master key file ${path} must hold 64 hexadecimal characters (32 bytes).`);
  return key;
}
