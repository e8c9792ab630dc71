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
 * (lib/upstream-capture.ts).
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

/** The statements, each over generate_series($2, $3) for merchant $1. */
const seedSql = (shape: SeedShape) => [
  `insert into orders (id, merchant_id, dialect, merchant_order_reference, request_fingerprint, amount, currency,
     pre_auth, state, version, details, return_url, customer, capture_deadline, expires_at, created_at, updated_at)
   select (${ID_BASE.order}::bigint + i)::text, $1, 'pinelabs', ${shape.orderReference}, md5('o' || i) || md5('of' || i), ${ORDER_AMOUNT}, 'INR',
     true, 'AUTHORIZED', ${SEEDED_ORDER_VERSION}, ${shape.orderDetails}, ${shape.returnUrl}, null, now() + interval '7 days',
     now() + interval '24 hours', now() - interval '1 minute', now()
   from generate_series($2::bigint, $3::bigint) as i`,
  `insert into payments (id, order_id, merchant_payment_reference, request_fingerprint, amount, currency, method, status,
     card_bin, card_last4, card_network, card_expiry_month, card_expiry_year, card_holder_name, card_fingerprint,
     connector, connector_reference, challenge_id, error_code, error_message, approval_code, rrn, acquirer_reference, created_at, updated_at, txn_uuid,
     gateway_details)
   select (${ID_BASE.payment}::bigint + i)::text, (${ID_BASE.order}::bigint + i)::text, ${shape.paymentReference}, md5('p' || i) || md5('pf' || i),
     ${ORDER_AMOUNT}, 'INR', 'CARD', 'AUTHORIZED',
     '411111', '1111', 'VISA', '12', '2035', 'Bench Holder', md5('c' || i) || md5('cf' || i),
     ${literal(shape.connector)}, ${shape.connectorReference}, null, null, null,
     (100000 + i % 900000)::text, lpad((i % 1000000000000)::text, 12, '0'), upper(substr(md5('a' || i), 1, 16)),
     now() - interval '1 minute', now(), 'eul' || lpad(i::text, 17, '0'), ${shape.gatewayDetails}
   from generate_series($2::bigint, $3::bigint) as i
   where $1::text is not null`,
  `with entry as (
     insert into journal_entries (merchant_id, order_id, kind, reference_id, currency, created_at)
     select $1, (${ID_BASE.order}::bigint + i)::text, 'AUTHORIZE', (${ID_BASE.payment}::bigint + i)::text, 'INR', now()
     from generate_series($2::bigint, $3::bigint) as i
     returning id)
   insert into postings (entry_id, account, amount)
   select id, 'customer', -${ORDER_AMOUNT} from entry union all select id, 'held', ${ORDER_AMOUNT} from entry`,
  `insert into jobs (kind, job_key, payload, run_at, max_attempts, created_at, updated_at)
   select 'order.auto_void', 'auto-void:' || (${ID_BASE.order}::bigint + i)::text,
     jsonb_build_object('merchantId', $1::text, 'orderId', (${ID_BASE.order}::bigint + i)::text), now() + interval '7 days', 20, now(), now()
   from generate_series($2::bigint, $3::bigint) as i`,
];

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
  const statements = seedSql(shape);
  for (let start = from; start <= to; start += batch) {
    const end = Math.min(to, start + batch - 1);
    for (const sql of statements) await db.query(sql, [merchantId, start, end]);
    progress?.(end - from + 1);
  }
}
