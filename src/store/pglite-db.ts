import { PGlite } from '@electric-sql/pglite';
import { INT8_OID, type Db, type Queryable } from './db.js';

/**
 * The embedded database. PGlite is a single connection: its own mutex serializes transactions,
 * which is what makes concurrent operations on one order exactly-once here too.
 * `dataDir` undefined means in memory (tests).
 */
export async function openPglite(dataDir?: string): Promise<Db> {
  const pglite = new PGlite(dataDir, { parsers: { [INT8_OID]: (value: string) => Number(value) } });
  await pglite.waitReady;
  return {
    kind: 'pglite',
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await pglite.query<Row>(sql, params as unknown[]);
      return result.rows;
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      return pglite.transaction(async (inner) => {
        const tx: Queryable = {
          async query<Row>(sql: string, params: readonly unknown[] = []) {
            const result = await inner.query<Row>(sql, params as unknown[]);
            return result.rows;
          },
        };
        return work(tx);
      });
    },
    async close() {
      await pglite.close();
    },
  };
}
