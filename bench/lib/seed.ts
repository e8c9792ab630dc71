/**
 * Seeds authorized pre-auth orders straight into the tables with generate_series: what
 * src/core/operations/authorize.ts leaves behind for an approved sandbox card on a merchant without
 * webhook URL (order AUTHORIZED at version SEEDED_ORDER_VERSION with its capture deadline and the
 * unpaid-order expiry set at its creation (HOLDFAST_ORDER_TTL's default), no return URL nor customer; payment AUTHORIZED with a sandbox connector reference; the AUTHORIZE
 * journal entry and its two postings; the auto-void job; the authorization's status-sync job was
 * deleted when the answer came). Order number i gets the ids of ID_BASE + i, so pgbench can
 * compute them. The drift check compares a seeded order with one authorized through the API,
 * column by column. The payment's connector and references follow a SeedShape: the sandbox's by
 * default; a gateway account's, and its upstream's, for the capture through an upstream
 * (lib/upstream-capture.ts). The storage step (lib/storage.ts) seeds captured orders instead:
 * what the bench's partial capture leaves behind (seedCapturedOrders).
 */
import type { Queryable } from '../../src/store/db.js';

/** Seeded row ids are decimal text of these bases plus the order number (or the capture number, for what a capture creates). */
export const ID_BASE = {
  order: 1_000_000_000_000_000_000n,
  payment: 2_000_000_000_000_000_000n,
  capture: 4_000_000_000_000_000_000n,
  reversal: 5_000_000_000_000_000_000n,
  captureGateway: 8_000_000_000_000_000_000n,
  reversalGateway: 9_000_000_000_000_000_000n,
} as const;

/**
 * The order's version after an authorization through the API: created at 0, then the payment's
 * intent and its answer each move it on by one (src/store/order-writes.ts). The bench's statement
 * list is rendered from an order with this version, so its guards match the seeded rows.
 */
export const SEEDED_ORDER_VERSION = 2;

export const ORDER_AMOUNT = 10_000;
/** Partial captures take this much; the remainder is reversed. */
export const CAPTURE_AMOUNT = 6_000;

export const orderId = (i: number): string => String(ID_BASE.order + BigInt(i));
export const paymentId = (i: number): string => String(ID_BASE.payment + BigInt(i));
export const txnUuid = (i: number): string => `eul${String(i).padStart(17, '0')}`;

/**
 * What varies between orders authorized through different connectors, as SQL over the order
 * number `i`: the connector, its reference, the merchant's references of the order and of the
 * payment, `gateway_details` (where an upstream authorized it), and the order's `details` and
 * `return_url` (an order an upstream gateway holds for Holdfast names Holdfast's return page).
 */
export interface SeedShape {
  /** 'sandbox', or a gateway account's id (`gwa_…`): the connector the capture is sent through. */
  connector: string;
  connectorReference: string;
  orderReference: string;
  paymentReference: string;
  gatewayDetails: string;
  orderDetails: string;
  returnUrl: string;
}

/** A payment the sandbox connector authorized: what the bench's capture measurements run on. */
export const SANDBOX_SEED: SeedShape = {
  connector: 'sandbox',
  connectorReference: `'sbx.ok.' || substr(md5('r' || i), 1, 10)`,
  orderReference: `'bench-order-' || i`,
  paymentReference: `'bench-pay-' || i`,
  gatewayDetails: 'null',
  orderDetails: `'{}'`,
  returnUrl: 'null',
};

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * How the seeded rows' ids are spelled, as SQL over the order number `i`. The bench's captures
 * need numeric ids (pgbench computes them); the storage step spells them as Holdfast does, since
 * an id's length is paid in every row and index that names it.
 */
export interface SeedIds {
  order: string;
  payment: string;
  capture: string;
  reversal: string;
  captureGateway: string;
  reversalGateway: string;
}

export const NUMERIC_IDS: SeedIds = {
  order: `(${ID_BASE.order}::bigint + i)::text`,
  payment: `(${ID_BASE.payment}::bigint + i)::text`,
  capture: `(${ID_BASE.capture}::bigint + i)::text`,
  reversal: `(${ID_BASE.reversal}::bigint + i)::text`,
  captureGateway: `(${ID_BASE.captureGateway}::bigint + i)::text`,
  reversalGateway: `(${ID_BASE.reversalGateway}::bigint + i)::text`,
};

/**
 * Ids of the lengths and orders Holdfast gives them: a Pine Labs order id
 * `v1-<yyMMddHHmmss>-aa-<6>` (25 characters, rising with time), its payment `<order id>-cc-<3>`
 * (32; src/api/pinelabs/ids.ts), a capture `cap_<20 random>` and the release of its remainder
 * `rev_<the same 20>` (src/domain/ids.ts), the sandbox's references `<prefix>_<last 14 of the
 * operation id>` (src/connectors/sandbox.ts). Digits of `i` stand in for an order's random
 * characters, md5 of it for a capture's, so each id stays unique and the indexes on them fill as
 * random inserts fill them.
 */
const realOrderId = `'v1-' || lpad((i / 1000000)::text, 12, '0') || '-aa-' || lpad((i % 1000000)::text, 6, '0')`;
const captureSuffix = `substr(md5('cap' || i), 1, 20)`;
export const REAL_SHAPED_IDS: SeedIds = {
  order: realOrderId,
  payment: `${realOrderId} || '-cc-' || lpad((i % 1000)::text, 3, '0')`,
  capture: `'cap_' || ${captureSuffix}`,
  reversal: `'rev_' || ${captureSuffix}`,
  captureGateway: `'cap_' || substr(${captureSuffix}, 7)`,
  reversalGateway: `'rev_' || substr(${captureSuffix}, 7)`,
};

/**
 * The ledger of a seeded order: the authorization's entry, and for a captured order the partial
 * capture's and the release of its remainder, as the bench's capture writes them
 * (bench/capture-statements.ts): each entry with its two postings.
 */
const AUTHORIZE_POSTINGS = [
  ['AUTHORIZE', 'customer', -ORDER_AMOUNT],
  ['AUTHORIZE', 'held', ORDER_AMOUNT],
] as const;
const CAPTURE_POSTINGS = [
  ['CAPTURE', 'held', -CAPTURE_AMOUNT],
  ['CAPTURE', 'merchant', CAPTURE_AMOUNT],
  ['REVERSE', 'held', -(ORDER_AMOUNT - CAPTURE_AMOUNT)],
  ['REVERSE', 'customer', ORDER_AMOUNT - CAPTURE_AMOUNT],
] as const;

/** The statements, each over generate_series($2, $3) for merchant $1. */
const seedSql = (shape: SeedShape, ids: SeedIds, captured: boolean) => {
  const postings = captured ? [...AUTHORIZE_POSTINGS, ...CAPTURE_POSTINGS] : AUTHORIZE_POSTINGS;
  const kinds = [...new Set(postings.map(([kind]) => kind))];
  // Each captured order gets its own instants, as orders made one after another do (an index on a
  // timestamp shared by a whole batch would shrink to almost nothing by deduplication).
  const now = captured ? `(now() - ($3::bigint - i) * interval '1 millisecond')` : 'now()';
  const referenceOf = (kind: string) => (kind === 'AUTHORIZE' ? ids.payment : kind === 'CAPTURE' ? ids.capture : ids.reversal);
  const statements = [
    `insert into orders (id, merchant_id, dialect, merchant_order_reference, request_fingerprint, amount, currency,
     pre_auth, state, version, details, return_url, customer, capture_deadline, expires_at, created_at, updated_at)
   select ${ids.order}, $1, 'pinelabs', ${shape.orderReference}, md5('o' || i) || md5('of' || i), ${ORDER_AMOUNT}, 'INR',
     true, ${captured ? `'PARTIALLY_CAPTURED', ${SEEDED_ORDER_VERSION + 2}` : `'AUTHORIZED', ${SEEDED_ORDER_VERSION}`}, ${shape.orderDetails}, ${shape.returnUrl}, null, ${now} + interval '7 days',
     ${now} + interval '24 hours', ${now} - interval '1 minute', ${now}
   from generate_series($2::bigint, $3::bigint) as i`,
    `insert into payments (id, order_id, merchant_payment_reference, request_fingerprint, amount, currency, method, status,
     card_bin, card_last4, card_network, card_expiry_month, card_expiry_year, card_holder_name, card_fingerprint,
     connector, connector_reference, challenge_id, error_code, error_message, approval_code, rrn, acquirer_reference, created_at, updated_at, txn_uuid,
     gateway_details, gateway_latency_ms)
   select ${ids.payment}, ${ids.order}, ${shape.paymentReference}, md5('p' || i) || md5('pf' || i),
     ${ORDER_AMOUNT}, 'INR', 'CARD', ${captured ? `'CAPTURED'` : `'AUTHORIZED'`},
     '411111', '1111', 'VISA', '12', '2035', 'Bench Holder', md5('c' || i) || md5('cf' || i),
     ${literal(shape.connector)}, ${shape.connectorReference}, null, null, null,
     (100000 + i % 900000)::text, lpad((i % 1000000000000)::text, 12, '0'), upper(substr(md5('a' || i), 1, 16)),
     ${now} - interval '1 minute', ${now}, 'eul' || lpad(i::text, 17, '0'), ${shape.gatewayDetails}, 0
   from generate_series($2::bigint, $3::bigint) as i
   where $1::text is not null`,
    `with entry as (
     insert into journal_entries (merchant_id, order_id, kind, reference_id, currency, created_at)
     select $1, ${ids.order}, e.kind, case e.kind ${kinds.map((k) => `when '${k}' then ${referenceOf(k)}`).join(' ')} end, 'INR', ${now}
     from generate_series($2::bigint, $3::bigint) as i, unnest(array[${kinds.map((k) => `'${k}'`).join(', ')}]) with ordinality as e(kind, n)
     order by i, e.n
     returning id, kind)
   insert into postings (entry_id, account, amount)
   select entry.id, p.account, p.amount from entry
   join (values ${postings.map(([kind, account, amount]) => `('${kind}', '${account}', ${amount})`).join(', ')}) as p(kind, account, amount)
     using (kind)`,
  ];
  if (!captured)
    return [
      ...statements,
      `insert into jobs (kind, job_key, payload, run_at, max_attempts, created_at, updated_at)
   select 'order.auto_void', 'auto-void:' || ${ids.order},
     jsonb_build_object('merchantId', $1::text, 'orderId', ${ids.order}), now() + interval '7 days', 20, now(), now()
   from generate_series($2::bigint, $3::bigint) as i`,
    ];
  // The capture's status-sync job and the order's auto-void job were deleted by the capture's answer.
  return [
    ...statements,
    `insert into captures (id, order_id, payment_id, merchant_capture_reference, request_fingerprint, amount, currency, status,
     error_code, error_message, gateway_reference, gateway_latency_ms, created_at, updated_at)
   select ${ids.capture}, ${ids.order}, ${ids.payment}, 'bench-capture-' || i, md5('k' || i) || md5('kf' || i), ${CAPTURE_AMOUNT}, 'INR', 'SUCCEEDED',
     null, null, ${ids.captureGateway}, 0, ${now}, ${now}
   from generate_series($2::bigint, $3::bigint) as i
   where $1::text is not null`,
    `insert into reversals (id, order_id, payment_id, kind, amount, currency, status, error_code, error_message, gateway_reference,
     gateway_latency_ms, created_at, updated_at)
   select ${ids.reversal}, ${ids.order}, ${ids.payment}, 'REMAINDER', ${ORDER_AMOUNT - CAPTURE_AMOUNT}, 'INR', 'SUCCEEDED',
     null, null, ${ids.reversalGateway}, 0, ${now}, ${now}
   from generate_series($2::bigint, $3::bigint) as i
   where $1::text is not null`,
  ];
};

/** Seeds orders number `from`..`to` (inclusive) in batches; `progress` is told after each batch. */
export async function seedAuthorizedOrders(
  db: Queryable,
  merchantId: string,
  from: number,
  to: number,
  progress?: (done: number) => void,
  batch = 100_000,
  shape: SeedShape = SANDBOX_SEED,
): Promise<void> {
  await seedBatches(db, seedSql(shape, NUMERIC_IDS, false), merchantId, from, to, progress, batch);
}

/**
 * Seeds orders number `from`..`to` as the bench's partial capture leaves them (the storage step,
 * lib/storage.ts): PARTIALLY_CAPTURED with the capture and the release of its remainder, the
 * payment CAPTURED, the three journal entries and their six postings, no job left; ids of real lengths.
 */
export async function seedCapturedOrders(
  db: Queryable,
  merchantId: string,
  from: number,
  to: number,
  progress?: (done: number) => void,
  batch = 100_000,
): Promise<void> {
  await seedBatches(db, seedSql(SANDBOX_SEED, REAL_SHAPED_IDS, true), merchantId, from, to, progress, batch);
}

async function seedBatches(
  db: Queryable,
  statements: string[],
  merchantId: string,
  from: number,
  to: number,
  progress: ((done: number) => void) | undefined,
  batch: number,
): Promise<void> {
  for (let start = from; start <= to; start += batch) {
    const end = Math.min(to, start + batch - 1);
    for (const sql of statements) await db.query(sql, [merchantId, start, end]);
    progress?.(end - from + 1);
  }
}
