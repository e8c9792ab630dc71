import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { webhookRenderers, type DialectModule } from './api/dialect.js';
import { juspayDialect } from './api/juspay/index.js';
import { pineLabsDialect } from './api/pinelabs/index.js';
import type { PublicLinks } from './api/public-links.js';
import { openLimitRedis } from './api/rate-limit-redis.js';
import { buildServer } from './api/server.js';
import type { Config } from './config.js';
import type { GatewayConnector } from './connectors/gateway.js';
import { HttpAcquirerConnector } from './connectors/http-acquirer/connector.js';
import { GatewayClient } from './connectors/gateway-client.js';
import { ConnectorRegistry } from './connectors/registry.js';
import { SandboxConnector } from './connectors/sandbox.js';
import { upstreamConnectorFactories } from './connectors/upstream-factories.js';
import { GatewayAccountConnectors } from './core/gateway-account-connectors.js';
import type { SyncPolicy } from './core/scheduled-jobs.js';
import { RulesRouter } from './core/routing/authorization-router.js';
import { createRoutingState } from './core/routing/routing-state.js';
import { pineLabsIds } from './api/pinelabs/ids.js';
import { juspayTxnUuid } from './api/juspay/ids.js';
import { systemClock, type Clock } from './domain/clock.js';
import type { CoreContext } from './core/context.js';
import { openKeys } from './core/keys/open-keys.js';
import { resolveMasterKey, type MasterKey } from './core/keys/master-key.js';
import { jobHandlers } from './job-handlers.js';
import { JobRunner } from './jobs/job-runner.js';
import type { Db } from './store/db.js';
import { migrate } from './store/migrate.js';
import { webhookOutbox } from './webhooks/outbox.js';
import { installApiCallLogMetrics } from './metrics/api-call-log-metrics.js';
import { installHttpMetrics } from './metrics/http-metrics.js';
import { createMetrics, type AppMetrics } from './metrics/registry.js';

/** How long connecting to an upstream gateway may take: past it the request was provably never sent. */
export const UPSTREAM_CONNECT_TIMEOUT_MS = 3000;

/** Lifetime of a Pine Labs access token: one hour, as the real gateway. */
export const TOKEN_TTL_MS = 60 * 60 * 1000;

export interface App {
  ctx: CoreContext;
  /** The master key this process opened its data keys with (never stored in the database). */
  masterKey: MasterKey;
  server: FastifyInstance;
  /** The background workers (status sync, auto-void, remainder reversal, webhooks); started by start(). */
  jobs: JobRunner;
  /** Prometheus metrics (per app); `metrics.listen()` serves them on their own port (HOLDFAST_METRICS_PORT). */
  metrics: AppMetrics;
  close(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  db: Db;
  logger: Logger;
  clock?: Clock;
  /** Connectors beside the built-in sandbox, by name (tests register scripted ones here). */
  connectors?: GatewayConnector[];
  syncPolicy?: SyncPolicy;
  /** Receiver timeout for webhook deliveries (Default: 10 s). */
  webhookTimeoutMs?: number;
  /** Whether this process reports the gauges read from the database (Default: true; a cluster's workers leave them to the primary). */
  databaseGauges?: boolean;
}

/**
 * The first inquiry waits at least twice the acquirer's timeout: asking while the original request
 * may still be in flight could declare an authorization lost that the bank is about to approve.
 */
function syncPolicyFor(config: Config): SyncPolicy {
  return {
    firstDelayMs: Math.max(config.syncDelayMs, 2 * config.acquirerTimeoutMs),
    maxAttempts: config.syncAttempts,
    upstreamFirstDelayMs: 2 * config.upstreamTimeoutMs,
  };
}

/** The one composition root: config → db → keys → connectors → core → HTTP and jobs. */
export async function createApp(options: AppOptions): Promise<App> {
  const { config, db, logger } = options;
  const say = (message: string) => {
    logger.warn(message);
  };
  const masterKey = resolveMasterKey(config, say);
  await migrate(db);
  const clock = options.clock ?? systemClock;
  const keys = await openKeys(db, masterKey, clock.now(), say);
  const links: PublicLinks = { base: config.publicUrl };
  const metrics = createMetrics({ db, clock, timeoutMs: config.readyTimeoutMs, databaseGauges: options.databaseGauges });
  const dialects: readonly DialectModule[] = [pineLabsDialect, juspayDialect];
  const sandbox = new SandboxConnector();
  // Gateway accounts (docs/gateways.md) are built when first used, once the public URL is known.
  const gatewayAccounts = new GatewayAccountConnectors(db, keys.ring, upstreamConnectorFactories(sandbox), () => ({
    publicBaseUrl: links.base,
    timeoutMs: config.upstreamTimeoutMs,
    connectTimeoutMs: UPSTREAM_CONNECT_TIMEOUT_MS,
    clock,
  }));
  const ctx: CoreContext = {
    db,
    clock,
    keys: keys.ring,
    gateway: new GatewayClient(
      new ConnectorRegistry(
        [
          sandbox,
          ...(config.acquirerUrl ? [new HttpAcquirerConnector({ baseUrl: config.acquirerUrl, timeoutMs: config.acquirerTimeoutMs })] : []),
          ...(options.connectors ?? []),
        ],
        gatewayAccounts,
      ),
      // A ceiling for every connector; each connector's own limit (HOLDFAST_ACQUIRER_TIMEOUT,
      // HOLDFAST_UPSTREAM_TIMEOUT) comes first.
      { timeoutMs: Math.max(config.acquirerTimeoutMs, config.upstreamTimeoutMs) + 1000, observe: metrics.observeGateway },
    ),
    gatewayAccounts,
    routing: new RulesRouter(
      db,
      async (merchantId) => (await gatewayAccounts.routableAccounts(merchantId)).map((account) => ({ ...account, disabled: false })),
      createRoutingState({ clock }),
    ),
    ids: { ...pineLabsIds, txn: juspayTxnUuid },
    captureWindowMs: config.captureWindowMs,
    challengeTtlMs: config.challengeTtlMs,
    orderTtlMs: config.orderTtlMs,
    tokenTtlMs: TOKEN_TTL_MS,
    notifications: webhookOutbox(webhookRenderers(dialects, links), config.webhookRetryScheduleMs),
    syncPolicy: options.syncPolicy ?? syncPolicyFor(config),
    cardTesting: config.cardTesting,
    webhookRetryScheduleMs: config.webhookRetryScheduleMs,
  };
  const redis = config.redis ? await openLimitRedis(config.redis.url, logger) : undefined;
  const server = await buildServer(ctx, config, links, logger, dialects, { redis, prefix: config.redis?.prefix ?? '' });
  installHttpMetrics(server, metrics.registry);
  installApiCallLogMetrics(metrics.registry, () => server.apiCallsDropped());
  const jobs = new JobRunner(
    db,
    ctx.clock,
    jobHandlers(
      ctx,
      { retrySchedule: config.webhookRetryScheduleMs, timeoutMs: options.webhookTimeoutMs ?? 10_000, observe: metrics.observeWebhook },
      {
        webhookAttemptRetentionMs: config.webhookAttemptRetentionMs,
        requestReplyRetentionMs: config.requestReplyRetentionMs,
        jobRunRetentionMs: config.jobRunRetentionMs,
        apiCallRetentionMs: config.apiCallRetentionMs,
      },
    ),
    {
      onError: (error, job) => {
        logger.warn({ err: error, job: { id: job.id, kind: job.kind, attempts: job.attempts } }, 'job failed');
      },
    },
  );
  return {
    ctx,
    masterKey: keys.master,
    server,
    jobs,
    metrics,
    async close() {
      await jobs.stop();
      await server.close();
      await metrics.close();
      redis?.disconnect();
    },
  };
}
