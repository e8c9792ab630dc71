import pino from 'pino';
import { createApp, type App } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import { openDatabase } from '../store/open-database.js';

/**
 * The application without listening: what CLI commands that read or act on the data use
 * (migrated database, keys, core context, job handlers). Always closed by the caller.
 */
export async function openCliApp(): Promise<{ app: App; config: Config; close(): Promise<void> }> {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    const app = await createApp({ config, db, logger: pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }) });
    return {
      app,
      config,
      async close() {
        await app.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
