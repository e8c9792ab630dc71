import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { violatedUniqueConstraint, type Db } from '../../src/store/db.js';
import { openDatabase } from '../../src/store/open-database.js';

// PGlite on a worker thread (HOLDFAST_PGLITE_THREAD=worker) behind the same Db as on the serving
// thread: statements, transactions and errors behave as they do in-thread (src/store/pglite-db.ts).
describe('PGlite on a worker thread', () => {
  let dataDir: string;
  let db: Db;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'holdfast-pglite-worker-'));
    db = await openDatabase({ databaseUrl: undefined, dataDir, pgliteThread: 'worker' });
    await db.query(
      'create table items (id text primary key, amount bigint not null, tags text[] not null, at timestamptz not null, details jsonb)',
    );
  });

  after(async () => {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('binds parameters and returns rows with the same types as in-thread', async () => {
    const at = new Date('2030-01-02T03:04:05.678Z');
    await db.query('insert into items (id, amount, tags, at, details) values ($1, $2, $3, $4, $5)', [
      'a',
      12_345,
      ['x', 'y'],
      at,
      { k: 1 },
    ]);
    const rows = await db.query<{ id: string; amount: number; tags: string[]; at: Date; details: unknown }>(
      'select id, amount, tags, at, details from items where id = $1',
      ['a'],
    );
    assert.deepEqual(rows, [{ id: 'a', amount: 12_345, tags: ['x', 'y'], at, details: { k: 1 } }]);
  });

  it('commits a transaction whose work resolves, and returns its value', async () => {
    const value = await db.transaction(async (tx) => {
      await tx.query('insert into items (id, amount, tags, at) values ($1, 1, $2, now())', ['committed', []]);
      return (await tx.query<{ n: number }>('select count(*)::int as n from items where id = $1', ['committed']))[0]?.n;
    });
    assert.equal(value, 1);
    assert.equal((await db.query('select id from items where id = $1', ['committed'])).length, 1);
  });

  it('rolls back a transaction whose work throws, and rethrows its error', async () => {
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query('insert into items (id, amount, tags, at) values ($1, 1, $2, now())', ['rolled-back', []]);
        throw new Error('work failed');
      }),
      /work failed/,
    );
    assert.equal((await db.query('select id from items where id = $1', ['rolled-back'])).length, 0);
  });

  it('reports a unique violation with its SQLSTATE and constraint, in and out of a transaction', async () => {
    const insert = 'insert into items (id, amount, tags, at) values ($1, 1, $2, now())';
    const outside = await db.query(insert, ['a', []]).catch((error: unknown) => error);
    assert.equal(violatedUniqueConstraint(outside), 'items_pkey');
    const inside = await db.transaction((tx) => tx.query(insert, ['a', []])).catch((error: unknown) => error);
    assert.equal(violatedUniqueConstraint(inside), 'items_pkey');
    // The failed transaction was rolled back: the connection takes statements again.
    assert.equal((await db.query<{ n: number }>('select count(*)::int as n from items where id = $1', ['a']))[0]?.n, 1);
  });

  it('queues a statement sent during a transaction behind its commit', async () => {
    let outside: Promise<{ amount: number }[]> | undefined;
    await db.transaction(async (tx) => {
      await tx.query('insert into items (id, amount, tags, at) values ($1, 1, $2, now())', ['queued', []]);
      outside = db.query<{ amount: number }>('select amount from items where id = $1', ['queued']);
      // Still inside the transaction: the statement sent outside it cannot have run yet.
      await tx.query('update items set amount = 2 where id = $1', ['queued']);
    });
    assert.deepEqual(await outside, [{ amount: 2 }]);
  });

  it('runs concurrent transactions one after the other', async () => {
    await db.query('insert into items (id, amount, tags, at) values ($1, 0, $2, now())', ['counter', []]);
    const increment = () =>
      db.transaction(async (tx) => {
        const [row] = await tx.query<{ amount: number }>('select amount from items where id = $1', ['counter']);
        await tx.query('update items set amount = $2 where id = $1', ['counter', (row?.amount ?? 0) + 1]);
      });
    await Promise.all(Array.from({ length: 20 }, increment));
    assert.deepEqual(await db.query('select amount from items where id = $1', ['counter']), [{ amount: 20 }]);
  });
});
