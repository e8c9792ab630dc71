import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { call, PineLabsClient } from '../helpers/pinelabs-client.js';
import { orderLedger } from '../helpers/ledger-check.js';
import { parseExposition, samplesOf, valueOf, type Sample } from '../helpers/prometheus-text.js';
import { onPostgres } from '../helpers/test-database.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const DB = onPostgres ? 'PostgreSQL' : 'PGlite';

/** A merchant's webhook endpoint that takes everything. */
async function acceptingReceiver(): Promise<{ url: string; received: number; close(): Promise<void> }> {
  const state = { received: 0 };
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      state.received += 1;
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    get received() {
      return state.received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

async function countRows(server: TestServer, sql: string): Promise<number> {
  const rows = await server.db.query<{ n: number }>(sql);
  return Number(rows[0]?.n);
}

/** The requests of the flow itself: not the OpenAPI document the test's client reads to validate the answers. */
function flowRequests<T extends { labels: Record<string, string | undefined> }>(samples: T[]): T[] {
  return samples.filter((s) => !(s.labels.route ?? '').startsWith('/openapi/'));
}

describe(`Prometheus metrics after a known flow (${DB})`, () => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof acceptingReceiver>>;
  let metricsUrl: string;
  let orderId: string;
  /** A second order, only authorized: its money stays held. */
  let heldOrderId: string;
  const scrape = async (): Promise<Sample[]> => {
    const response = await fetch(metricsUrl);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parseExposition(await response.text());
  };
  const http = (samples: Sample[], method: string, route: string, status: number) =>
    valueOf(samples, 'holdfast_http_requests_total', { method, route, status: String(status) });
  const gateway = (samples: Sample[], kind: string, outcome: string) =>
    valueOf(samples, 'holdfast_gateway_operations_total', { connector: 'sandbox', kind, outcome });

  before(async () => {
    receiver = await acceptingReceiver();
    server = await startTestServer({ HOLDFAST_METRICS_PORT: '0' });
    metricsUrl = await server.app.metrics.listen('127.0.0.1', 0);
    const merchant = await server.newMerchant('Metrics', { webhookUrl: receiver.url });
    const client = await PineLabsClient.login(server.baseUrl, merchant);
    const order = await client.createOrder(10000);
    assert.equal(order.status, 200);
    orderId = order.body.data.order_id;
    assert.equal((await client.pay(orderId, 10000)).status, 200);
    const captured = await client.capture(orderId, {
      merchant_capture_reference: 'metrics-capture',
      capture_amount: { value: 6000, currency: 'INR' },
    });
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    const refunded = await client.refund(orderId, 2000);
    assert.equal(refunded.status, 200, JSON.stringify(refunded.body));
    heldOrderId = await client.authorizedOrder(5000);
    const refused = await call(server.baseUrl, 'GET', `/api/pay/v1/orders/${orderId}`, { token: 'not-a-token' });
    assert.equal(refused.status, 401);
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  it('counts each request by route pattern, method and status, never by raw URL; the latency histogram counts the same', async () => {
    const samples = await scrape();
    const expected: [string, string, number, number?][] = [
      ['POST', '/api/auth/v1/token', 200],
      ['POST', '/api/pay/v1/orders', 200, 2],
      ['POST', '/api/pay/v1/orders/:order_id/payments', 200, 2],
      ['PUT', '/api/pay/v1/orders/:order_id/capture', 200],
      ['POST', '/api/pay/v1/refunds/:order_id', 200],
      ['GET', '/api/pay/v1/orders/:order_id', 401],
    ];
    for (const [method, route, status, count = 1] of expected) {
      assert.equal(http(samples, method, route, status), count, `${method} ${route} ${status}`);
      assert.equal(
        valueOf(samples, 'holdfast_http_request_duration_seconds_count', { method, route, status: String(status) }),
        count,
        `histogram count of ${method} ${route}`,
      );
      const buckets = samplesOf(samples, 'holdfast_http_request_duration_seconds_bucket', {
        method,
        route,
        status: String(status),
        le: '+Inf',
      });
      assert.equal(buckets[0]?.value, count);
    }
    // The test's own client also fetched the Pine Labs OpenAPI document once, to check each answer against it.
    const all = flowRequests(samplesOf(samples, 'holdfast_http_requests_total'));
    assert.equal(all.length, expected.length, `only the flow's requests: ${JSON.stringify(all.map((s) => s.labels))}`);
    assert.ok(
      all.every((s) => !(s.labels.route ?? '').includes(orderId)),
      'no order id in a route label',
    );
  });

  it('counts gateway operations by connector, kind and outcome, with their latency', async () => {
    const samples = await scrape();
    // The partial capture releases the uncaptured remainder at once: a reverse call.
    const expected: [string, string, number][] = [
      ['authorize', 'approved', 2],
      ['capture', 'succeeded', 1],
      ['reverse', 'succeeded', 1],
      ['refund', 'succeeded', 1],
    ];
    for (const [kind, outcome, count] of expected) {
      assert.equal(gateway(samples, kind, outcome), count, `${kind} ${outcome}`);
      assert.equal(valueOf(samples, 'holdfast_gateway_operation_duration_seconds_count', { connector: 'sandbox', kind, outcome }), count);
    }
    assert.equal(samplesOf(samples, 'holdfast_gateway_operations_total').length, expected.length, 'nothing else was called');
  });

  it("reports the ledger's held money, the job queue and the review queue from the database", async () => {
    const samples = await scrape();
    const captured = await orderLedger(server.db, orderId);
    const authorized = await orderLedger(server.db, heldOrderId);
    assert.deepEqual([captured.held, authorized.held], [0, 5000]);
    assert.equal(valueOf(samples, 'holdfast_ledger_held_minor_units', { currency: 'INR' }), captured.held + authorized.held);
    const events = await countRows(server, 'select count(*)::int as n from webhook_events');
    assert.ok(events >= 3, 'the flow raised webhook events');
    assert.equal(valueOf(samples, 'holdfast_jobs_due', { kind: 'webhook.deliver' }), events, 'one due delivery job per event');
    assert.equal(valueOf(samples, 'holdfast_jobs_running', { kind: 'webhook.deliver' }), 0);
    assert.equal(valueOf(samples, 'holdfast_jobs_failed', { kind: 'webhook.deliver' }), 0);
    assert.equal(valueOf(samples, 'holdfast_jobs_oldest_due_age_seconds', { kind: 'webhook.deliver' }), 0, 'due now, on the test clock');
    assert.equal(valueOf(samples, 'holdfast_orders_in_review'), 0);
    assert.equal(valueOf(samples, 'holdfast_metrics_database_up'), 1);
    assert.equal(samplesOf(samples, 'holdfast_webhook_deliveries_total').length, 0, 'nothing delivered before the jobs run');
  });

  it('after the jobs run: the deliveries by outcome with their lag, an empty queue, the held money unchanged', async () => {
    server.clock.advance(90_000);
    await server.runJobs();
    const samples = await scrape();
    const events = await countRows(server, 'select count(*)::int as n from webhook_events where delivered_at is not null');
    assert.equal(receiver.received, events);
    assert.equal(valueOf(samples, 'holdfast_webhook_deliveries_total', { outcome: 'delivered' }), events);
    assert.equal(valueOf(samples, 'holdfast_webhook_delivery_lag_seconds_count'), events);
    // Delivered 90 s (of the test clock) after the flow raised them.
    assert.equal(valueOf(samples, 'holdfast_webhook_delivery_lag_seconds_bucket', { le: '60' }), 0);
    assert.equal(valueOf(samples, 'holdfast_webhook_delivery_lag_seconds_bucket', { le: '300' }), events);
    assert.equal(samplesOf(samples, 'holdfast_gateway_operations_total').length, 4, 'the jobs called no gateway');
    assert.equal(valueOf(samples, 'holdfast_ledger_held_minor_units', { currency: 'INR' }), 5000);
    assert.equal(valueOf(samples, 'holdfast_jobs_due', { kind: 'webhook.deliver' }), undefined, 'no delivery job left');
    assert.equal(flowRequests(samplesOf(samples, 'holdfast_http_requests_total')).length, 6, 'scrapes are not API requests');
    assert.equal(valueOf(samples, 'holdfast_http_requests_total', { method: 'POST', route: '/api/pay/v1/orders', status: '200' }), 2);
  });

  it('reports process metrics on the same registry, and nothing but /metrics on its port', async () => {
    const samples = await scrape();
    assert.ok(valueOf(samples, 'process_cpu_user_seconds_total') !== undefined);
    assert.ok(valueOf(samples, 'nodejs_heap_size_used_bytes') !== undefined);
    assert.equal((await fetch(metricsUrl.replace('/metrics', '/'))).status, 404);
    assert.equal((await fetch(`${server.baseUrl}/metrics`)).status, 404, 'not on the API port');
  });
});

describe(`Prometheus metrics while the database is gone (${DB})`, () => {
  it('the scrape still answers: process and HTTP metrics, database_up 0, no database gauge passed off as current', async () => {
    const server = await startTestServer({ HOLDFAST_METRICS_PORT: '0', HOLDFAST_READY_TIMEOUT: '1s' });
    try {
      const url = await server.app.metrics.listen('127.0.0.1', 0);
      assert.equal((await fetch(`${server.baseUrl}/healthz`)).status, 200);
      const before = parseExposition(await (await fetch(url)).text());
      assert.equal(valueOf(before, 'holdfast_metrics_database_up'), 1);
      assert.equal(valueOf(before, 'holdfast_orders_in_review'), 0);
      await server.db.close();
      const response = await fetch(url);
      assert.equal(response.status, 200);
      const samples = parseExposition(await response.text());
      assert.equal(valueOf(samples, 'holdfast_metrics_database_up'), 0);
      assert.ok(Number.isNaN(valueOf(samples, 'holdfast_orders_in_review')), 'NaN: not known');
      assert.equal(samplesOf(samples, 'holdfast_ledger_held_minor_units').length, 0);
      assert.equal(samplesOf(samples, 'holdfast_jobs_due').length, 0);
      assert.equal(valueOf(samples, 'holdfast_http_requests_total', { method: 'GET', route: '/healthz', status: '200' }), 1);
      assert.ok(valueOf(samples, 'process_cpu_user_seconds_total') !== undefined);
    } finally {
      await server.app.close();
    }
  });
});
