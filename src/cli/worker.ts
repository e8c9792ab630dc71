import { openCliApp } from './context.js';

/** `holdfast worker`: background jobs only, no HTTP; any number of these may share a PostgreSQL database. */
export async function runWorker(): Promise<void> {
  const cli = await openCliApp();
  cli.app.jobs.start();
  console.log(`Holdfast worker ${cli.app.jobs.workerId} running background jobs`);
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
