import { Writable } from 'node:stream';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { Db } from '../../src/store/db.js';
import { openTestDatabase, TEST_MASTER_KEY } from './test-database.js';

/** Holdfast logging at trace level into memory, for tests that prove what is never logged (card data). */
export interface LoggedServer {
  app: App;
  db: Db;
  baseUrl: string;
  /** Everything logged so far. */
  logs(): string;
  close(): Promise<void>;
}

export async function startLoggedServer(): Promise<LoggedServer> {
  const db = await openTestDatabase();
  let logs = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs += String(chunk);
      done();
    },
  });
  const app = await createApp({
    config: loadConfig({ LOG_LEVEL: 'trace', HOLDFAST_MASTER_KEY: TEST_MASTER_KEY }),
    db,
    logger: createLogger('trace', sink),
  });
  await app.server.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    db,
    baseUrl: `http://127.0.0.1:${(app.server.server.address() as { port: number }).port}`,
    logs: () => logs,
    async close() {
      await app.close();
      await db.close();
    },
  };
}
