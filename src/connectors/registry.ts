import { isGatewayAccountId } from '../domain/ids.js';
import type { GatewayConnector } from './gateway.js';
import { SandboxConnector } from './sandbox.js';

/** Finds the connector a name stands for; undefined when there is none. */
export interface ConnectorResolver {
  resolve(name: string): Promise<GatewayConnector | undefined>;
}

/**
 * Connectors by name; a merchant names one (default `sandbox`). Tests register scripted ones the
 * same way. Names of gateway accounts (`gwa_…`, docs/gateways.md) are resolved by `accounts`,
 * which builds each from its stored account.
 */
export class ConnectorRegistry implements ConnectorResolver {
  private readonly byName = new Map<string, GatewayConnector>();

  /** `connectors` replace the built-in sandbox when one of them is named `sandbox`. */
  constructor(
    connectors: readonly GatewayConnector[] = [],
    private readonly accounts?: ConnectorResolver,
  ) {
    for (const connector of [new SandboxConnector(), ...connectors]) this.byName.set(connector.name, connector);
  }

  get(name: string): GatewayConnector {
    const connector = this.byName.get(name);
    if (!connector) throw new Error(`no connector named ${name}`);
    return connector;
  }

  async resolve(name: string): Promise<GatewayConnector | undefined> {
    const registered = this.byName.get(name);
    if (registered) return registered;
    return this.accounts && isGatewayAccountId(name) ? this.accounts.resolve(name) : undefined;
  }
}
