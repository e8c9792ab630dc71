import assert from 'node:assert/strict';
import type { Queryable } from '../../src/store/db.js';

export interface OrderLedger {
  authorized: number;
  captured: number;
  reversed: number;
  refunded: number;
  held: number;
  merchant: number;
}

/** An order's ledger, read straight from the tables (independent of the code under test). */
export async function orderLedger(db: Queryable, orderId: string): Promise<OrderLedger> {
  const rows = await db.query<{ kind: string; account: string; amount: number }>(
    `select j.kind, p.account, p.amount from journal_entries j join postings p on p.entry_id = j.id where j.order_id = $1`,
    [orderId],
  );
  const sum = (kind: string) => rows.filter((r) => r.kind === kind && r.amount > 0).reduce((s, r) => s + r.amount, 0);
  const balance = (account: string) => rows.filter((r) => r.account === account).reduce((s, r) => s + r.amount, 0);
  return {
    authorized: sum('AUTHORIZE'),
    captured: sum('CAPTURE'),
    reversed: sum('REVERSE'),
    refunded: sum('REFUND'),
    held: balance('held'),
    merchant: balance('merchant'),
  };
}

/**
 * The ledger invariants, over every order in the database: each journal entry sums to zero;
 * captured + reversed + held = authorized; refunded ≤ captured; nothing is held negative.
 */
export async function assertLedgerInvariants(db: Queryable): Promise<void> {
  const unbalanced = await db.query(`select entry_id, sum(amount) as total from postings group by entry_id having sum(amount) <> 0`);
  assert.deepEqual(unbalanced, [], 'every journal entry sums to zero');
  const orders = await db.query<{ id: string }>('select id from orders');
  for (const { id } of orders) {
    const l = await orderLedger(db, id);
    assert.equal(l.captured + l.reversed + l.held, l.authorized, `order ${id}: captured + reversed + held = authorized`);
    assert.ok(l.refunded <= l.captured, `order ${id}: refunded ${l.refunded} ≤ captured ${l.captured}`);
    assert.ok(l.held >= 0, `order ${id}: held ${l.held} ≥ 0`);
    assert.equal(l.merchant, l.captured - l.refunded, `order ${id}: merchant balance = captured - refunded`);
  }
}

/** A snapshot of everything an operation could change, to assert that a rejected request changed nothing. */
export async function snapshot(db: Queryable, orderId: string): Promise<unknown> {
  const tables = ['orders', 'payments', 'captures', 'reversals', 'refunds', 'journal_entries'];
  const result: Record<string, unknown> = {};
  for (const table of tables) {
    const column = table === 'orders' ? 'id' : 'order_id';
    result[table] = await db.query(`select * from ${table} where ${column} = $1 order by created_at`, [orderId]);
  }
  result.postings = await db.query(
    'select p.* from postings p join journal_entries j on j.id = p.entry_id where j.order_id = $1 order by p.entry_id, p.account',
    [orderId],
  );
  return result;
}
