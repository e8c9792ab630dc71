import { PGlite } from '@electric-sql/pglite';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db, Queryable } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { openPostgres } from '../../src/store/postgres-db.js';
import { adminQuery, siblingDatabaseUrl } from './postgres-admin.js';

/**
 * One migrated database per test run, which every test file's database starts from: initialising
 * and migrating a database per file cost seconds each. scripts/run-tests.mjs makes the image and
 * names it to the test processes through these variables.
 */
export const PGLITE_IMAGE_ENV = 'HOLDFAST_TEST_PGLITE_IMAGE'; // path of a PGlite data directory tarball
export const POSTGRES_IMAGE_ENV = 'HOLDFAST_TEST_POSTGRES_IMAGE'; // name of a template database

/**
 * A migrated in-memory PGlite's data directory, uncompressed (it loads in half the time of the
 * gzipped one). openPglite keeps its PGlite to itself, so migrate runs here through PGlite's own
 * query API; the migrations are plain statements either way.
 */
export async function makePgliteImage(): Promise<Blob> {
  const pglite = new PGlite();
  try {
    const queryable = (q: Pick<PGlite, 'query'>): Queryable => ({
      query: async <Row>(sql: string, params: readonly unknown[] = []) => (await q.query<Row>(sql, [...params])).rows,
    });
    const db: Db = {
      kind: 'pglite',
      ...queryable(pglite),
      transaction: (work) => pglite.transaction((tx) => work(queryable(tx))),
      close: () => pglite.close(),
    };
    await migrate(db);
    return await pglite.dumpDataDir('none');
  } finally {
    await pglite.close();
  }
}

/** A new migrated database `name` beside `serverUrl`'s, for `create database … template name`. */
export async function makePostgresImage(serverUrl: string, name: string): Promise<void> {
  await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
  await adminQuery(serverUrl, `create database ${name}`);
  const db = openPostgres({ connectionString: siblingDatabaseUrl(serverUrl, name), maxConnections: 1 });
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    throw error;
  }
  await db.close();
}

/** The image for one run on PostgreSQL when `serverUrl` is set, else on PGlite: the variables to hand the test processes, and its removal. */
export async function makeRunImage(serverUrl: string | undefined): Promise<{ env: Record<string, string>; remove(): Promise<void> }> {
  if (serverUrl) {
    const name = `holdfast_test_image_${process.pid}`;
    await makePostgresImage(serverUrl, name);
    return { env: { [POSTGRES_IMAGE_ENV]: name }, remove: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`) };
  }
  const image = Buffer.from(await (await makePgliteImage()).arrayBuffer());
  const dir = await mkdtemp(join(tmpdir(), 'holdfast-test-image-'));
  const file = join(dir, 'pgdata.tar');
  await writeFile(file, image);
  return { env: { [PGLITE_IMAGE_ENV]: file }, remove: () => rm(dir, { recursive: true, force: true }) };
}
