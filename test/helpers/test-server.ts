import pino from 'pino';
import { createApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { GatewayConnector } from '../../src/connectors/gateway.js';
import type { Clock } from '../../src/domain/clock.js';
import { createMerchant, type MerchantCredentials } from '../../src/core/merchants.js';
import type { Db } from '../../src/store/db.js';
import { openTestDatabase, TEST_MASTER_KEY } from './test-database.js';

/** A clock tests move by hand. */
export class TestClock implements Clock {
  private current: number;
  constructor(start = Date.now()) {
    this.current = start;
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export interface TestServer {
  baseUrl: string;
  app: App;
  db: Db;
  clock: TestClock;
  config: Config;
  /** A new merchant with its one-time credentials (and the connector it uses: `sandbox` unless given). */
  newMerchant(name?: string, options?: { webhookUrl?: string; connector?: string }): Promise<MerchantCredentials>;
  /** Runs every background job due at the test clock's time (the workers do not poll in tests). */
  runJobs(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Holdfast on a fresh database (or on `db`, which it then closes too), listening on a random
 * loopback port; `connectors` are registered by name beside the sandbox.
 */
export async function startTestServer(
  env: NodeJS.ProcessEnv = {},
  options: { connectors?: GatewayConnector[]; db?: Db } = {},
): Promise<TestServer> {
  const db = options.db ?? (await openTestDatabase());
  const clock = new TestClock();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', HOLDFAST_MASTER_KEY: TEST_MASTER_KEY, ...env });
  const app = await createApp({ config, db, logger: pino({ level: 'silent' }), clock, connectors: options.connectors ?? [] });
  await app.server.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    baseUrl,
    app,
    db,
    clock,
    config,
    newMerchant: (name = 'Test merchant', merchant = {}) =>
      createMerchant(app.ctx, {
        name,
        webhookUrl: merchant.webhookUrl ?? null,
        ...(merchant.connector ? { connector: merchant.connector } : {}),
      }),
    runJobs: () => app.jobs.runDue(),
    async close() {
      await app.close();
      await db.close();
    },
  };
}
