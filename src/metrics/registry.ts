import { collectDefaultMetrics, Registry } from 'prom-client';
import type { GatewayCallRecord } from '../connectors/gateway-client.js';
import type { Clock } from '../domain/clock.js';
import type { Queryable } from '../store/db.js';
import { databaseGauges } from './database-gauges.js';
import { gatewayMetrics } from './gateway-metrics.js';
import { listenForMetrics, type MetricsListener } from './metrics-listener.js';
import type { WebhookDeliveryRecord } from '../webhooks/deliver.js';
import { webhookMetrics } from './webhook-metrics.js';

export interface AppMetrics {
  /** This app's own registry: two apps in one process (tests) never share a metric. */
  registry: Registry;
  /** For the gateway client: every connector call. */
  observeGateway: (record: GatewayCallRecord) => void;
  /** For the webhook deliverer: every attempt. */
  observeWebhook: (record: WebhookDeliveryRecord) => void;
  /** Serves GET /metrics on `host`:`port` (0: any free port) until close(); returns its URL. */
  listen(host: string, port: number): Promise<string>;
  /** The metrics listener's URL while it listens. */
  readonly url: string | undefined;
  close(): Promise<void>;
}

export interface MetricsOptions {
  db: Queryable;
  clock: Clock;
  /** How long a scrape waits for the database's gauges (HOLDFAST_READY_TIMEOUT). */
  timeoutMs: number;
  /**
   * Whether this process reports the gauges read from the database (Default: true). A cluster's
   * workers leave them to the primary, which would otherwise add up N copies of one table's count.
   */
  databaseGauges?: boolean;
}

/**
 * The metrics of one app: its HTTP server's (installed by http-metrics.ts on the server), the
 * gateway client's, the webhook deliverer's, the database gauges and Node's process metrics.
 */
export function createMetrics(options: MetricsOptions): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  if (options.databaseGauges ?? true) databaseGauges(registry, options);
  let listener: MetricsListener | undefined;
  return {
    registry,
    observeGateway: gatewayMetrics(registry),
    observeWebhook: webhookMetrics(registry),
    async listen(host, port) {
      if (listener) throw new Error('the metrics listener is already listening');
      listener = await listenForMetrics(host, port, async () => ({ contentType: registry.contentType, body: await registry.metrics() }));
      return listener.url;
    },
    get url() {
      return listener?.url;
    },
    async close() {
      await listener?.close();
      listener = undefined;
    },
  };
}
