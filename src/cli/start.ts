import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createMerchant } from '../core/merchants.js';
import { createLogger } from '../logger.js';
import { countMerchants } from '../store/merchants-repository.js';
import { openDatabase } from '../store/open-database.js';

/** `holdfast start`: migrate, make sure a sandbox merchant exists, serve until a signal. */
export async function runStart(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config);
  const app = await createApp({ config, db, logger });
  await ensureSandboxMerchant(app.ctx, config.dataDir, config.defaultConnector);
  await app.server.listen({ port: config.port, host: config.host });
  app.jobs.start();
  console.log(`Holdfast listening on ${config.publicUrl} (${db.kind === 'pglite' ? `embedded database in ${resolve(config.dataDir)}` : 'PostgreSQL'})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** On first start, create a sandbox merchant, print its credentials and keep them in <data dir>/sandbox.json. */
async function ensureSandboxMerchant(ctx: Parameters<typeof createMerchant>[0], dataDir: string, connector: string): Promise<void> {
  const file = join(resolve(dataDir), 'sandbox.json');
  if ((await countMerchants(ctx.db)) > 0) {
    if (existsSync(file)) console.log(`Sandbox merchant credentials: ${file}`);
    return;
  }
  const credentials = await createMerchant(ctx, { name: 'Sandbox merchant', connector });
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  console.log(`Created a sandbox merchant (credentials also in ${file}):\n${JSON.stringify(credentials, null, 2)}`);
}
