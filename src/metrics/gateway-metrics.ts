import { Counter, Histogram, type Registry } from 'prom-client';
import type { GatewayCallRecord } from '../connectors/gateway-client.js';

/** Seconds: a sandbox answer (well under 1 ms) up to a call that waited out the acquirer's limit. */
const GATEWAY_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every connector call the gateway client makes (connectors/gateway-client.ts, the only caller of
 * connectors), by connector, kind (authorize, capture, inquire_refund…) and outcome (approved,
 * declined, succeeded, pending, unknown…), with its latency. Returns the client's `observe`.
 */
export function gatewayMetrics(registry: Registry): (record: GatewayCallRecord) => void {
  const labelNames = ['connector', 'kind', 'outcome'] as const;
  const operations = new Counter({
    name: 'holdfast_gateway_operations_total',
    help: 'Calls to payment gateways (connectors), by connector, kind and outcome',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'holdfast_gateway_operation_duration_seconds',
    help: 'Time a gateway call took, by connector, kind and outcome',
    labelNames,
    buckets: GATEWAY_BUCKETS,
    registers: [registry],
  });
  return (record) => {
    const labels = { connector: record.connector, kind: record.call, outcome: record.outcome };
    operations.inc(labels);
    duration.observe(labels, record.durationMs / 1000);
  };
}
