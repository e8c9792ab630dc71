import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../src/store/db.js';
import { openPglite } from '../../src/store/pglite-db.js';
import { openPostgres } from '../../src/store/postgres-db.js';

/** Which database the suite runs on: PostgreSQL when TEST_DATABASE_URL is set, else in-memory PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const onPostgres = TEST_DATABASE_URL !== undefined;

/**
 * A fresh, empty database for one test file: a new in-memory PGlite, or a new PostgreSQL database
 * created beside TEST_DATABASE_URL's and dropped on close.
 */
export async function openTestDatabase(): Promise<Db & { url?: string }> {
  if (!TEST_DATABASE_URL) return openPglite();
  const name = `holdfast_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const db = openPostgres({ connectionString: url.toString(), maxConnections: 20 });
  return {
    ...db,
    url: url.toString(),
    async close() {
      await db.close();
      const dropper = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
