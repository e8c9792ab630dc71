/**
 * A capture through an upstream (docs/gateways.md): the same full captures sent to one front
 * Holdfast, on orders of two of its merchants: one whose payments the sandbox connector authorized
 * (direct), and one whose payments a `pinelabs-online` gateway account authorized at an upstream
 * Holdfast (through the upstream). A capture of the second kind costs the front's own work plus one
 * call to the upstream: a token from the front's cache, a fresh HTTP connection
 * (src/connectors/upstream-http.ts), and the upstream's own full capture.
 *
 * Full captures, not the partial ones of the headline: a partial capture through a Pine Labs
 * upstream also reads the upstream order to confirm the remainder's release (a second call), which
 * would measure two upstream calls per capture instead of one.
 *
 * Both kinds are seeded straight into the tables (lib/seed.ts): the front's payments name the
 * account as their connector and the upstream's order id as its reference, and the upstream holds,
 * for each, an order its sandbox authorized whose merchant references are the front's payment id
 * (as src/connectors/pinelabs-online/connector.ts creates them). Before the measurement, one order
 * is authorized through the account by the API and its rows, at both ends, are compared with a
 * seeded one's (checkChainSeed). After the run, the orders each server shows captured are counted:
 * every answer counted must be a capture done at both ends.
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CLI_ACTOR } from '../../src/core/admin/audit.js';
import type { CoreContext } from '../../src/core/context.js';
import { addGatewayAccount } from '../../src/core/gateway-accounts.js';
import { setRoutingRules } from '../../src/core/routing/routing-rules.js';
import { systemClock } from '../../src/domain/clock.js';
import { listRoutingAccounts } from '../../src/store/routing-accounts-repository.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { upstreamReturnPath } from '../../src/connectors/upstream.js';
import type { Queryable } from '../../src/store/db.js';
import { defined } from './checks.js';
import { startCpuMeter, treeCpuMs } from './cpu.js';
import { closedLoop, type LoadResult, type RequestSpec } from './load.js';
import { OrderRange } from './orders.js';
import { ID_BASE, ORDER_AMOUNT, SANDBOX_SEED, orderId, paymentId, seedAuthorizedOrders, type SeedShape } from './seed.js';

/** The account's name at the front; its payments' `gateway_details` name it as the connector does. */
const ACCOUNT_NAME = 'bench-upstream';

/** CPU milliseconds per capture, by party, during one measurement. */
export interface UpstreamCpu {
  /** The front Holdfast's processes. */
  front: number;
  /** The upstream Holdfast's processes (idle but for its job runner during the direct captures). */
  upstream: number;
  /** PostgreSQL working for the two databases, with the server's shared writers. */
  postgres: number;
  load_generator: number;
  other: number;
  busy_cores: number;
}

export interface UpstreamSide {
  /** Captures answered 2xx per second, the median round. */
  rps: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  /** Answers other than 2xx in all rounds. */
  failed: number;
  rps_by_round: (number | null)[];
  /** The median round's. */
  cpu_ms_per_capture: UpstreamCpu;
}

export interface UpstreamCaptureFigures {
  date: string;
  /**
   * Through the upstream over direct, throughput: the median of the rounds' ratios. Each round
   * measures the two sides one right after the other, so its ratio compares two programs at one
   * moment of a shared machine whose speed drifts from one minute to the next.
   */
  capture_ratio: number | null;
  capture_ratio_by_round: (number | null)[];
  direct: UpstreamSide;
  through_upstream: UpstreamSide;
  rounds: number;
  /** Each side sends exactly this many captures per round, at `connections`. */
  captures_per_round: number;
  warmup_captures: number;
  connections: number;
  front_workers: number;
  upstream_workers: number;
  /** Full captures of the whole order. */
  capture_amount: number;
  /** How an order authorized through the account by the API differs from a seeded one (empty: it does not). */
  seed_problems: string[];
  /** Orders shown CAPTURED after the run, and how many captures were answered 2xx (warm-up included). */
  captured: {
    direct: number;
    direct_answered: number;
    through_upstream_at_front: number;
    through_upstream_at_upstream: number;
    through_upstream_answered: number;
    /**
     * Request-ID records at the upstream: the connector sends a Request-ID with every call, so the
     * upstream also looks it up and keeps its answer (src/core/request-replay.ts), which a direct
     * capture without one does not.
     */
    request_keys_at_upstream: number;
  };
  /** The machine's cores, which both Holdfasts, PostgreSQL and the load generator share. */
  cores: number;
  /** 1, 5 and 15-minute load averages: other work on the shared machine. */
  loadavg_at_start: number[];
  loadavg_at_end: number[];
  run_seconds: number;
}

/** Adds the front merchant's `pinelabs-online` account at the upstream, logging in as `upstream`'s merchant; returns its id. */
export async function linkUpstreamAccount(
  front: Pick<CoreContext, 'db' | 'clock' | 'keys'>,
  frontMerchantId: string,
  upstreamBaseUrl: string,
  upstream: MerchantCredentials,
): Promise<string> {
  const added = await addGatewayAccount(
    front,
    frontMerchantId,
    {
      name: ACCOUNT_NAME,
      kind: 'pinelabs-online',
      baseUrl: upstreamBaseUrl,
      credentials: {
        clientId: upstream.client_id,
        clientSecret: upstream.client_secret,
        redirectKey: upstream.pinelabs_redirect_secret,
        webhookSecret: upstream.webhook_secret,
      },
    },
    { actor: CLI_ACTOR },
  );
  if (!('account' in added)) throw new Error(`bench: the gateway account was refused: ${added.message}`);
  return added.account.id;
}

/**
 * The shapes of one order authorized through the account: at the front, the payment names the
 * account and the upstream's order id (the same number at the upstream); at the upstream, the order
 * and its payment carry the front's payment id as their merchant references, and the order the
 * front's return page for that payment (at `frontUrl`) as its callback.
 */
export function chainSeedShapes(accountId: string, frontUrl: string): { front: SeedShape; upstream: SeedShape } {
  const upstreamOrderId = `(${ID_BASE.order}::bigint + i)::text`;
  const frontPaymentId = `(${ID_BASE.payment}::bigint + i)::text`;
  const callback = `'${frontUrl}${upstreamReturnPath(accountId, '')}' || ${frontPaymentId}`;
  return {
    front: {
      ...SANDBOX_SEED,
      connector: accountId,
      connectorReference: upstreamOrderId,
      // What the connector's approved outcome carries when the upstream names no acquirer (src/connectors/pinelabs-online/mapping.ts).
      gatewayDetails: `jsonb_build_object('gateway', 'pinelabs-online:${ACCOUNT_NAME}', 'responseCode', 'AUTHORIZED', 'responseMessage', null)`,
    },
    upstream: {
      ...SANDBOX_SEED,
      orderReference: frontPaymentId,
      paymentReference: frontPaymentId,
      orderDetails: `jsonb_build_object('callback_url', ${callback}, 'allowed_payment_methods', jsonb_build_array('CARD'))`,
      returnUrl: callback,
    },
  };
}

/** Which seeded orders each side uses: the warm-up's, then one range per round (each with some to spare). */
export interface OrderPlan {
  warmup: OrderRange;
  rounds: OrderRange[];
  first: number;
  last: number;
}

/** Orders from `first` on: `warmup`, then `rounds` × (`perRound` + `spare`). */
export function planOrders(first: number, warmup: number, rounds: number, perRound: number, spare: number): OrderPlan {
  let next = first;
  const take = (n: number) => {
    const range = new OrderRange(next, n);
    next += n;
    return range;
  };
  const warm = take(warmup + spare);
  const byRound = Array.from({ length: rounds }, () => take(perRound + spare));
  return { warmup: warm, rounds: byRound, first, last: next - 1 };
}

/** Seeds the direct merchant's orders and, at both ends, the orders authorized through the account. */
export async function seedUpstreamCaptureOrders(options: {
  front: Queryable;
  upstream: Queryable;
  directMerchantId: string;
  chainedMerchantId: string;
  upstreamMerchantId: string;
  accountId: string;
  frontUrl: string;
  direct: OrderPlan;
  chained: OrderPlan;
}): Promise<void> {
  const { front, upstream, direct, chained } = options;
  const shapes = chainSeedShapes(options.accountId, options.frontUrl);
  await seedAuthorizedOrders(front, options.directMerchantId, direct.first, direct.last);
  await seedAuthorizedOrders(front, options.chainedMerchantId, chained.first, chained.last, undefined, undefined, shapes.front);
  await seedAuthorizedOrders(upstream, options.upstreamMerchantId, chained.first, chained.last, undefined, undefined, shapes.upstream);
  const tables = 'orders, payments, journal_entries, postings, jobs, captures, reversals';
  await front.query(`vacuum (analyze) ${tables}`);
  await upstream.query(`vacuum (analyze) ${tables}`);
}

/** Full Pine Labs captures of the range's orders, as the merchant holding `bearer`. */
export function fullCaptures(range: OrderRange, bearer: string): () => RequestSpec | undefined {
  const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' };
  return () => {
    const i = range.next();
    if (i === undefined) return undefined;
    return {
      method: 'PUT',
      path: `/api/pay/v1/orders/${orderId(i)}/capture`,
      headers,
      body: JSON.stringify({ merchant_capture_reference: `ucap-${i}`, capture_amount: { value: ORDER_AMOUNT, currency: 'INR' } }),
    };
  };
}

/** Routes the front merchant's new authorizations to the account, as its only gateway. */
export async function routeToAccount(front: Queryable, merchantId: string, accountId: string): Promise<void> {
  const result = await setRoutingRules(
    { db: front, clock: systemClock, loadAccounts: (id) => listRoutingAccounts(front, id) },
    merchantId,
    { rules: [], default: [accountId] },
  );
  if (!result.ok) throw new Error(`bench: routing rules refused: ${JSON.stringify(result)}`);
}

async function api(baseUrl: string, method: 'POST', path: string, bearer: string, body: unknown) {
  const reply = await fetch(baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const parsed = (await reply.json()) as { data?: { order_id?: string; status?: string } };
  if (!reply.ok) throw new Error(`bench: ${method} ${path}: ${reply.status} ${JSON.stringify(parsed)}`);
  return parsed.data ?? {};
}

type Row = Record<string, unknown>;

/** Columns whose values differ from order to order (ids, references, fingerprints, instants, the card's holder). */
const VARYING = new Set([
  'id',
  'order_id',
  'merchant_id',
  'merchant_order_reference',
  'merchant_payment_reference',
  'request_fingerprint',
  'card_fingerprint',
  'card_holder_name',
  'connector_reference',
  'approval_code',
  'rrn',
  'acquirer_reference',
  'txn_uuid',
  'seq',
  'capture_deadline',
  'expires_at',
  'created_at',
  'updated_at',
]);

/**
 * Every column must be null in both or in neither, and equal unless it varies from order to order;
 * `ids` (the real row's, the seeded row's) are masked in the values compared, where a row names them.
 */
function compareRows(what: string, real: Row | undefined, seeded: Row | undefined, ids: [string, string] = ['', '']): string[] {
  if (!real || !seeded) return [`${what}: row missing (real: ${!!real}, seeded: ${!!seeded})`];
  const problems: string[] = [];
  const text = (value: unknown, id: string) => {
    const json = JSON.stringify(value ?? null);
    return id ? json.split(id).join('<id>') : json;
  };
  for (const key of new Set([...Object.keys(real), ...Object.keys(seeded)])) {
    const [a, b] = [text(real[key], ids[0]), text(seeded[key], ids[1])];
    if ((a === 'null') !== (b === 'null') || (!VARYING.has(key) && a !== b)) problems.push(`${what}.${key}: real ${a}, seeded ${b}`);
  }
  return problems;
}

/**
 * Authorizes one order at the front through the API (routed to the account, so the upstream
 * authorizes it), then compares its rows at both ends with those of seeded order `seeded`: the
 * front's order and payment, and the upstream's order and payment, which must carry the front's
 * payment id as their merchant references and the upstream order's id as the front's reference.
 */
export async function checkChainSeed(options: {
  front: Queryable;
  upstream: Queryable;
  frontUrl: string;
  bearer: string;
  seeded: number;
}): Promise<string[]> {
  const { front, upstream } = options;
  const created = await api(options.frontUrl, 'POST', '/api/pay/v1/orders', options.bearer, {
    merchant_order_reference: 'bench-chain-check',
    order_amount: { value: ORDER_AMOUNT, currency: 'INR' },
    pre_auth: true,
  });
  const realOrder = String(created.order_id);
  const paid = await api(options.frontUrl, 'POST', `/api/pay/v1/orders/${realOrder}/payments`, options.bearer, {
    payments: [
      {
        merchant_payment_reference: 'bench-chain-check-pay',
        payment_method: 'CARD',
        payment_amount: { value: ORDER_AMOUNT, currency: 'INR' },
        payment_option: {
          card_details: { name: 'Bench Holder', card_number: '4111111111111111', cvv: '123', expiry_month: '12', expiry_year: '2035' },
        },
      },
    ],
  });
  if (paid.status !== 'AUTHORIZED') return [`the order authorized through the account is ${String(paid.status)}`];
  const one = async (db: Queryable, sql: string, param: string) => (await db.query<Row>(sql, [param]))[0];
  const frontOrder = (id: string) => one(front, 'select * from orders where id = $1', id);
  const frontPayment = (id: string) => one(front, 'select * from payments where order_id = $1', id);
  const upstreamOrder = (id: string) => one(upstream, 'select * from orders where id = $1', id);
  const upstreamPayment = (id: string) => one(upstream, 'select * from payments where order_id = $1', id);
  const real = { order: await frontOrder(realOrder), payment: await frontPayment(realOrder) };
  const seeded = { order: await frontOrder(orderId(options.seeded)), payment: await frontPayment(orderId(options.seeded)) };
  const problems = [...compareRows('front order', real.order, seeded.order), ...compareRows('front payment', real.payment, seeded.payment)];
  const realUpstream = String(real.payment?.connector_reference);
  const seededUpstream = String(seeded.payment?.connector_reference);
  const up = {
    real: { order: await upstreamOrder(realUpstream), payment: await upstreamPayment(realUpstream) },
    seeded: { order: await upstreamOrder(seededUpstream), payment: await upstreamPayment(seededUpstream) },
  };
  // The upstream's rows name the front's payment (references, the callback URL).
  const frontPayments: [string, string] = [String(real.payment?.id), paymentId(options.seeded)];
  problems.push(
    ...compareRows('upstream order', up.real.order, up.seeded.order, frontPayments),
    ...compareRows('upstream payment', up.real.payment, up.seeded.payment, frontPayments),
  );
  const references = (what: string, frontPaymentId: unknown, u: { order?: Row; payment?: Row }) => {
    for (const [row, column] of [
      [u.order, 'merchant_order_reference'],
      [u.payment, 'merchant_payment_reference'],
    ] as const)
      if (row && row[column] !== frontPaymentId)
        problems.push(`${what}: the upstream's ${column} is ${String(row[column])}, not ${String(frontPaymentId)}`);
  };
  references('real', real.payment?.id, up.real);
  references('seeded', paymentId(options.seeded), up.seeded);
  return problems;
}

export async function requestKeys(db: Queryable, merchantId: string): Promise<number> {
  const [row] = await db.query<{ n: string }>(`select count(*) as n from request_keys where merchant_id = $1`, [merchantId]);
  return Number(defined(row, 'a count').n);
}

export async function capturedOrders(db: Queryable, merchantId: string): Promise<number> {
  const [row] = await db.query<{ n: string }>(`select count(*) as n from orders where merchant_id = $1 and state = 'CAPTURED'`, [
    merchantId,
  ]);
  return Number(defined(row, 'a count').n);
}

interface Measured {
  run: LoadResult;
  cpu: UpstreamCpu;
}

const round = (n: number, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);

/**
 * The two sides in alternating rounds (which goes first alternates too), each round after a
 * checkpoint; each side's figures are its median round's.
 */
export async function measureUpstreamCaptures(options: {
  frontUrl: string;
  frontPid: number;
  upstreamPid: number;
  databases: string[];
  direct: { plan: OrderPlan; bearer: string };
  chained: { plan: OrderPlan; bearer: string };
  connections: number;
  capturesPerRound: number;
  warmupCaptures: number;
  checkpoint: () => Promise<void>;
  log: (line: string) => void;
}): Promise<{ direct: Measured[]; chained: Measured[]; warmup: { direct: LoadResult; chained: LoadResult } }> {
  const { frontUrl, connections, log } = options;
  const send = (range: OrderRange, bearer: string, requests: number) =>
    // The duration is only a bound: the run ends after `requests` answers.
    closedLoop(frontUrl, { connections, durationS: 600, requests, next: fullCaptures(range, bearer) });
  const warmup = {
    direct: await send(options.direct.plan.warmup, options.direct.bearer, options.warmupCaptures),
    chained: await send(options.chained.plan.warmup, options.chained.bearer, options.warmupCaptures),
  };
  for (const [what, r] of Object.entries(warmup))
    if (r.failed > 0) log(`  ! warm-up ${what}: ${r.failed} failed; first: ${r.failureSample ?? '?'}`);

  const measure = async (range: OrderRange, bearer: string): Promise<Measured> => {
    await options.checkpoint();
    const upstreamCpu = () => treeCpuMs(options.upstreamPid);
    const u0 = upstreamCpu();
    const meter = startCpuMeter(options.databases, () => treeCpuMs(options.frontPid) + upstreamCpu());
    const run = await send(range, bearer, options.capturesPerRound);
    const upstreamMs = upstreamCpu() - u0;
    const share = meter.stop(run.ok);
    const upstream = Math.round((upstreamMs / Math.max(1, run.ok)) * 1000) / 1000;
    const { server, ...rest } = share;
    return { run, cpu: { front: Math.round((server - upstream) * 1000) / 1000, upstream, ...rest } };
  };
  const direct: Measured[] = [];
  const chained: Measured[] = [];
  const rounds = options.direct.plan.rounds.length;
  for (let r = 0; r < rounds; r++) {
    const sides = [
      { name: 'direct (sandbox)', into: direct, range: options.direct.plan.rounds[r], bearer: options.direct.bearer },
      { name: 'through the upstream', into: chained, range: options.chained.plan.rounds[r], bearer: options.chained.bearer },
    ];
    if (r % 2 === 1) sides.reverse();
    for (const side of sides) {
      const m = await measure(defined(side.range, `the orders of round ${r + 1}`), side.bearer);
      side.into.push(m);
      log(
        `round ${r + 1}: capture ${side.name}: ${m.run.rps.toFixed(0)}/s, p50 ${m.run.p50Ms.toFixed(2)} ms, p99 ${m.run.p99Ms.toFixed(2)} ms ` +
          `(${m.run.ok} ok, ${m.run.failed} failed, ${m.run.durationS.toFixed(2)} s); CPU ms per capture: front ${m.cpu.front}, ` +
          `upstream ${m.cpu.upstream}, PostgreSQL ${m.cpu.postgres}, load generator ${m.cpu.load_generator}, other ${m.cpu.other} ` +
          `(busy ${m.cpu.busy_cores} cores)`,
      );
      if (m.run.failed > 0) log(`  ! ${m.run.failed} failed; first: ${m.run.failureSample ?? '?'}`);
      if (m.run.exhausted) log('  ! ran out of seeded orders: the plan gives too few to spare');
    }
  }
  return { direct, chained, warmup };
}

/** The figures of measureUpstreamCaptures' rounds and the counts read after them. */
export function upstreamFigures(options: {
  startedAt: number;
  loadavgAtStart: number[];
  measured: Awaited<ReturnType<typeof measureUpstreamCaptures>>;
  captured: { direct: number; atFront: number; atUpstream: number; requestKeysAtUpstream: number };
  seedProblems: string[];
  capturesPerRound: number;
  warmupCaptures: number;
  connections: number;
  frontWorkers: number;
  upstreamWorkers: number;
}): UpstreamCaptureFigures {
  const { measured } = options;
  const median = (runs: Measured[]) =>
    defined([...runs].sort((a, b) => a.run.rps - b.run.rps)[Math.floor(runs.length / 2)], 'the median of no rounds');
  const side = (runs: Measured[]): UpstreamSide => {
    const m = median(runs);
    return {
      rps: round(m.run.rps, 1),
      p50_ms: round(m.run.p50Ms),
      p99_ms: round(m.run.p99Ms),
      failed: runs.reduce((sum, r) => sum + r.run.failed, 0),
      rps_by_round: runs.map((r) => round(r.run.rps, 1)),
      cpu_ms_per_capture: m.cpu,
    };
  };
  const answered = (runs: Measured[], warm: LoadResult) => runs.reduce((sum, r) => sum + r.run.ok, warm.ok);
  const ratios = measured.chained.map((c, i) => c.run.rps / defined(measured.direct[i], `round ${i + 1}`).run.rps);
  return {
    date: new Date().toISOString(),
    capture_ratio: round(defined([...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)], 'the median ratio'), 3),
    capture_ratio_by_round: ratios.map((r) => round(r, 3)),
    direct: side(measured.direct),
    through_upstream: side(measured.chained),
    rounds: measured.direct.length,
    captures_per_round: options.capturesPerRound,
    warmup_captures: options.warmupCaptures,
    connections: options.connections,
    front_workers: options.frontWorkers,
    upstream_workers: options.upstreamWorkers,
    capture_amount: ORDER_AMOUNT,
    seed_problems: options.seedProblems,
    captured: {
      direct: options.captured.direct,
      direct_answered: answered(measured.direct, measured.warmup.direct),
      through_upstream_at_front: options.captured.atFront,
      through_upstream_at_upstream: options.captured.atUpstream,
      through_upstream_answered: answered(measured.chained, measured.warmup.chained),
      request_keys_at_upstream: options.captured.requestKeysAtUpstream,
    },
    cores: availableParallelism(),
    loadavg_at_start: options.loadavgAtStart.map((l) => Math.round(l * 100) / 100),
    loadavg_at_end: loadavg().map((l) => Math.round(l * 100) / 100),
    run_seconds: Math.round((performance.now() - options.startedAt) / 1000),
  };
}
