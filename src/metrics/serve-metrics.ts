import type { AppMetrics } from './registry.js';

/**
 * Starts the metrics listener of `holdfast start` on HOLDFAST_METRICS_PORT (nothing when `off`).
 * A port already taken (another Holdfast on the host, a second instance started by hand) costs the
 * metrics, not the payment API: the reason is said once and serving goes on. Any other failure is
 * a real fault and is thrown. Returns the metrics URL, or undefined when none is served.
 */
export async function serveMetricsOrWarn(
  listen: (host: string, port: number) => Promise<string>,
  config: { host: string; metricsPort: number | undefined },
  warn: (message: string) => void,
): Promise<string | undefined> {
  if (config.metricsPort === undefined) return undefined;
  try {
    return await listen(config.host, config.metricsPort);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL' && code !== 'EACCES') throw error;
    warn(
      `Metrics not served: cannot listen on ${config.host}:${config.metricsPort} (${code}); set HOLDFAST_METRICS_PORT to a free port, or to off`,
    );
    return undefined;
  }
}

/** An app's own listener, for serveMetricsOrWarn. */
export const appMetricsListener = (metrics: AppMetrics) => (host: string, port: number) => metrics.listen(host, port);
