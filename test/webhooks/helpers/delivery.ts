/**
 * Shared by the test/webhooks/delivery-*.test.ts files: the payment flows of both dialects whose
 * webhook events the delivery tests follow, a receiver that fails a seeded share of requests, and
 * the delivery loop through an outage.
 */
import assert from 'node:assert/strict';
import type { MerchantCredentials } from '../../../src/core/merchants.js';
import { setWebhookEndpoint } from '../../../src/store/webhooks-repository.js';
import { PineLabsClient } from '../../helpers/pinelabs-client.js';
import { onPostgres } from '../../helpers/test-database.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { JuspayHttp } from '../../juspay/helpers/juspay-http.js';
import { WebhookReceiver } from '../receiver.js';
import { juspayFlows, pineLabsFlows } from './flows.js';

export const DB = onPostgres ? 'PostgreSQL' : 'PGlite';

/** Delays between attempts: 16 attempts over ~37 minutes of test-clock time. */
export const SCHEDULE = '1s,2s,5s,10s,20s,30s,1m,1m,2m,2m,5m,5m,5m,5m,10m';
export const MAX_ATTEMPTS = SCHEDULE.split(',').length + 1;
/** The receiver's port is closed for the first 30 s of test-clock time of the delivery loop. */
export const OUTAGE_MS = 30_000;
export const STEP_MS = 5_000;
export const JUSPAY_BASIC = 'hook-user:pa55:word';

export interface Flow {
  dialect: 'pinelabs' | 'juspay';
  name: string;
  merchantId: string;
  /** Holdfast's order id (webhook_events.order_id). */
  orderId: string;
  /** Juspay: the merchant's order_id. */
  merchantOrderId?: string;
  /** The dialect's events, in causal order. */
  expected: string[];
  /** The order status each event's body shows (Pine Labs data.status, Juspay content.order.status). */
  statuses: string[];
}

export interface EventRow {
  id: string;
  merchant_id: string;
  order_id: string;
  dialect: string;
  event_type: string;
  payload: string;
  created_at: Date;
  delivered_at: Date | null;
  gave_up_at: Date | null;
}

export interface AttemptRow {
  id: number;
  event_id: string;
  attempted_at: Date;
  url: string;
  status_code: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error: string | null;
}

export const time = (d: Date | string) => new Date(d).getTime();

/**
 * Sorts one order's events by created_at. Events written in one transaction (or in two
 * transactions within one clock reading) share created_at; such ties are put in the expected
 * order, and only ties are forgiven (delivery-ordering.test.ts checks that the API lists such
 * ties oldest first, as they happened).
 */
export function causalTypes(events: EventRow[], expected: string[]): string[] {
  const rank = (type: string) => expected.lastIndexOf(type);
  return [...events]
    .sort((a, b) => time(a.created_at) - time(b.created_at) || rank(a.event_type) - rank(b.event_type))
    .map((e) => e.event_type);
}

/**
 * A server whose webhooks retry on SCHEDULE, a receiver failing 30% of requests (seeded), and the
 * flows of both dialects for four merchants: Pine Labs only, Juspay only (with HTTP Basic
 * credentials), both dialects, and one without a webhook URL. Nothing is delivered yet.
 */
export interface Scenario {
  server: TestServer;
  receiver: WebhookReceiver;
  pl: MerchantCredentials;
  jp: MerchantCredentials;
  mixed: MerchantCredentials;
  quiet: MerchantCredentials;
  flows: Flow[];
  /** The flows of the merchants with a webhook URL. */
  hooked(): Flow[];
  allEvents(): Promise<EventRow[]>;
  attempts(): Promise<AttemptRow[]>;
  close(): Promise<void>;
}

export async function startScenario(): Promise<Scenario> {
  const server = await startTestServer({ HOLDFAST_WEBHOOK_RETRY_SCHEDULE: SCHEDULE });
  const secretByPath = new Map<string, string>();
  const receiver = new WebhookReceiver({
    failureRate: 0.3,
    seed: 0x5eed,
    now: () => server.clock.now(),
    secretFor: (path) => secretByPath.get(path),
  });
  await receiver.start();
  const pl = await server.newMerchant('Pine Labs shop', { webhookUrl: `${receiver.url}/pinelabs` });
  const jp = await server.newMerchant('Juspay shop', { webhookUrl: `${receiver.url}/juspay` });
  const mixed = await server.newMerchant('Both dialects', { webhookUrl: `${receiver.url}/mixed` });
  const quiet = await server.newMerchant('No webhooks');
  secretByPath.set('/pinelabs', pl.webhook_secret).set('/juspay', jp.webhook_secret).set('/mixed', mixed.webhook_secret);
  // Juspay merchants choose HTTP Basic credentials for their webhooks.
  assert.ok(
    await setWebhookEndpoint(server.db, jp.merchant_id, `${receiver.url}/juspay`, await server.app.ctx.keys.sealSecret(JUSPAY_BASIC)),
  );

  const flows: Flow[] = [];
  const plClient = await PineLabsClient.login(server.baseUrl, pl);
  const jpClient = new JuspayHttp(server.baseUrl, jp.api_key);
  for (let round = 0; round < 2; round++) {
    await pineLabsFlows(server, flows, plClient, pl.merchant_id);
    await juspayFlows(server, flows, jpClient, jp.merchant_id);
  }
  // One merchant, both dialects: the dialect an order was created in decides its events.
  const mixedPl = await PineLabsClient.login(server.baseUrl, mixed);
  const mixedJp = new JuspayHttp(server.baseUrl, mixed.api_key);
  await pineLabsFlows(server, flows, mixedPl, mixed.merchant_id, ['full capture']);
  await juspayFlows(server, flows, mixedJp, mixed.merchant_id, ['void']);
  // A merchant without a webhook URL.
  await pineLabsFlows(server, flows, await PineLabsClient.login(server.baseUrl, quiet), quiet.merchant_id, [
    'full capture',
    'three declines',
  ]);
  await juspayFlows(server, flows, new JuspayHttp(server.baseUrl, quiet.api_key), quiet.merchant_id, ['refund']);

  return {
    server,
    receiver,
    pl,
    jp,
    mixed,
    quiet,
    flows,
    hooked: () => flows.filter((f) => f.merchantId !== quiet.merchant_id),
    allEvents: () => server.db.query<EventRow>('select * from webhook_events order by created_at, id'),
    attempts: () => server.db.query<AttemptRow>('select * from webhook_attempts order by id'),
    async close() {
      await receiver.stop();
      await server.close();
    },
  };
}

/** How the delivery loop went. */
export interface Delivery {
  /** Test-clock time the loop started at: the receiver is down for OUTAGE_MS from here. */
  loopStart: number;
  rounds: number;
  /** Events still undelivered when the loop stopped (0 unless delivery is broken). */
  undelivered: number;
}

/** Runs the delivery jobs STEP_MS apart on the test clock, the receiver down for the first OUTAGE_MS, until all is delivered. */
export async function deliverThroughOutage(scenario: Scenario): Promise<Delivery> {
  const { server, receiver } = scenario;
  const loopStart = server.clock.now().getTime();
  let rounds = 0;
  let undelivered = Number.POSITIVE_INFINITY;
  for (; rounds < 1000 && undelivered > 0; rounds++) {
    if (server.clock.now().getTime() < loopStart + OUTAGE_MS) await receiver.stop();
    else await receiver.start();
    await server.runJobs();
    undelivered = (await server.db.query<{ n: number }>('select count(*)::int as n from webhook_events where delivered_at is null'))[0]!.n;
    if (undelivered > 0) server.clock.advance(STEP_MS);
  }
  return { loopStart, rounds, undelivered };
}
