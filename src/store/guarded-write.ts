import type { Queryable } from './db.js';

/**
 * Several writes made all-or-nothing in ONE statement, without BEGIN and COMMIT round trips: a
 * guard (an UPDATE, or a SELECT … FOR UPDATE, of one row still in the state the caller checked)
 * and writes that each read from the guard, so they happen exactly when it matched.
 *
 * Why this is safe: PostgreSQL runs a single statement atomically (an error anywhere undoes all of
 * it). Two guards on one row serialize on its row lock, and under READ COMMITTED the later one
 * re-checks its condition against the row the earlier one committed, so it matches nothing and
 * none of its writes happen. The writes are data-modifying CTEs: they all see the snapshot taken
 * before the statement, which is why each is written against the guard's output, never against
 * another write's effect (RETURNING output excepted, e.g. a journal entry's id for its postings).
 *
 * Parameters are numbered in the order they are added, so the same shape of write always has the
 * same text and shares one prepared statement.
 */
/** A condition a caller outside store/ can add to a guard without handling SQL: the store renders it. */
export type GuardCondition = (w: GuardedWrite) => string;

export class GuardedWrite {
  private readonly params: unknown[] = [];
  private readonly ctes: string[] = [];
  private readonly conditions: string[] = [];
  private guardBuilder: ((extra: () => string) => string) | undefined;
  private rendered: { sql: string; params: unknown[] } | undefined;

  /** `$n::type` for `value`. Types are explicit: INSERT … SELECT cannot infer them. */
  param(value: unknown, type: string): string {
    // ISO text for instants: cheaper than node-postgres' local-time formatting, and exact.
    this.params.push(value instanceof Date ? value.toISOString() : value);
    return `$${this.params.length}::${type}`;
  }

  /**
   * The guard: `build` returns an UPDATE … RETURNING or a SELECT … FOR UPDATE whose WHERE clause
   * ends where `${extra}` is placed, so conditions added later (see `alsoRequire`) join it.
   */
  guard(build: (extra: () => string) => string): this {
    this.guardBuilder = build;
    return this;
  }

  /** One more condition for the guard to match (e.g. "the merchant has no webhook URL"). */
  alsoRequire(condition: string | GuardCondition): this {
    this.conditions.push(typeof condition === 'string' ? condition : condition(this));
    return this;
  }

  /** A write that happens only when the guard matched; `sql` reads `from guard` (or `exists (select from guard)`). */
  write(sql: string): string {
    const name = `w${this.ctes.length + 1}`;
    this.ctes.push(`${name} as (${sql})`);
    return name;
  }

  /** The statement and its parameters. */
  toQuery(): { sql: string; params: unknown[] } {
    if (this.rendered) return this.rendered;
    if (!this.guardBuilder) throw new Error('GuardedWrite without a guard');
    // Rendered last, so conditions added after guard() are part of it (their parameters come after the writes').
    const guardSql = this.guardBuilder(() => this.conditions.map((c) => ` and ${c}`).join(''));
    const ctes = [`guard as (${guardSql})`, ...this.ctes];
    this.rendered = { sql: `with ${ctes.join(',\n')}\nselect count(*)::int as matched from guard`, params: this.params };
    return this.rendered;
  }

  /** Runs it; true when the guard matched and every write was made. */
  async run(q: Queryable): Promise<boolean> {
    const { sql, params } = this.toQuery();
    const rows = await q.query<{ matched: number }>(sql, params);
    return (rows[0]?.matched ?? 0) > 0;
  }
}
