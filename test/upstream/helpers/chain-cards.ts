/**
 * A front Holdfast whose merchant routes every payment to one upstream Holdfast, driven as a
 * merchant drives it (the front's Pine Labs or Juspay dialect), and read on both sides: the front
 * order through the front's dialect, the upstream order through the upstream's own API with the
 * upstream merchant's credentials, the core states and ledgers from each database, and the front
 * merchant's webhooks at its own endpoint.
 */
import assert from 'node:assert/strict';
import type { MerchantCredentials } from '../../../src/core/merchants.js';
import { orderLedger, type OrderLedger } from '../../helpers/ledger-check.js';
import { PineLabsClient, uniqueRef } from '../../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { linkUpstream, routeTo, startUpstream, type Upstream, type UpstreamKind } from '../../helpers/upstream-chain.js';
import { JuspayHttp, newOrderId } from '../../juspay/helpers/juspay-http.js';
import { WebhookReceiver } from '../../webhooks/receiver.js';

/** What both dialects can tell of an order, in words of neither. */
export type Standing =
  'created' | 'pending' | 'authorized' | 'captured' | 'partially_refunded' | 'refunded' | 'voided' | 'declined' | 'capture_failed';

/** An order as a dialect shows it: where it stands and the amounts it names (minor units). */
export interface OrderView {
  standing: Standing;
  amount: number;
  /** What the order shows refunded (successful refunds only). */
  refunded: number;
  /** The code of the current payment's decline or of its failed capture; null when none is shown. */
  errorCode: string | null;
  /** Where the dialect says the authorization went (Pine Labs `acquirer_name`, Juspay `txn_detail.gateway`). */
  gateway: string | null;
}

const PINE_LABS_STANDING: Readonly<Record<string, Standing>> = {
  CREATED: 'created',
  PENDING: 'pending',
  AUTHORIZED: 'authorized',
  PROCESSED: 'captured',
  PARTIALLY_REFUNDED: 'partially_refunded',
  FULLY_REFUNDED: 'refunded',
  CANCELLED: 'voided',
  ATTEMPTED: 'declined',
};

/** A Pine Labs order (docs/statuses.md "Order status"). */
export function pineLabsView(order: any): OrderView {
  const payment = order.payments?.at(-1);
  const status: string = order.status;
  // FAILED is either the order's last decline or its refused capture; only the latter lists captures.
  const standing =
    PINE_LABS_STANDING[status] ?? (status === 'FAILED' ? (payment?.capture_data?.length ? 'capture_failed' : 'declined') : undefined);
  assert.ok(standing, `a Pine Labs order status this test knows: ${status}`);
  const refunds: { status: string; order_amount: { value: number } }[] = order.refunds ?? [];
  return {
    standing,
    amount: order.order_amount.value,
    refunded: refunds.filter((r) => r.status === 'PROCESSED').reduce((sum, r) => sum + r.order_amount.value, 0),
    errorCode: payment?.error_detail?.code ?? null,
    gateway: payment?.acquirer_data?.acquirer_name ?? null,
  };
}

const JUSPAY_STANDING: Readonly<Record<string, Standing>> = {
  NEW: 'created',
  PENDING_VBV: 'pending',
  AUTHORIZING: 'pending',
  AUTHORIZED: 'authorized',
  // Juspay names operations under way or refused (a Pine Labs order keeps reading AUTHORIZED).
  CAPTURE_INITIATED: 'authorized',
  VOID_INITIATED: 'authorized',
  VOID_FAILED: 'authorized',
  CHARGED: 'captured',
  PARTIAL_CHARGED: 'captured',
  VOIDED: 'voided',
  AUTHORIZATION_FAILED: 'declined',
  AUTHENTICATION_FAILED: 'declined',
  CAPTURE_FAILED: 'capture_failed',
};

const minor = (rupees: number) => Math.round(rupees * 100);

/** A Juspay order (docs/statuses.md: refunds leave its status CHARGED; `amount_refunded` and `refunded` tell them). */
export function juspayView(order: any): OrderView {
  let standing = JUSPAY_STANDING[order.status as string];
  assert.ok(standing, `a Juspay order status this test knows: ${order.status}`);
  if (standing === 'captured' && order.refunded === true) standing = 'refunded';
  else if (standing === 'captured' && order.amount_refunded > 0) standing = 'partially_refunded';
  return {
    standing,
    amount: minor(order.amount),
    refunded: minor(order.amount_refunded),
    errorCode: order.bank_error_code || null,
    gateway: order.txn_detail?.gateway ?? null,
  };
}

/** The front order a test drives: its core id, and what its dialect calls it. */
export interface FrontOrder {
  /** The front's order id (the ledger's). */
  id: string;
  /** Pine Labs: the order id; Juspay: the merchant's order_id. */
  key: string;
  /** Juspay: the transaction that captures and voids name. */
  txnUuid?: string;
}

/** The front merchant's session in one dialect: every call answered 200, as each of these card steps is. */
export interface FrontClient {
  readonly dialect: 'pinelabs' | 'juspay';
  /** A pre-auth order of `amount` paid with `card`; `challengeUrl` when the answer asks for 3-D Secure. */
  pay(amount: number, card: string): Promise<{ order: FrontOrder; challengeUrl: string | undefined }>;
  capture(order: FrontOrder, amount: number): Promise<void>;
  void(order: FrontOrder): Promise<void>;
  refund(order: FrontOrder, amount: number): Promise<void>;
  /** The order as the dialect answers it (Pine Labs: its `data`). */
  read(order: FrontOrder): Promise<any>;
  view(order: FrontOrder): Promise<OrderView>;
}

const ok = (reply: { status: number; body: unknown }, what: string) => {
  assert.equal(reply.status, 200, `${what}: ${JSON.stringify(reply.body)}`);
};

export class PineLabsFront implements FrontClient {
  readonly dialect = 'pinelabs';
  constructor(readonly client: PineLabsClient) {}

  async pay(amount: number, card: string) {
    const created = await this.client.createOrder(amount);
    ok(created, 'create order');
    const id: string = created.body.data.order_id;
    const paid = await this.client.pay(id, amount, card);
    ok(paid, 'pay');
    return { order: { id, key: id }, challengeUrl: paid.body.data.challenge_url as string | undefined };
  }

  async capture(order: FrontOrder, amount: number) {
    const reply = await this.client.capture(order.key, {
      merchant_capture_reference: uniqueRef('cap'),
      capture_amount: { value: amount, currency: 'INR' },
    });
    ok(reply, 'capture');
  }

  async void(order: FrontOrder) {
    ok(await this.client.cancel(order.key), 'cancel');
  }

  async refund(order: FrontOrder, amount: number) {
    ok(await this.client.refund(order.key, amount), 'refund');
  }

  async read(order: FrontOrder) {
    const reply = await this.client.getOrder(order.key);
    ok(reply, 'read order');
    return reply.body.data;
  }

  async view(order: FrontOrder) {
    return pineLabsView(await this.read(order));
  }
}

const rupees = (amount: number) => (amount / 100).toFixed(2);

export class JuspayFront implements FrontClient {
  readonly dialect = 'juspay';
  constructor(readonly http: JuspayHttp) {}

  async pay(amount: number, card: string) {
    const key = newOrderId('f');
    const created = await this.http.createOrder(key, rupees(amount));
    ok(created, 'create order');
    const txn = await this.http.txn(key, card);
    ok(txn, 'txn');
    return {
      order: { id: created.body.id as string, key, txnUuid: txn.body.txn_uuid as string },
      // Every transaction's answer names a page to send the browser to; only PENDING_VBV's is a challenge.
      challengeUrl: txn.body.status === 'PENDING_VBV' ? (txn.body.payment.authentication.url as string) : undefined,
    };
  }

  async capture(order: FrontOrder, amount: number) {
    ok(await this.http.capture(this.txn(order), { amount: rupees(amount), idempotence_key: newOrderId('c') }), 'capture');
  }

  async void(order: FrontOrder) {
    ok(await this.http.void(this.txn(order)), 'void');
  }

  async refund(order: FrontOrder, amount: number) {
    ok(await this.http.refund(order.key, { unique_request_id: newOrderId('r'), amount: rupees(amount) }), 'refund');
  }

  async read(order: FrontOrder) {
    const reply = await this.http.status(order.key);
    ok(reply, 'order status');
    return reply.body;
  }

  async view(order: FrontOrder) {
    return juspayView(await this.read(order));
  }

  private txn(order: FrontOrder): string {
    assert.ok(order.txnUuid, 'a Juspay order paid through the front has a transaction');
    return order.txnUuid;
  }
}

/** Core notification types (docs/statuses.md "Webhook events") and the webhooks each dialect sends for them. */
export type CoreEvent =
  | 'payment.started'
  | 'payment.authorized'
  | 'payment.declined'
  | 'capture.succeeded'
  | 'capture.failed'
  | 'void.succeeded'
  | 'void.failed'
  | 'refund.succeeded'
  | 'refund.failed';

const WEBHOOKS: Record<'pinelabs' | 'juspay', Record<CoreEvent, string[]>> = {
  pinelabs: {
    'payment.started': [],
    'payment.authorized': ['ORDER_AUTHORIZED'],
    'payment.declined': ['PAYMENT_FAILED'],
    'capture.succeeded': ['ORDER_PROCESSED'],
    'capture.failed': ['PAYMENT_FAILED'],
    'void.succeeded': ['ORDER_CANCELLED'],
    'void.failed': [],
    'refund.succeeded': ['REFUND_PROCESSED'],
    'refund.failed': ['REFUND_FAILED'],
  },
  juspay: {
    'payment.started': ['TXN_CREATED'],
    'payment.authorized': ['ORDER_AUTHORIZED'],
    'payment.declined': ['ORDER_FAILED'],
    // A full capture (this file's partial captures say ORDER_PARTIAL_CHARGED themselves).
    'capture.succeeded': ['ORDER_SUCCEEDED'],
    'capture.failed': ['ORDER_CAPTURE_FAILED'],
    'void.succeeded': ['ORDER_VOIDED'],
    'void.failed': ['ORDER_VOID_FAILED'],
    'refund.succeeded': ['ORDER_REFUNDED'],
    'refund.failed': ['ORDER_REFUND_FAILED'],
  },
};

/** The webhooks `events` raise in `dialect`, sorted (see FrontWebhooks.newFor). */
export const webhooksFor = (dialect: 'pinelabs' | 'juspay', events: readonly CoreEvent[]): string[] =>
  events.flatMap((event) => WEBHOOKS[dialect][event]).sort();

/** The front order's id and the webhook's name, from a delivered body of either dialect. */
function webhookOf(body: string): { orderId: string; name: string } {
  const parsed = JSON.parse(body);
  if (typeof parsed.event_type === 'string') {
    // A refund event carries the refund order, which names its parent.
    return { orderId: parsed.data.parent_order_id ?? parsed.data.order_id, name: parsed.event_type };
  }
  return { orderId: parsed.content.order.id, name: parsed.event_name };
}

export interface Chain {
  kind: UpstreamKind;
  front: TestServer;
  upstream: Upstream;
  merchant: MerchantCredentials;
  /** The front merchant's gateway account at the upstream (`gwa_…`) and its name. */
  accountId: string;
  accountName: string;
  client: FrontClient;
  receiver: WebhookReceiver;
  close(): Promise<void>;
}

/**
 * The front dialect each upstream kind is driven through: the other one, so the front translates
 * each upstream's answers into the dialect that upstream does not speak, and both front dialects run.
 */
export const FRONT_DIALECT: Record<UpstreamKind, 'pinelabs' | 'juspay'> = { 'pinelabs-online': 'juspay', juspay: 'pinelabs' };

/** A front Holdfast, one upstream of `kind`, the front merchant routed to it, and the front merchant's webhook endpoint. */
export async function startChain(kind: UpstreamKind): Promise<Chain> {
  const [front, upstream] = await Promise.all([startTestServer(), startUpstream(kind)]);
  // The endpoint listens first (its URL is the merchant's); it checks signatures once the secret exists.
  const trusted: { secret?: string } = {};
  const receiver = new WebhookReceiver({ now: () => front.clock.now(), secretFor: () => trusted.secret });
  await receiver.start();
  const merchant = await front.newMerchant('Front merchant', { webhookUrl: `${receiver.url}/hooks` });
  trusted.secret = merchant.webhook_secret;
  const accountName = `${kind}-account`;
  const accountId = await linkUpstream(front, merchant.merchant_id, upstream, accountName);
  await routeTo(front, merchant.merchant_id, [accountId]);
  const client: FrontClient =
    FRONT_DIALECT[kind] === 'pinelabs'
      ? new PineLabsFront(await PineLabsClient.login(front.baseUrl, merchant))
      : new JuspayFront(new JuspayHttp(front.baseUrl, merchant.api_key));
  return {
    kind,
    front,
    upstream,
    merchant,
    accountId,
    accountName,
    client,
    receiver,
    async close() {
      await receiver.stop();
      await Promise.all([front.close(), upstream.server.close()]);
    },
  };
}

/** The front order's latest payment attempt: where it went and under what upstream reference. */
export async function frontPayment(chain: Chain, orderId: string) {
  const rows = await chain.front.db.query<{
    id: string;
    status: string;
    connector: string;
    connector_reference: string | null;
    challenge_redirect_url: string | null;
    gateway_details: { gateway?: string } | string | null;
  }>(
    'select id, status, connector, connector_reference, challenge_redirect_url, gateway_details from payments where order_id = $1 order by seq',
    [orderId],
  );
  const payment = rows.at(-1);
  assert.ok(payment, `the front order ${orderId} has a payment`);
  const details = typeof payment.gateway_details === 'string' ? JSON.parse(payment.gateway_details) : payment.gateway_details;
  return { ...payment, gateway_details: details as { gateway?: string } | null };
}

/** The upstream order behind a front order, read through the upstream's own API as its merchant. */
export async function upstreamOrder(chain: Chain, frontOrderId: string): Promise<{ id: string; view: OrderView; body: any }> {
  const payment = await frontPayment(chain, frontOrderId);
  assert.equal(payment.connector, chain.accountId, 'the payment went to the routed gateway account');
  const reference = payment.connector_reference;
  assert.ok(reference, 'the front payment names its upstream order');
  const { server, merchant } = chain.upstream;
  if (chain.kind === 'pinelabs-online') {
    const client = await PineLabsClient.login(server.baseUrl, merchant);
    const reply = await client.getOrder(reference);
    ok(reply, 'upstream order');
    return { id: reply.body.data.order_id, view: pineLabsView(reply.body.data), body: reply.body.data };
  }
  const reply = await new JuspayHttp(server.baseUrl, merchant.api_key).status(reference);
  ok(reply, 'upstream order status');
  return { id: reply.body.id, view: juspayView(reply.body), body: reply.body };
}

export const coreState = async (server: TestServer, orderId: string): Promise<string | undefined> =>
  (await server.db.query<{ state: string }>('select state from orders where id = $1', [orderId]))[0]?.state;

/** What a step leaves on both sides. */
export interface Expected {
  /** The core state of the front order and of the upstream order. */
  state: string;
  standing: Standing;
  /** The error both dialects show (null: none); left out, it is not compared. */
  errorCode?: string | null;
  /** Money moved: authorized, captured, reversed, refunded (held and merchant follow). */
  ledger: { authorized: number; captured: number; reversed: number; refunded: number };
}

const comparable = ({ standing, amount, refunded, errorCode }: OrderView) => ({ standing, amount, refunded, errorCode });

/**
 * The front order and its upstream order agree, and are what the step expects: the same standing,
 * amounts and error in both dialects, the same core state, and the same ledger in both databases.
 */
export async function assertAgree(chain: Chain, order: FrontOrder, expected: Expected, amount: number): Promise<void> {
  const front = await chain.client.view(order);
  const upstream = await upstreamOrder(chain, order.id);
  const want = { standing: expected.standing, amount, refunded: expected.ledger.refunded };
  // The error each dialect keeps showing after the order moved on differs (Juspay keeps a failed
  // capture's bank_error_code after a void; Pine Labs drops it): compared only where the step names one.
  const shown = (view: OrderView) => {
    const { errorCode, ...rest } = comparable(view);
    return expected.errorCode === undefined ? rest : { ...rest, errorCode };
  };
  const wanted = expected.errorCode === undefined ? want : { ...want, errorCode: expected.errorCode };
  assert.deepEqual(shown(front), wanted, `front order ${order.id} (${chain.client.dialect})`);
  assert.deepEqual(shown(upstream.view), wanted, `upstream order ${upstream.id} (${chain.kind})`);
  assert.deepEqual(
    [await coreState(chain.front, order.id), await coreState(chain.upstream.server, upstream.id)],
    [expected.state, expected.state],
    'core state: front, upstream',
  );
  const { authorized, captured, reversed, refunded } = expected.ledger;
  const ledger: OrderLedger = {
    authorized,
    captured,
    reversed,
    refunded,
    held: authorized - captured - reversed,
    merchant: captured - refunded,
  };
  assert.deepEqual(await orderLedger(chain.front.db, order.id), ledger, 'front ledger');
  assert.deepEqual(await orderLedger(chain.upstream.server.db, upstream.id), ledger, 'upstream ledger');
}

/**
 * Lets both sides' background jobs run with nothing overdue: the upstream's first (its webhooks to
 * the front, its own status sync), then the front's (its status sync, its merchant's webhooks).
 */
export async function runBothJobs(chain: Chain): Promise<void> {
  await chain.upstream.server.runJobs();
  await chain.front.runJobs();
}

/**
 * Past the first status inquiry on both sides: the upstream's after HOLDFAST_SYNC_DELAY (10 s), the
 * front's for an upstream after twice HOLDFAST_UPSTREAM_TIMEOUT (2 × 30 s). Both clocks move
 * together, so each side checks the other's signed webhooks against the same time.
 */
export const SYNC_STEP_MS = 61_000;

/** Advances both clocks and runs both sides' jobs until both orders are in `state`; fails after a few rounds. */
export async function syncUntil(chain: Chain, order: FrontOrder, state: string): Promise<number> {
  for (let round = 0; round <= 4; round++) {
    const upstream = await upstreamOrder(chain, order.id);
    const states = [await coreState(chain.front, order.id), await coreState(chain.upstream.server, upstream.id)];
    if (states.every((s) => s === state)) return round;
    chain.upstream.server.clock.advance(SYNC_STEP_MS);
    chain.front.clock.advance(SYNC_STEP_MS);
    await runBothJobs(chain);
  }
  assert.fail(`front and upstream never both reached ${state}`);
}

/** Webhooks of the front merchant, per order, read once each. */
export class FrontWebhooks {
  private readonly seen = new Map<string, number>();
  constructor(private readonly receiver: WebhookReceiver) {}

  /**
   * The webhook names received for `orderId` since the last call (each webhook id once), sorted:
   * deliveries due together are sent by separate jobs, in no promised order.
   */
  newFor(orderId: string): string[] {
    const all = [...this.receiver.processed.values()].map((r) => webhookOf(r.body)).filter((w) => w.orderId === orderId);
    const from = this.seen.get(orderId) ?? 0;
    this.seen.set(orderId, all.length);
    return all
      .slice(from)
      .map((w) => w.name)
      .sort();
  }

  /** No delivery was refused for its signature. */
  assertAllVerified(): void {
    assert.deepEqual(
      this.receiver.requests.filter((r) => r.outcome === 'rejected').map((r) => r.signatureError),
      [],
      'every webhook verified with the front merchant secret',
    );
  }
}
