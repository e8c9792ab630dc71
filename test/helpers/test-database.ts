import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite-db.js';
import { openPostgres } from '../../src/store/postgres-db.js';
import { makePgliteImage, PGLITE_IMAGE_ENV, POSTGRES_IMAGE_ENV } from './database-image.js';
import { adminQuery, siblingDatabaseUrl } from './postgres-admin.js';

/** Which database the suite runs on: PostgreSQL when TEST_DATABASE_URL is set, else in-memory PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const onPostgres = TEST_DATABASE_URL !== undefined;

/**
 * The master key every Holdfast a test starts is given (in process or spawned): one per test
 * process, so servers and commands sharing one database open the same data keys.
 */
export const TEST_MASTER_KEY = randomBytes(32).toString('hex');

/**
 * A fresh, migrated database for one test file, copied from the run's image (database-image.ts):
 * a new in-memory PGlite loaded from the image's dump, or a new PostgreSQL database created beside
 * TEST_DATABASE_URL's from the image as template and dropped on close. Run without
 * scripts/run-tests.mjs (no image named), PGlite makes one image per process and PostgreSQL
 * migrates each database itself.
 */
export async function openTestDatabase(): Promise<Db & { url?: string }> {
  if (!TEST_DATABASE_URL) return openPglite(undefined, { loadDataDir: await pgliteImage() });
  const serverUrl = TEST_DATABASE_URL;
  const image = process.env[POSTGRES_IMAGE_ENV];
  const name = `holdfast_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, image ? `create database ${name} template ${image}` : `create database ${name}`);
  const url = siblingDatabaseUrl(serverUrl, name);
  // Named apart from Holdfast's own pools ('holdfast'), so a test terminating those leaves this one be.
  const db = openPostgres({ connectionString: url, maxConnections: 20, applicationName: 'holdfast-test' });
  const close = async () => {
    await db.close();
    await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
  };
  if (!image) {
    try {
      await migrate(db);
    } catch (error) {
      await close();
      throw error;
    }
  }
  return { ...db, url, close };
}

let pgliteImageOnce: Promise<Blob> | undefined;

/** The run's PGlite image, read once per test process (a test file may open several databases). */
function pgliteImage(): Promise<Blob> {
  pgliteImageOnce ??= (async () => {
    const file = process.env[PGLITE_IMAGE_ENV];
    return file ? new Blob([await readFile(file)]) : makePgliteImage();
  })();
  return pgliteImageOnce;
}
