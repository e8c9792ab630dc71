import { Counter, Histogram, type Registry } from 'prom-client';
import type { WebhookDeliveryRecord } from '../webhooks/deliver.js';

/** Seconds: an event delivered at once up to one that waited out a day of retries. */
const LAG_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 24 * 3600];

/** Webhook delivery attempts by outcome, and how long delivered events took to arrive. Returns the deliverer's `observe`. */
export function webhookMetrics(registry: Registry): (record: WebhookDeliveryRecord) => void {
  const deliveries = new Counter({
    name: 'holdfast_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (delivered, failed, no_endpoint); gave_up counts events abandoned after their last attempt',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'holdfast_webhook_delivery_lag_seconds',
    help: 'Time from the change a webhook event reports to its delivery (2xx from the receiver)',
    buckets: LAG_BUCKETS,
    registers: [registry],
  });
  return (record) => {
    deliveries.inc({ outcome: record.outcome });
    if (record.lagMs !== undefined) lag.observe(Math.max(0, record.lagMs) / 1000);
  };
}
