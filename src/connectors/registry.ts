import type { GatewayConnector } from './gateway.js';
import { SandboxConnector } from './sandbox.js';

/** Connectors by name; a merchant names one (default `sandbox`). */
export function connectorRegistry(extra: GatewayConnector[] = []): (name: string) => GatewayConnector {
  const byName = new Map<string, GatewayConnector>();
  for (const connector of [new SandboxConnector(), ...extra]) byName.set(connector.name, connector);
  return (name) => {
    const connector = byName.get(name);
    if (!connector) throw new Error(`no connector named ${name}`);
    return connector;
  };
}
