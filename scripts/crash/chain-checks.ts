/**
 * What the `--chain` run checks besides the front's own tables (checks.ts): every front order
 * agrees with the order at the upstream that authorized it, and no attempt the front ended still
 * holds money at its upstream — the card was never left authorized twice (docs/failover.md). The
 * upstream orders are read through the upstreams' own APIs with their merchants' credentials, as
 * the front's connectors read them; the upstreams' tables are checked as the front's are.
 */
import type pg from 'pg';
import { juspayOrderId } from '../../src/connectors/juspay/ids.js';
import type { ChainUpstream, UpstreamKind } from './chain.js';
import { ledgerCheck, outstanding } from './checks.js';
import { defined } from './harness.js';

/** A Pine Labs Online order as the upstream answers it: the fields compared. */
interface PineOrder {
  status: string;
  order_amount: { value: number };
  payments: { status: string; capture_data?: { capture_amount: { value: number } }[] }[];
  refunds: { status: string; order_amount: { value: number } }[];
}

/** A Juspay order as the upstream answers it: the fields compared (amounts in major units). */
interface JuspayOrder {
  status: string;
  amount_refunded: number;
  txn_uuid?: string | null;
}

/** What an upstream says of one attempt's order. */
interface UpstreamView {
  found: boolean;
  /** Pine Labs order status (both upstreams are read through it, for the captured amounts). */
  status: string | null;
  captured: number;
  refunded: number;
  /** The Juspay upstream's own status, refunded amount (minor units) and whether it has a transaction. */
  juspay?: { status: string; refunded: number; transaction: boolean };
}

/** Pine Labs order statuses under which an order holds no money: never authorized, failed or released. */
const HOLDS_NOTHING = new Set(['CREATED', 'ATTEMPTED', 'FAILED', 'CANCELLED']);

const holdsMoney = (view: UpstreamView) => view.found && !HOLDS_NOTHING.has(view.status ?? '');

/** The upstream's Pine Labs order status for each settled front order state (docs/statuses.md). */
const PINE_STATUS: Readonly<Record<string, string>> = {
  AUTHORIZED: 'AUTHORIZED',
  VOID_FAILED: 'AUTHORIZED',
  CAPTURED: 'PROCESSED',
  PARTIALLY_CAPTURED: 'PROCESSED',
  CAPTURE_FAILED: 'FAILED',
  VOIDED: 'CANCELLED',
  PARTIALLY_REFUNDED: 'PARTIALLY_REFUNDED',
  FULLY_REFUNDED: 'FULLY_REFUNDED',
};

/** The upstream's Juspay order status for a settled front order: a partial capture stays PARTIAL_CHARGED. */
function juspayStatus(state: string, partial: boolean): string | undefined {
  const charged = partial ? 'PARTIAL_CHARGED' : 'CHARGED';
  return {
    AUTHORIZED: 'AUTHORIZED',
    VOID_FAILED: 'VOID_FAILED',
    CAPTURED: 'CHARGED',
    PARTIALLY_CAPTURED: 'PARTIAL_CHARGED',
    CAPTURE_FAILED: 'CAPTURE_FAILED',
    VOIDED: 'VOIDED',
    PARTIALLY_REFUNDED: charged,
    FULLY_REFUNDED: charged,
  }[state];
}

/** Reads one upstream's orders through its APIs as its merchant. */
export class UpstreamReader {
  private token: string | undefined;

  constructor(readonly upstream: ChainUpstream) {}

  /** The upstream order of the front's attempt `paymentId`, found by `reference` or else by our id. */
  async view(paymentId: string, reference: string | null): Promise<UpstreamView> {
    const { kind } = this.upstream;
    const pine =
      kind === 'pinelabs-online'
        ? await this.pine(reference ? `/api/pay/v1/orders/${reference}` : `/api/pay/v1/orders/reference/${paymentId}`)
        : await this.pine(`/api/pay/v1/orders/reference/${reference ?? juspayOrderId(paymentId)}`);
    const juspay = kind === 'juspay' ? await this.juspay(reference ?? juspayOrderId(paymentId)) : undefined;
    if (!pine) return { found: false, status: null, captured: 0, refunded: 0 };
    const captured = ['PROCESSED', 'PARTIALLY_REFUNDED', 'FULLY_REFUNDED'].includes(pine.status)
      ? pine.payments.flatMap((p) => p.capture_data ?? []).reduce((sum, c) => sum + c.capture_amount.value, 0)
      : 0;
    const refunded = pine.refunds.filter((r) => r.status === 'PROCESSED').reduce((sum, r) => sum + r.order_amount.value, 0);
    return {
      found: true,
      status: pine.status,
      captured,
      refunded,
      ...(juspay
        ? { juspay: { status: juspay.status, refunded: Math.round(juspay.amount_refunded * 100), transaction: Boolean(juspay.txn_uuid) } }
        : {}),
    };
  }

  private async pine(path: string): Promise<PineOrder | undefined> {
    this.token ??= await this.login();
    const body = await this.get(path, { authorization: `Bearer ${this.token}` });
    return body === undefined ? undefined : (body as { data: PineOrder }).data;
  }

  private async juspay(orderId: string): Promise<JuspayOrder | undefined> {
    const { merchant } = this.upstream;
    const basic = Buffer.from(`${merchant.api_key}:`).toString('base64');
    return (await this.get(`/orders/${orderId}`, { authorization: `Basic ${basic}`, 'x-merchantid': merchant.merchant_id })) as
      JuspayOrder | undefined;
  }

  private async login(): Promise<string> {
    const { merchant, baseUrl } = this.upstream;
    const response = await fetch(`${baseUrl}/api/auth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: merchant.client_id, client_secret: merchant.client_secret, grant_type: 'client_credentials' }),
    });
    if (response.status !== 200) throw new Error(`upstream ${this.upstream.kind} refused the login: ${response.status}`);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  /** The JSON body of a 200; undefined for a 404 (no such order); anything else is an error. */
  private async get(path: string, headers: Record<string, string>): Promise<unknown> {
    const response = await fetch(this.upstream.baseUrl + path, { headers });
    const text = await response.text();
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new Error(`upstream ${this.upstream.kind} GET ${path}: ${response.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  }
}

interface FrontAttempt {
  payment_id: string;
  order_id: string;
  status: string;
  connector: string;
  connector_reference: string | null;
  failover: boolean;
  current: boolean;
  state: string;
  amount: number;
  captured: number;
  refunded: number;
}

/** A reader for each upstream, by the front's gateway account at it. */
export const upstreamReaders = (upstreams: readonly ChainUpstream[]) => new Map(upstreams.map((u) => [u.accountId, new UpstreamReader(u)]));

/**
 * Front attempts pending on a Juspay upstream order that never got its transaction: the front
 * was killed between creating the order and sending the card. The Juspay connector leaves such an
 * attempt pending until the order closes at the upstream (its order_expiry, 15 minutes: longer
 * than a run) rather than ending it when first asked, as the Pine Labs connector does with an order
 * that has no payment. Nothing can be held for it; the checks count it apart instead of as pending.
 */
export async function awaitingUpstreamExpiry(front: pg.Pool, readers: ReadonlyMap<string, UpstreamReader>): Promise<Set<string>> {
  const pending = await front.query<{ id: string; connector: string; connector_reference: string | null }>(
    "select id, connector, connector_reference from payments where status = 'PENDING'",
  );
  const awaiting = new Set<string>();
  for (const payment of pending.rows) {
    const reader = readers.get(payment.connector);
    if (reader?.upstream.kind !== 'juspay') continue;
    const view = await reader.view(payment.id, payment.connector_reference);
    if (view.juspay?.status === 'NEW' && !view.juspay.transaction) awaiting.add(payment.id);
  }
  return awaiting;
}

/** Every front attempt against its upstream order; counts and problems. `awaiting`: from awaitingUpstreamExpiry. */
export async function checkChain(front: pg.Pool, readers: ReadonlyMap<string, UpstreamReader>, awaiting: ReadonlySet<string>) {
  const problems: string[] = [];
  const attempts = await front.query<FrontAttempt>(`
    select p.id as payment_id, p.order_id, p.status, p.connector, p.connector_reference, p.failover_of is not null as failover,
      p.seq = (select max(q.seq) from payments q where q.order_id = p.order_id) as current,
      o.state, o.amount::int,
      coalesce((select sum(pp.amount) from journal_entries j join postings pp on pp.entry_id = j.id
        where j.order_id = o.id and j.kind = 'CAPTURE' and pp.amount > 0), 0)::int as captured,
      coalesce((select sum(pp.amount) from journal_entries j join postings pp on pp.entry_id = j.id
        where j.order_id = o.id and j.kind = 'REFUND' and pp.amount > 0), 0)::int as refunded
    from payments p join orders o on o.id = p.order_id order by p.seq`);
  const byGateway: Record<UpstreamKind, number> = { 'pinelabs-online': 0, juspay: 0 };
  const holdingByOrder = new Map<string, number>();
  let read = 0;
  let compared = 0;
  let agreeing = 0;
  let ended = 0;
  let endedHolding = 0;
  const queue = [...attempts.rows];
  const work = async () => {
    for (let attempt = queue.shift(); attempt; attempt = queue.shift()) {
      const reader = readers.get(attempt.connector);
      if (!reader) {
        problems.push(`attempt ${attempt.payment_id} went to ${attempt.connector}, not an upstream`);
        continue;
      }
      byGateway[reader.upstream.kind] += 1;
      const view = await reader.view(attempt.payment_id, attempt.connector_reference);
      read += 1;
      if (holdsMoney(view)) holdingByOrder.set(attempt.order_id, (holdingByOrder.get(attempt.order_id) ?? 0) + 1);
      if (attempt.status === 'FAILED') {
        ended += 1;
        if (holdsMoney(view)) {
          endedHolding += 1;
          problems.push(
            `ended attempt ${attempt.payment_id} of ${attempt.order_id} holds money at ${reader.upstream.kind}: ${view.status}`,
          );
        }
        continue;
      }
      if (awaiting.has(attempt.payment_id)) {
        if (holdsMoney(view))
          problems.push(`attempt ${attempt.payment_id} awaiting its upstream order's expiry holds money: ${view.status}`);
        continue;
      }
      if (!attempt.current) {
        problems.push(`attempt ${attempt.payment_id} of ${attempt.order_id} is ${attempt.status} but not the order's last`);
        continue;
      }
      compared += 1;
      const pineStatus = PINE_STATUS[attempt.state];
      const partial = attempt.captured < attempt.amount;
      const juspay = reader.upstream.kind === 'juspay' ? juspayStatus(attempt.state, partial) : undefined;
      const agrees =
        pineStatus !== undefined &&
        view.status === pineStatus &&
        view.captured === attempt.captured &&
        view.refunded === attempt.refunded &&
        (view.juspay === undefined || (view.juspay.status === juspay && view.juspay.refunded === attempt.refunded));
      if (agrees) agreeing += 1;
      else
        problems.push(
          `order ${attempt.order_id} (${attempt.state}, captured ${attempt.captured}, refunded ${attempt.refunded}) disagrees with ` +
            `${reader.upstream.kind}: ${JSON.stringify(view)}`,
        );
    }
  };
  await Promise.all(Array.from({ length: 6 }, work));
  const doubles = [...holdingByOrder.values()].filter((n) => n > 1).length;
  if (doubles > 0) problems.push(`${doubles} orders hold money at two upstreams`);
  return {
    problems,
    summary: {
      attempts: attempts.rows.length,
      attempts_by_gateway: byGateway,
      failovers: attempts.rows.filter((a) => a.failover).length,
      upstream_orders_read: read,
      orders_compared: compared,
      orders_agreeing: agreeing,
      attempts_awaiting_upstream_order_expiry: awaiting.size,
      ended_attempts: ended,
      ended_attempts_holding_money: endedHolding,
      double_authorizations: doubles,
    },
  };
}

/** An upstream's own tables: ledgers balance, nothing pending, no job gave up, every webhook reached the front. */
export async function checkUpstream(db: pg.Pool) {
  const ledger = await ledgerCheck(db);
  const left = await outstanding(db);
  const facts = defined(
    (
      await db.query<{ jobs_failed: number; webhook_events: number; delivered: number }>(`select
        (select count(*) from jobs where failed_at is not null)::int as jobs_failed,
        (select count(*) from webhook_events)::int as webhook_events,
        (select count(*) from webhook_events where delivered_at is not null)::int as delivered`)
    ).rows[0],
    'the upstream counts',
  );
  const problems = [...ledger.problems];
  if (left > 0) problems.push(`${left} operations or webhooks still outstanding at an upstream`);
  if (facts.jobs_failed > 0) problems.push(`${facts.jobs_failed} jobs gave up at an upstream`);
  // Why the front did not take an upstream's webhook: its last answer to each one left undelivered.
  const undelivered = await db.query<{ event_type: string; status_code: number | null; error: string | null; excerpt: string | null }>(`
    select e.event_type, a.status_code, a.error, left(a.response_excerpt, 160) as excerpt
    from webhook_events e left join lateral (
      select * from webhook_attempts w where w.event_id = e.id order by w.id desc limit 1) a on true
    where e.delivered_at is null limit 3`);
  for (const u of undelivered.rows) problems.push(`upstream webhook ${u.event_type} undelivered, last answer: ${JSON.stringify(u)}`);
  return {
    problems,
    summary: {
      orders: ledger.orders,
      orders_balanced: ledger.balanced,
      outstanding_after_sync: left,
      jobs_failed: facts.jobs_failed,
      webhook_events: facts.webhook_events,
      webhook_events_delivered: facts.delivered,
    },
  };
}
