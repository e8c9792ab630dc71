/**
 * The connector each kind of gateway account is built with (docs/gateways.md "Gateway accounts").
 * This is the one place a new kind of upstream is registered: a kind without a factory resolves
 * to no connector, and every call through such an account has an unknown outcome.
 */
import type { GatewayConnector } from './gateway.js';
import { HttpAcquirerConnector } from './http-acquirer/connector.js';
import { createJuspayConnector } from './juspay/connector.js';
import { createPineLabsOnlineConnector } from './pinelabs-online/connector.js';
import type { GatewayKind, UpstreamConnectorFactory } from './upstream.js';

export type UpstreamConnectorFactories = Readonly<Record<GatewayKind, UpstreamConnectorFactory | undefined>>;

/** The factories by kind; `sandbox` is the process's one sandbox connector (it keeps no state per account). */
export function upstreamConnectorFactories(sandbox: GatewayConnector): UpstreamConnectorFactories {
  return {
    sandbox: () => sandbox,
    'http-acquirer': (account, deps) => {
      if (account.baseUrl === null) throw new Error(`gateway account ${account.id} has no base URL`);
      return new HttpAcquirerConnector({ baseUrl: account.baseUrl, timeoutMs: deps.timeoutMs });
    },
    'pinelabs-online': createPineLabsOnlineConnector,
    juspay: createJuspayConnector,
  };
}
