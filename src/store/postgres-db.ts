import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Db, Queryable } from './db.js';

const types = {
  getTypeParser(oid: Parameters<typeof pg.types.getTypeParser>[0], format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  },
};

/**
 * Statements with parameters are sent as named prepared statements: each connection parses and
 * plans them once instead of on every call (the benchmark measured this as the largest cost of
 * unnamed statements). The name is derived from the text, so the same SQL shares one name.
 */
const statementNames = new Map<string, string>();
function prepared(sql: string, params: readonly unknown[]): pg.QueryConfig | string {
  if (params.length === 0) return sql;
  let name = statementNames.get(sql);
  if (!name) {
    name = `hf_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: params as unknown[] };
}

export interface PostgresOptions {
  connectionString: string;
  /** Pool size per process (Default: 10). */
  maxConnections?: number;
}

export function openPostgres(options: PostgresOptions): Db {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10, types });
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on('error', () => {});
  return {
    kind: 'postgres',
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const query = prepared(sql, params);
      const result = typeof query === 'string' ? await pool.query(query) : await pool.query(query);
      return result.rows as Row[];
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const tx: Queryable = {
        async query<Row>(sql: string, params: readonly unknown[] = []) {
          const query = prepared(sql, params);
          const result = typeof query === 'string' ? await client.query(query) : await client.query(query);
          return result.rows as Row[];
        },
      };
      try {
        await client.query('BEGIN');
        const value = await work(tx);
        await client.query('COMMIT');
        client.release();
        return value;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
          client.release();
        } catch {
          client.release(true);
        }
        throw error;
      }
    },
    async close() {
      await pool.end();
    },
  };
}
