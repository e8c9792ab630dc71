import { createHmac, randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../../store/db.js';
import { insertDataKey, listDataKeys, type KeyPurpose, type SealedDataKey } from '../../store/data-keys-repository.js';
import { MasterKeyError, type MasterKey } from './master-key.js';
import { seal, unseal } from './sealing.js';
import { canonicalJson } from '../secrets.js';
import { withoutCardData } from './card-data.js';

/** An opened data key. */
export interface DataKey {
  id: string;
  purpose: KeyPurpose;
  secret: Buffer;
  createdAt: Date;
  retiredAt: Date | null;
}

/** How long one process trusts what it last read of the keys: a rotation elsewhere reaches it within this. */
export const KEYRING_TTL_MS = 1000;

const PREFIX: Record<KeyPurpose, string> = {
  token_signing: 'tok',
  card_fingerprint: 'card',
  request_fingerprint: 'req',
  secret_encryption: 'enc',
};
export const PURPOSES = Object.keys(PREFIX) as KeyPurpose[];

/** The number in a key id (`tok-3` → 3): later keys have larger numbers. */
export const keySequence = (id: string): number => Number(id.slice(id.lastIndexOf('-') + 1));
export const keyIdFor = (purpose: KeyPurpose, sequence: number): string => `${PREFIX[purpose]}-${sequence}`;

const dataKeyAad = (id: string, purpose: KeyPurpose) => `holdfast data key ${id} ${purpose}`;
const secretAad = (keyId: string) => `holdfast secret ${keyId}`;
const SEALED_SECRET_VERSION = 'v2';

/** A secret sealed with one encryption key, naming it: `v2.<key id>.<sealed>`. */
export function sealSecretWith(key: DataKey, plaintext: string): string {
  return `${SEALED_SECRET_VERSION}.${key.id}.${seal(key.secret, Buffer.from(plaintext, 'utf8'), secretAad(key.id))}`;
}

/** A new data key, sealed with the master key. */
export function newSealedDataKey(
  master: MasterKey,
  purpose: KeyPurpose,
  sequence: number,
  at: Date,
  secret: Uint8Array = randomBytes(32),
): SealedDataKey {
  const id = keyIdFor(purpose, sequence);
  return { id, purpose, sealed: seal(master.key, secret, dataKeyAad(id, purpose)), masterKeyId: master.id, createdAt: at, retiredAt: null };
}

/** Adds the first key of every purpose that has none (inside the caller's transaction). */
export async function ensureDataKeys(q: Queryable, master: MasterKey, at: Date): Promise<void> {
  const present = new Set((await listDataKeys(q)).filter((k) => k.retiredAt === null).map((k) => k.purpose));
  for (const purpose of PURPOSES) if (!present.has(purpose)) await insertDataKey(q, newSealedDataKey(master, purpose, 1, at));
}

/** Opens one stored key; a key sealed under another master key is a start-up error that names both. */
export function openDataKey(master: MasterKey, stored: SealedDataKey): DataKey {
  if (stored.masterKeyId !== master.id) {
    throw new MasterKeyError(
      `This database's keys were sealed with another master key (id ${stored.masterKeyId}); this process was given the master key ` +
        `with id ${master.id}. Start every process that shares the database with the same HOLDFAST_MASTER_KEY.`,
    );
  }
  let secret: Buffer;
  try {
    secret = unseal(master.key, stored.sealed, dataKeyAad(stored.id, stored.purpose));
  } catch {
    throw new MasterKeyError(
      `The data key ${stored.id} does not open with the master key ${master.id}: the row is damaged or was altered.`,
    );
  }
  return { id: stored.id, purpose: stored.purpose, secret, createdAt: stored.createdAt, retiredAt: stored.retiredAt };
}

/**
 * The data keys one process holds, opened with the master key: token signing (a key id in every
 * token), card and request fingerprints, and secret encryption (a key id in every sealed secret).
 * Re-read from the database at most once a second when a caller needs the newest key, or meets a
 * key id it has not seen, so a rotation in another process reaches this one within a second.
 */
export class KeyRing {
  private keys = new Map<string, DataKey>();
  /** The sealed text each opened key came from: unchanged rows are not opened again. */
  private sealedTexts = new Map<string, string>();
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | undefined;

  private constructor(
    private readonly db: Db,
    private readonly master: MasterKey,
  ) {}

  static async open(db: Db, master: MasterKey): Promise<KeyRing> {
    const ring = new KeyRing(db, master);
    await ring.reload();
    for (const purpose of PURPOSES) ring.current(purpose);
    return ring;
  }

  get masterKeyId(): string {
    return this.master.id;
  }

  async reload(): Promise<void> {
    const stored = await listDataKeys(this.db);
    const next = new Map<string, DataKey>();
    const texts = new Map<string, string>();
    for (const row of stored) {
      const known = this.keys.get(row.id);
      const opened =
        known && this.sealedTexts.get(row.id) === row.sealed ? { ...known, retiredAt: row.retiredAt } : openDataKey(this.master, row);
      next.set(row.id, opened);
      texts.set(row.id, row.sealed);
    }
    this.keys = next;
    this.sealedTexts = texts;
    this.readAt = performance.now();
  }

  /** Re-reads the keys if this process last read them over a second ago. */
  async refresh(): Promise<void> {
    if (performance.now() - this.readAt >= KEYRING_TTL_MS) await this.reload();
  }

  /** The newest active key of `purpose` (what signs or seals anything new). */
  current(purpose: KeyPurpose): DataKey {
    let newest: DataKey | undefined;
    for (const key of this.keys.values()) {
      if (key.purpose !== purpose || key.retiredAt !== null) continue;
      if (!newest || keySequence(key.id) > keySequence(newest.id)) newest = key;
    }
    if (!newest) throw new MasterKeyError(`No active ${purpose} key: run \`holdfast keys rotate\` or restart Holdfast to create one.`);
    return newest;
  }

  /**
   * A key by id and purpose. An id this process has not seen is read from the database when it
   * could be newer than every key of its purpose known here (made by a rotation in another
   * process, and already in use there); one read at a time, and none within 50 ms of the last,
   * so made-up ids cannot turn every request into a query.
   */
  async find(id: string, purpose: KeyPurpose): Promise<DataKey | undefined> {
    if (!this.keys.has(id) && this.couldBeNewer(id, purpose)) await this.readAgain();
    const key = this.keys.get(id);
    return key?.purpose === purpose ? key : undefined;
  }

  private couldBeNewer(id: string, purpose: KeyPurpose): boolean {
    if (!new RegExp(`^${PREFIX[purpose]}-\\d{1,9}$`).test(id)) return false;
    let newest = 0;
    for (const key of this.keys.values()) if (key.purpose === purpose) newest = Math.max(newest, keySequence(key.id));
    return keySequence(id) > newest;
  }

  private async readAgain(): Promise<void> {
    if (this.reading) return this.reading;
    if (performance.now() - this.readAt < 50) return;
    this.reading = this.reload().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  /** The keyed fingerprint of a card number: the same card gives the same value, and nothing in the database can recompute it. */
  cardFingerprint(cardNumber: string): string {
    return createHmac('sha256', this.current('card_fingerprint').secret).update(cardNumber, 'utf8').digest('hex');
  }

  /** The keyed fingerprint of a request, computed without its card number, security code and expiry. */
  requestFingerprint(value: unknown): string {
    return createHmac('sha256', this.current('request_fingerprint').secret)
      .update(canonicalJson(withoutCardData(value)), 'utf8')
      .digest('hex');
  }

  /** Seals a secret that must be recovered to be used, with the newest encryption key. */
  async sealSecret(plaintext: string): Promise<string> {
    await this.refresh();
    return sealSecretWith(this.current('secret_encryption'), plaintext);
  }

  /** The key id a sealed secret names, or undefined for a text that is not one. */
  static sealedSecretKeyId(sealed: string): string | undefined {
    const [version, keyId] = sealed.split('.', 2);
    return version === SEALED_SECRET_VERSION && keyId ? keyId : undefined;
  }

  async openSecret(sealed: string): Promise<string> {
    const keyId = KeyRing.sealedSecretKeyId(sealed);
    if (!keyId) throw new Error('unrecognized sealed secret');
    const key = await this.find(keyId, 'secret_encryption');
    if (!key) throw new Error(`sealed secret names an unknown key ${keyId}`);
    return unseal(key.secret, sealed.slice(SEALED_SECRET_VERSION.length + keyId.length + 2), secretAad(keyId)).toString('utf8');
  }
}
