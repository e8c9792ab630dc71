/**
 * GuardedWrite: several writes made all-or-nothing in one statement, guarded by a row still being
 * in the expected state. The capture path relies on exactly these properties in place of a locked
 * transaction, so they are checked on the real database (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL, where concurrent guards really race on separate connections).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { violatedUniqueConstraint, type Db } from '../../src/store/db.js';
import { GuardedWrite } from '../../src/store/guarded-write.js';
import { openTestDatabase } from '../helpers/test-database.js';

describe('GuardedWrite', () => {
  let db: Db;
  before(async () => {
    db = await openTestDatabase();
    await db.query('create table items (id text primary key, state text not null)');
    await db.query('create table effects (id text primary key, item_id text not null)');
  });
  after(() => db.close());
  beforeEach(async () => {
    await db.query('delete from effects');
    await db.query('delete from items');
    await db.query(`insert into items (id, state) values ('a', 'OPEN')`);
  });

  /** OPEN → CLOSED on item `a`, recording effect `effectId`, as one guarded statement. */
  function closeItem(effectId: string, from = 'OPEN'): GuardedWrite {
    const w = new GuardedWrite();
    const id = w.param('a', 'text');
    const fromState = w.param(from, 'text');
    w.guard((extra) => `update items set state = 'CLOSED' where id = ${id} and state = ${fromState}${extra()} returning id`);
    w.write(`insert into effects (id, item_id) select ${w.param(effectId, 'text')}, id from guard`);
    return w;
  }

  const state = async () => (await db.query<{ state: string }>(`select state from items where id = 'a'`))[0]?.state;
  const effects = async () => (await db.query<{ id: string }>('select id from effects order by id')).map((r) => r.id);

  it('makes every write when the guard matches', async () => {
    assert.equal(await closeItem('e1').run(db), true);
    assert.equal(await state(), 'CLOSED');
    assert.deepEqual(await effects(), ['e1']);
  });

  it('makes no write when the row is no longer in the expected state', async () => {
    assert.equal(await closeItem('e1', 'PENDING').run(db), false);
    assert.equal(await state(), 'OPEN');
    assert.deepEqual(await effects(), []);
  });

  it('makes no write when a condition added with alsoRequire fails', async () => {
    const w = closeItem('e1');
    w.alsoRequire(`${w.param(1, 'int')} = 2`);
    assert.equal(await w.run(db), false);
    assert.equal(await state(), 'OPEN');
    assert.deepEqual(await effects(), []);
  });

  it('undoes the guard when one of its writes fails (one statement is atomic)', async () => {
    await db.query(`insert into effects (id, item_id) values ('taken', 'b')`);
    await assert.rejects(closeItem('taken').run(db), (error) => violatedUniqueConstraint(error) === 'effects_pkey');
    assert.equal(await state(), 'OPEN');
    assert.deepEqual(await effects(), ['taken']);
  });

  it('lets exactly one of many concurrent guards match', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => closeItem(`e${String(i).padStart(2, '0')}`).run(db)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await state(), 'CLOSED');
    assert.equal((await effects()).length, 1);
  });

  it('renders the same text for the same shape of write (one prepared statement)', () => {
    assert.equal(closeItem('x').toQuery().sql, closeItem('y').toQuery().sql);
    assert.deepEqual(closeItem('x').toQuery().params, ['a', 'OPEN', 'x']);
  });
});
