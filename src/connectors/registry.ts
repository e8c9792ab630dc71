import type { GatewayConnector } from './gateway.js';
import { SandboxConnector } from './sandbox.js';

/** Connectors by name; a merchant names one (default `sandbox`). Tests register scripted ones the same way. */
export class ConnectorRegistry {
  private readonly byName = new Map<string, GatewayConnector>();

  constructor(connectors: readonly GatewayConnector[] = []) {
    for (const connector of [new SandboxConnector(), ...connectors]) this.byName.set(connector.name, connector);
  }

  get(name: string): GatewayConnector {
    const connector = this.byName.get(name);
    if (!connector) throw new Error(`no connector named ${name}`);
    return connector;
  }
}
