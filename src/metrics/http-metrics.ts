import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Seconds: from a health probe (~1 ms) to a gateway call that waited out its limit. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What a request that matched no route is counted under: raw URLs would make a label per scanner probe. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts every answer of the main server by route pattern (`/api/pay/v1/orders/:order_id`, never
 * the URL with its ids), method and status, with its latency. Installed before the server is
 * ready, at its root, so every route and the not-found handler are covered.
 */
export function installHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'holdfast_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'holdfast_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to its answer, by route pattern, method and status',
    labelNames,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? UNMATCHED_ROUTE, status: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });
}
