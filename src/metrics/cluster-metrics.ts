import { AggregatorRegistry, Registry } from 'prom-client';
import type { Config } from '../config.js';
import { systemClock } from '../domain/clock.js';
import { openDatabase } from '../store/open-database.js';
import { databaseGauges } from './database-gauges.js';
import { listenForMetrics } from './metrics-listener.js';

/**
 * With `holdfast start --workers N` the workers cannot all bind the metrics port, and a scrape of
 * any one of them would see 1/N of the traffic. So the primary alone listens: on each scrape it asks
 * every worker for its registry over the cluster's IPC (prom-client's AggregatorRegistry sums the
 * counters and histograms, and labels nothing by worker), and adds the database gauges, which it
 * reads itself once rather than N workers reading N copies.
 */

/** In a worker: answer the primary's requests with this registry (instead of prom-client's global one). */
export function reportToPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // prom-client starts answering the primary's requests when an AggregatorRegistry is first made.
  new AggregatorRegistry();
}

/**
 * In the primary: a listener serving the workers' metrics summed, plus the database gauges, until
 * the process ends (for serveMetricsOrWarn).
 */
export function clusterMetricsListener(config: Config) {
  return async (host: string, port: number): Promise<string> => {
    const workers = new AggregatorRegistry();
    const db = await openDatabase({ ...config, dbPoolSize: 1 });
    const own = new Registry();
    databaseGauges(own, { db, clock: systemClock, timeoutMs: config.readyTimeoutMs });
    try {
      const listener = await listenForMetrics(host, port, async () => {
        const [summed, gauges] = await Promise.all([workers.clusterMetrics(), own.metrics()]);
        return { contentType: own.contentType, body: `${summed.trimEnd()}\n\n${gauges}` };
      });
      return listener.url;
    } catch (error) {
      await db.close();
      throw error;
    }
  };
}
