/**
 * A merchant's account at a gateway Holdfast sits in front of (docs/gateways.md): what a connector
 * for it is built from. Credentials arrive here opened, for the connector's memory only; they are
 * stored sealed and are never logged or returned.
 */
import type { Clock } from '../domain/clock.js';
import type { GatewayConnector } from './gateway.js';

export const GATEWAY_KINDS = ['pinelabs-online', 'juspay', 'sandbox', 'http-acquirer'] as const;
export type GatewayKind = (typeof GATEWAY_KINDS)[number];

export interface GatewayAccountCredentials {
  /** Pine Labs Online: client credentials for the token endpoint. */
  clientId?: string;
  clientSecret?: string;
  /** Juspay: the API key (Basic auth user) and the merchant id at the upstream. */
  apiKey?: string;
  upstreamMerchantId?: string;
  /** Pine Labs Online: the Standard Webhooks secret (`whsec_…`) incoming webhooks are signed with. */
  webhookSecret?: string;
  /** Juspay: the `user:password` the upstream's webhooks carry as Basic auth. */
  webhookBasicAuth?: string;
  /**
   * The key the upstream signs the browser's return with (docs/hosted-redirects.md): Pine Labs
   * Online's hex secret (HMAC-SHA256 over the sorted fields), Juspay's response key.
   */
  redirectKey?: string;
}

export interface GatewayAccountConfig {
  /** `gwa_…`: also the connector's name, stored on every payment attempt sent through it. */
  id: string;
  merchantId: string;
  name: string;
  kind: GatewayKind;
  /** The upstream's base URL (pinelabs-online, juspay, http-acquirer). */
  baseUrl: string | null;
  credentials: GatewayAccountCredentials;
}

export interface UpstreamDeps {
  /** Holdfast's own public base URL: where the upstream returns the browser and sends webhooks. */
  publicBaseUrl: string;
  /** The whole call's limit (HOLDFAST_UPSTREAM_TIMEOUT, default 30 s); past it the outcome is unknown. */
  timeoutMs: number;
  /** The TCP/TLS connect limit (3 s): a connect that never completes is a request never sent. */
  connectTimeoutMs: number;
  clock: Clock;
}

/** The path on Holdfast the upstream sends the browser back to after its 3-D Secure page. */
export function upstreamReturnPath(accountId: string, paymentId: string): string {
  return `/upstream/${encodeURIComponent(accountId)}/return/${encodeURIComponent(paymentId)}`;
}

/** The path on Holdfast the upstream's webhooks are sent to. */
export function upstreamWebhookPath(accountId: string): string {
  return `/upstream/${encodeURIComponent(accountId)}/webhooks`;
}

export type UpstreamConnectorFactory = (account: GatewayAccountConfig, deps: UpstreamDeps) => GatewayConnector;
