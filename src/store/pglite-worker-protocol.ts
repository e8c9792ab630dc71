/**
 * The messages between the Db proxy on the serving thread (pglite-worker-db.ts) and PGlite on its
 * worker thread (pglite-worker-entry.ts). Every request carries an id; its reply carries the same.
 */
export type WorkerRequest =
  | { id: number; op: 'query'; sql: string; params: readonly unknown[] }
  /** Opens transaction `tx` (PGlite's lock held until it ends); replied to once BEGIN has run. */
  | { id: number; op: 'begin'; tx: number }
  | { id: number; op: 'tx-query'; tx: number; sql: string; params: readonly unknown[] }
  | { id: number; op: 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'close' };

export type WorkerReply = { id: number; ok: true; rows: unknown[] } | { id: number; ok: false; error: SerializedError };

/** An error's message and its own fields (code, constraint, detail…), which callers read (db.ts). */
export interface SerializedError {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === 'function') continue;
    // Only what structured clone carries; the rest is dropped rather than failing the reply.
    try {
      structuredClone(value);
      fields[key] = value;
    } catch {
      // not cloneable
    }
  }
  return { name: error.name, message: error.message, fields };
}

export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  return Object.assign(error, serialized.fields);
}

/** The worker's startup data. */
export interface WorkerStart {
  dataDir: string | undefined;
}
