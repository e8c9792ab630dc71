import { scheduleRetention } from '../core/retention.js';
import { openCliApp } from './context.js';

/** `holdfast worker`: background jobs only, no HTTP; any number of these may share a PostgreSQL database. */
export async function runWorker(): Promise<void> {
  const cli = await openCliApp();
  await scheduleRetention(cli.app.ctx, cli.config);
  cli.app.jobs.start();
  console.log(`Holdfast worker ${cli.app.jobs.workerId} running background jobs`);
  // Only when asked: the default port is `holdfast start`'s, likely on the same host.
  if (process.env.HOLDFAST_METRICS_PORT && cli.config.metricsPort !== undefined)
    console.log(`Metrics: ${await cli.app.metrics.listen(cli.config.host, cli.config.metricsPort)}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await cli.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
