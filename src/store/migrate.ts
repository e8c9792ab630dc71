import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { violatedUniqueConstraint, type Db } from './db.js';

/** Numbered forward-only migrations, shipped beside src/ and dist/ alike. */
const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/**
 * Applies pending migrations, each in its own transaction. The version row is inserted first,
 * so two processes migrating at once collide on the primary key and one backs off cleanly.
 * Returns the versions applied.
 */
export async function migrate(db: Db): Promise<number[]> {
  await db.query(`create table if not exists schema_migrations (
    version integer primary key,
    name text not null,
    applied_at timestamptz not null default now()
  )`);
  const files = await migrationFiles();
  const applied = new Set((await db.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version));
  const done: number[] = [];
  for (const file of files) {
    const version = Number(file.slice(0, 3));
    if (applied.has(version)) continue;
    const sql = await readFile(MIGRATIONS_DIR + file, 'utf8');
    try {
      await db.transaction(async (tx) => {
        await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [version, file]);
        for (const statement of splitStatements(sql)) await tx.query(statement);
      });
      done.push(version);
    } catch (error) {
      if (isUniqueViolation(error)) continue; // another process applied it first
      throw error;
    }
  }
  return done;
}

/** The migration files this build ships, in order (e.g. `016_operators.sql`); their version is the number in front. */
export function migrationFiles(): Promise<string[]> {
  // The files ship with the build and do not change while it runs: read once (/readyz asks often).
  shipped ??= readdir(MIGRATIONS_DIR).then(
    (names) => names.filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort(),
    (error: unknown) => {
      shipped = undefined;
      throw error;
    },
  );
  return shipped;
}
let shipped: Promise<string[]> | undefined;

/**
 * Migrations are plain statements separated by semicolons at line ends; a semicolon inside a
 * `$$ … $$` body (a trigger function) does not end its statement.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let inBody = false;
  for (const line of sql.split('\n')) {
    if (/^\s*--/.test(line) && !inBody) continue;
    current.push(line);
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inBody = !inBody;
    if (!inBody && /;\s*$/.test(line)) {
      statements.push(current.join('\n').replace(/;\s*$/, ''));
      current = [];
    }
  }
  statements.push(current.join('\n'));
  return statements.map((s) => s.trim()).filter((s) => s.length > 0);
}

export function isUniqueViolation(error: unknown): boolean {
  return violatedUniqueConstraint(error) !== undefined;
}
