import { invalidInput } from '../../domain/errors.js';

/**
 * The admin API's opaque list cursors (docs/admin-api.md "Conventions"): a keyset position,
 * base64url-encoded JSON. Opaque to callers; a cursor that does not decode to the shape its list
 * expects is a 400, never a wrong page.
 */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<T>(text: string, read: (position: unknown[]) => T | undefined): T {
  let position: unknown;
  try {
    position = /^[A-Za-z0-9_-]{1,400}$/.test(text) ? JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) : undefined;
  } catch {
    position = undefined;
  }
  const value = Array.isArray(position) ? read(position) : undefined;
  if (value === undefined) throw invalidInput('cursor', 'cursor is not a cursor this list handed out');
  return value;
}

/** `limit` of a list: 1–100, default 25. */
export function pageLimit(text: string | undefined): number {
  if (text === undefined) return 25;
  const limit = /^[0-9]{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(limit >= 1 && limit <= 100)) throw invalidInput('limit', 'limit must be an integer from 1 to 100');
  return limit;
}
