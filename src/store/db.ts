/**
 * One small database facade over node-postgres and PGlite. Both run the same SQL text with $n
 * parameters; only this folder writes SQL.
 */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface Db extends Queryable {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/** int8 columns hold minor units far below 2^53; parse them as numbers, not strings. */
export const INT8_OID = 20;

/** The constraint a statement violated when it failed on a unique key (SQLSTATE 23505), else undefined. Both drivers report it. */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; constraint?: unknown };
  if (e.code !== '23505') return undefined;
  return typeof e.constraint === 'string' ? e.constraint : '';
}
