import type { GatewayConnector } from '../../src/connectors/gateway.js';
import { SandboxConnector } from '../../src/connectors/sandbox.js';

type Calls = Omit<GatewayConnector, 'name'>;

/**
 * A gateway whose answers a test scripts, to play one that times out, loses requests or answers
 * late. Registered by name through the app's `connectors` option (test-server.ts) and used by the
 * merchants created with that connector; every call the script leaves out is the sandbox's.
 */
export class ScriptedConnector implements GatewayConnector {
  private script: Partial<Calls> = {};
  private readonly sandbox = new SandboxConnector();

  constructor(readonly name = 'scripted') {}

  /** From now on, these calls answer as given; the others as the sandbox does. `play({})` is the plain sandbox. */
  play(script: Partial<Calls>): void {
    this.script = script;
  }

  authorize: Calls['authorize'] = (request) => (this.script.authorize ?? this.sandbox.authorize.bind(this.sandbox))(request);
  completeAuthentication: Calls['completeAuthentication'] = (request) =>
    (this.script.completeAuthentication ?? this.sandbox.completeAuthentication.bind(this.sandbox))(request);
  capture: Calls['capture'] = (request) => (this.script.capture ?? this.sandbox.capture.bind(this.sandbox))(request);
  reverse: Calls['reverse'] = (request) => (this.script.reverse ?? this.sandbox.reverse.bind(this.sandbox))(request);
  refund: Calls['refund'] = (request) => (this.script.refund ?? this.sandbox.refund.bind(this.sandbox))(request);
  inquire: Calls['inquire'] = (kind, request) => (this.script.inquire ?? this.sandbox.inquire.bind(this.sandbox))(kind, request);
  inquireAuthorization: Calls['inquireAuthorization'] = (request) =>
    (this.script.inquireAuthorization ?? this.sandbox.inquireAuthorization.bind(this.sandbox))(request);
}
