import { invalidInput, type HoldfastError } from '../domain/errors.js';

/** Deepest JSON nesting accepted; no request of either dialect needs more than a handful. */
export const MAX_BODY_DEPTH = 32;

/** True for text PostgreSQL can store: no NUL, and well-formed Unicode (no lone surrogates). */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

/**
 * Finds the first string (key or value) that cannot be stored, or nesting deeper than
 * MAX_BODY_DEPTH, so such input is refused as invalid at the edge rather than failing deep inside.
 */
export function unstorableInput(value: unknown, path = 'body', depth = 0): HoldfastError | undefined {
  if (depth > MAX_BODY_DEPTH) return invalidInput(path, `request body is nested more than ${MAX_BODY_DEPTH} levels deep`);
  if (typeof value === 'string') {
    return isStorableText(value) ? undefined : invalidInput(path, `${path} contains a NUL character or malformed Unicode`);
  }
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  for (const [key, inner] of entries) {
    const childPath = path === 'body' ? key : `${path}.${key}`;
    if (!isStorableText(key)) return invalidInput(childPath, `a field name contains a NUL character or malformed Unicode`);
    const problem = unstorableInput(inner, childPath, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}
