import type { GatewayClient } from '../connectors/gateway-client.js';
import type { AuthorizeOutcome } from '../connectors/gateway.js';
import type { CardNetwork } from '../domain/card.js';
import type { Db } from '../store/db.js';
import type { KeyRing } from './keys/keyring.js';
import type { Clock } from '../domain/clock.js';
import type { NotificationSink } from './notifications.js';
import type { IdScheme } from './id-scheme.js';
import type { SyncPolicy } from './scheduled-jobs.js';
import type { CardTestingRules } from './card-testing.js';
import type { GatewayAccountConnectors } from './gateway-account-connectors.js';

/** What a new authorization is routed on (docs/routing.md). */
export interface RoutingFacts {
  network: CardNetwork;
  bin: string;
  amount: number;
  currency: string;
  preAuth: boolean;
}

/** Chooses the gateways a new authorization goes to (docs/routing.md). */
export interface AuthorizationRouter {
  /**
   * Connector names in the order to try: the merchant's own connector when it has no rules; empty
   * when its rules leave no enabled gateway account.
   */
  route(merchantId: string, merchantConnector: string, facts: RoutingFacts): Promise<string[]>;
  /** A routed gateway that was not tried after all: it gives back what routing reserved for it. */
  unused(connector: string): void;
  /** What a gateway answered an authorization (or an inquiry about one): its health and success rate. */
  observe(connector: string, network: CardNetwork | null, outcome: AuthorizeOutcome): void;
}

/** Everything a use-case needs; built once in app.ts. */
export interface CoreContext {
  db: Db;
  clock: Clock;
  /** The data keys, opened with the master key (docs/security.md). */
  keys: KeyRing;
  /** The gateways, through the one client that calls connectors. */
  gateway: GatewayClient;
  /** Routing between a merchant's gateway accounts; absent: every authorization goes to the merchant's connector. */
  routing?: AuthorizationRouter;
  /** Merchants' gateway accounts as connectors, and which of them routing may choose (docs/gateways.md). */
  gatewayAccounts: GatewayAccountConnectors;
  /** The shapes of the ids handed out (orders, payments, refunds). */
  ids: IdScheme;
  /** How long an authorization may wait for capture before it is released (ms). */
  captureWindowMs: number;
  /** How long a 3-D Secure challenge accepts an OTP (ms). */
  challengeTtlMs: number;
  /** How long an order nobody paid takes a payment when its request names no expiry (ms). */
  orderTtlMs: number;
  /** Lifetime of a Pine Labs access token (ms). */
  tokenTtlMs: number;
  /** Where order notifications go (the webhook outbox), with each state change. */
  notifications: NotificationSink;
  /** How unknown and pending gateway outcomes are chased. */
  syncPolicy: SyncPolicy;
  /** When authorizations are refused before any connector (card-testing protection). */
  cardTesting: CardTestingRules;
  /** Delays between webhook delivery attempts (a replay starts the schedule again). */
  webhookRetryScheduleMs: readonly number[];
}
