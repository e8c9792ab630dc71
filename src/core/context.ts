import type { GatewayClient } from '../connectors/gateway-client.js';
import type { Db } from '../store/db.js';
import { loadOrCreateServerKey } from '../store/server-keys-repository.js';
import type { Clock } from '../domain/clock.js';
import type { NotificationSink } from './notifications.js';
import type { IdScheme } from './id-scheme.js';
import type { SyncPolicy } from './scheduled-jobs.js';
import type { CardTestingRules } from './card-testing.js';

/** Keys shared by every process through the database (see store/server-keys-repository). */
export interface ServerKeys {
  tokenSigning: Buffer;
  fingerprint: Buffer;
  encryption: Buffer;
}

/** Everything a use-case needs; built once in app.ts. */
export interface CoreContext {
  db: Db;
  clock: Clock;
  keys: ServerKeys;
  /** The gateways, through the one client that calls connectors. */
  gateway: GatewayClient;
  /** The shapes of the ids handed out (orders, payments, refunds). */
  ids: IdScheme;
  /** How long an authorization may wait for capture before it is released (ms). */
  captureWindowMs: number;
  /** How long a 3-D Secure challenge accepts an OTP (ms). */
  challengeTtlMs: number;
  /** Lifetime of a Pine Labs access token (ms). */
  tokenTtlMs: number;
  /** Where order notifications go (the webhook outbox), with each state change. */
  notifications: NotificationSink;
  /** How unknown and pending gateway outcomes are chased. */
  syncPolicy: SyncPolicy;
  /** When authorizations are refused before any connector (card-testing protection). */
  cardTesting: CardTestingRules;
}

export async function loadServerKeys(db: Db): Promise<ServerKeys> {
  return {
    tokenSigning: await loadOrCreateServerKey(db, 'token_signing'),
    fingerprint: await loadOrCreateServerKey(db, 'fingerprint'),
    encryption: await loadOrCreateServerKey(db, 'secret_encryption'),
  };
}
