import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildServer } from './api/server.js';
import type { Config } from './config.js';
import { connectorRegistry } from './connectors/registry.js';
import { systemClock, type Clock } from './core/clock.js';
import { loadServerKeys, type CoreContext } from './core/context.js';
import type { Db } from './store/db.js';
import { migrate } from './store/migrate.js';

/** Lifetime of a Pine Labs access token: one hour, as the real gateway. */
export const TOKEN_TTL_MS = 60 * 60 * 1000;

export interface App {
  ctx: CoreContext;
  server: FastifyInstance;
  close(): Promise<void>;
}

/** The one composition root: config → db → keys → connectors → core → HTTP. */
export async function createApp(options: { config: Config; db: Db; logger: Logger; clock?: Clock }): Promise<App> {
  const { config, db, logger } = options;
  await migrate(db);
  const ctx: CoreContext = {
    db,
    clock: options.clock ?? systemClock,
    keys: await loadServerKeys(db),
    connector: connectorRegistry(),
    captureWindowMs: config.captureWindowMs,
    tokenTtlMs: TOKEN_TTL_MS,
  };
  const server = await buildServer(ctx, config, logger);
  return {
    ctx,
    server,
    async close() {
      await server.close();
    },
  };
}
