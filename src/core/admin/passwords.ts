import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { randomAlphanumeric } from '../../domain/ids.js';

/**
 * Operators' passwords, stored as "scrypt$N$r$p$salt$hash" (base64url; migrations/016_operators.sql).
 * scrypt makes each guess at a stolen table cost memory and time; N = 2^15 with r = 8 needs 32 MiB,
 * so maxmem is raised above Node's 32 MiB default.
 */
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

/** Bounds of a chosen password (docs/admin-api.md, `POST /session/password`). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem: MAX_MEMORY }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/** The stored form of `password`, with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // Only parameters this code could have written: a tampered row must not make scrypt run away.
  if (![n, r, p].every(Number.isInteger) || n < 2 ** 10 || n > 2 ** 17 || r < 1 || r > 16 || p < 1 || p > 4) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length !== KEY_LENGTH) return undefined;
  return { N: n, r, p, salt, key };
}

let dummyHash: Promise<string> | undefined;

/**
 * Whether `password` is the one `stored` was made from, compared in constant time. With no stored
 * hash (an unknown e-mail, no password set) it still runs scrypt on a dummy hash, so the answer
 * takes as long and says nothing about which e-mails exist.
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  dummyHash ??= hashPassword(randomAlphanumeric(24));
  const parsed = parseHash(stored ?? '') ?? parseHash(await dummyHash);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, { N: parsed.N, r: parsed.r, p: parsed.p });
  const matches = key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  return matches && typeof stored === 'string' && parseHash(stored) !== undefined;
}

/** A one-time password: 20 random alphanumerics (about 119 bits), printed once, changed at first sign-in. */
export function oneTimePassword(): string {
  return randomAlphanumeric(20);
}
