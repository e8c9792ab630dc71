/**
 * What a crash-safety run checks once Holdfast has settled, read straight from the tables: every
 * acknowledged operation is stored, nothing was applied twice, every order's ledger balances,
 * nothing is left pending, no job gave up, and every state change's webhook reached the receiver.
 */
import type pg from 'pg';
import { defined, sleep } from './harness.js';
import type { Ack } from './load.js';

/** Operations and webhooks not final yet: what the settling waits on. */
export async function outstanding(db: pg.Pool): Promise<number> {
  const rows = await db.query<{ n: string }>(`select
    (select count(*) from orders where state in ('PENDING', 'CAPTURE_PENDING', 'VOID_PENDING'))
  + (select count(*) from captures where status not in ('SUCCEEDED', 'FAILED'))
  + (select count(*) from reversals where status not in ('SUCCEEDED', 'FAILED'))
  + (select count(*) from refunds where status not in ('SUCCEEDED', 'FAILED'))
  + (select count(*) from webhook_events where delivered_at is null) as n`);
  return Number(defined(rows.rows[0], 'the outstanding count').n);
}

/**
 * Waits until nothing is outstanding in any of the databases but what `excused` counts (things
 * known to take longer than a run, and checked otherwise), or `ms` have passed.
 */
export async function settle(dbs: readonly pg.Pool[], ms: number, excused: () => Promise<number> = async () => 0): Promise<void> {
  const deadline = Date.now() + ms;
  const left = async () => (await Promise.all(dbs.map(outstanding))).reduce((sum, n) => sum + n, 0) - (await excused());
  while ((await left()) > 0 && Date.now() < deadline) await sleep(500);
}

/**
 * A journal entry `j` that is not a late authorization: an AUTHORIZE of an attempt Holdfast had
 * already ended (FAILED), which tells the merchant nothing and is voided at once (docs/failover.md).
 */
const NOT_LATE = `not (j.kind = 'AUTHORIZE' and exists (select 1 from payments lp where lp.id = j.reference_id and lp.status = 'FAILED'))`;

/** Late authorizations, and those of them with no succeeded void (LATE_VOID) of their attempt. */
async function lateAuthorizations(db: pg.Pool): Promise<{ count: number; unreleased: number }> {
  const rows = await db.query<{ count: number; unreleased: number }>(`
    select count(*)::int as count,
      count(*) filter (where not exists (
        select 1 from reversals r where r.payment_id = p.id and r.kind = 'LATE_VOID' and r.status = 'SUCCEEDED'))::int as unreleased
    from journal_entries j join payments p on p.id = j.reference_id
    where j.kind = 'AUTHORIZE' and p.status = 'FAILED'`);
  return defined(rows.rows[0], 'the late authorization count');
}

/**
 * Every journal entry sums to zero, and every order's ledger adds up: what was authorized is
 * captured, released or still held, and no more is refunded than was captured.
 */
export async function ledgerCheck(db: pg.Pool): Promise<{ problems: string[]; orders: number; balanced: number }> {
  const problems: string[] = [];
  const unbalanced = await db.query('select entry_id from postings group by entry_id having sum(amount) <> 0');
  if (unbalanced.rowCount) problems.push(`${unbalanced.rowCount} journal entries do not sum to zero`);
  const ledgers = await db.query<{ id: string; authorized: number; captured: number; reversed: number; refunded: number; held: number }>(`
    select o.id,
      coalesce(sum(p.amount) filter (where j.kind = 'AUTHORIZE' and p.amount > 0), 0)::int as authorized,
      coalesce(sum(p.amount) filter (where j.kind = 'CAPTURE' and p.amount > 0), 0)::int as captured,
      coalesce(sum(p.amount) filter (where j.kind = 'REVERSE' and p.amount > 0), 0)::int as reversed,
      coalesce(sum(p.amount) filter (where j.kind = 'REFUND' and p.amount > 0), 0)::int as refunded,
      coalesce(sum(p.amount) filter (where p.account = 'held'), 0)::int as held
    from orders o left join journal_entries j on j.order_id = o.id left join postings p on p.entry_id = j.id group by o.id`);
  let balanced = 0;
  for (const l of ledgers.rows) {
    if (l.captured + l.reversed + l.held !== l.authorized || l.refunded > l.captured || l.held < 0)
      problems.push(`order ${l.id} ledger broken: ${JSON.stringify(l)}`);
    else balanced += 1;
  }
  return { problems, orders: ledgers.rows.length, balanced };
}

/** `excused`: how many outstanding orders the caller knows of and checks itself (the chain run's). */
export async function checkOutcome(db: pg.Pool, acks: readonly Ack[], received: ReadonlyMap<string, number>, excused = 0) {
  const problems: string[] = [];
  for (const ack of acks) {
    const q =
      ack.kind === 'order'
        ? ['select 1 from orders where id = $1', [ack.orderId]]
        : ack.kind === 'payment'
          ? ['select 1 from payments where order_id = $1 and merchant_payment_reference = $2', [ack.orderId, ack.reference]]
          : ack.kind === 'capture'
            ? ['select 1 from captures where order_id = $1 and merchant_capture_reference = $2', [ack.orderId, ack.reference]]
            : ack.kind === 'cancel'
              ? ["select 1 from reversals where order_id = $1 and kind = 'VOID'", [ack.orderId]]
              : ['select 1 from refunds where order_id = $1 and merchant_refund_reference = $2', [ack.orderId, ack.reference]];
    if ((await db.query(q[0] as string, q[1] as unknown[])).rowCount === 0)
      problems.push(`acknowledged ${ack.kind} missing on ${ack.orderId}`);
  }
  // The load makes at most one payment, one capture, one cancel and one refund per order, each under
  // one reference sent again as is: anything more was applied twice. An attempt moved to the next
  // gateway (failover_of) is the same payment, and an authorization recorded for an attempt already
  // ended is a late one, voided at its gateway (docs/failover.md): checked below, not counted here.
  const twice = await db.query<{ id: string; most: number }>(`
    select o.id, greatest(
      (select count(*) from payments p where p.order_id = o.id and p.failover_of is null),
      (select count(*) from captures c where c.order_id = o.id),
      (select count(*) from reversals r where r.order_id = o.id and r.kind = 'VOID'),
      (select count(*) from refunds f where f.order_id = o.id),
      (select count(*) from journal_entries j where j.order_id = o.id and j.kind = 'AUTHORIZE' and ${NOT_LATE}),
      (select count(*) from journal_entries j where j.order_id = o.id and j.kind = 'CAPTURE'),
      (select count(*) from journal_entries j where j.order_id = o.id and j.kind = 'REFUND'))::int as most
    from orders o`);
  const appliedTwice = twice.rows.filter((r) => r.most > 1);
  for (const r of appliedTwice.slice(0, 5)) problems.push(`order ${r.id}: an operation applied ${r.most} times`);
  const late = await lateAuthorizations(db);
  if (late.unreleased > 0) problems.push(`${late.unreleased} late authorizations of ended attempts not voided`);
  const ledger = await ledgerCheck(db);
  problems.push(...ledger.problems);
  const left = await outstanding(db);
  if (left > excused) problems.push(`${left - excused} operations or webhooks still outstanding after settling`);
  const failed = await db.query<{ n: number }>('select count(*)::int as n from jobs where failed_at is not null');
  const failedJobs = defined(failed.rows[0], 'the failed job count').n;
  if (failedJobs > 0) problems.push(`${failedJobs} jobs gave up`);
  const events = await db.query<{ id: string }>('select id from webhook_events');
  const notReceived = events.rows.filter((e) => !received.has(e.id));
  if (notReceived.length) problems.push(`${notReceived.length} webhook events never reached the receiver`);
  const expected = await db.query<{ missing: number }>(`select count(*)::int as missing from (
      select j.order_id, case j.kind when 'AUTHORIZE' then 'ORDER_AUTHORIZED' when 'CAPTURE' then 'ORDER_PROCESSED' when 'REFUND' then 'REFUND_PROCESSED' end as needed
      from journal_entries j where j.kind in ('AUTHORIZE', 'CAPTURE', 'REFUND') and ${NOT_LATE}
      union all
      select r.order_id, 'ORDER_CANCELLED' from reversals r where r.kind in ('VOID', 'AUTO_VOID') and r.status = 'SUCCEEDED'
    ) need where not exists (select 1 from webhook_events e where e.order_id = need.order_id and e.event_type = need.needed)`);
  const missing = defined(expected.rows[0], 'the missing webhook count').missing;
  if (missing > 0) problems.push(`${missing} state changes have no webhook event`);
  const states = await db.query<{ state: string; n: number }>('select state, count(*)::int as n from orders group by state order by state');
  return {
    problems,
    summary: {
      acknowledged: Object.fromEntries(
        ['order', 'payment', 'capture', 'cancel', 'refund'].map((k) => [k, acks.filter((a) => a.kind === k).length]),
      ),
      acknowledged_missing: problems.filter((p) => p.startsWith('acknowledged')).length,
      applied_twice: appliedTwice.length,
      late_authorizations: late.count,
      late_authorizations_not_voided: late.unreleased,
      orders: ledger.orders,
      orders_balanced: ledger.balanced,
      order_states: Object.fromEntries(states.rows.map((r) => [r.state, r.n])),
      outstanding_after_sync: left,
      jobs_failed: failedJobs,
      webhook_events: events.rowCount,
      webhook_events_delivered: events.rows.length - notReceived.length,
      webhook_duplicates_received: [...received.values()].reduce((s, n) => s + n - 1, 0),
    },
  };
}
