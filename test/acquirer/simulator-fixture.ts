import { buildAcquirerServer, type AcquirerOptions, type AcquirerSimulator } from '../../src/acquirer/server.js';
import type { AuthorizeOutcome, CardForAuthorization, GatewayConnector, OperationRequest } from '../../src/connectors/gateway.js';
import { HttpAcquirerConnector } from '../../src/connectors/http-acquirer/connector.js';
import { detectNetwork } from '../../src/domain/card.js';

/** For calls that are meant to get no answer: small, so each costs the suite little. */
export const IMPATIENT_TIMEOUT_MS = 200;
/** For calls that are meant to be answered: generous, so a busy machine never turns an answer into a timeout. */
export const PATIENT_TIMEOUT_MS = 10_000;

export interface RunningSimulator {
  simulator: AcquirerSimulator;
  baseUrl: string;
  /** Waits up to {@link PATIENT_TIMEOUT_MS}: for requests that get an answer. */
  connector: HttpAcquirerConnector;
  /** Gives up after {@link IMPATIENT_TIMEOUT_MS}: for requests the simulator holds with no answer. */
  impatient: HttpAcquirerConnector;
  close(): Promise<void>;
}

/** The acquirer simulator on a random loopback port, and a connector pointed at it. */
export async function startSimulator(options: AcquirerOptions = {}): Promise<RunningSimulator> {
  const simulator = await buildAcquirerServer({ ...options, faults: { seed: 1, ...options.faults } });
  const baseUrl = await simulator.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    simulator,
    baseUrl,
    connector: new HttpAcquirerConnector({ baseUrl, timeoutMs: PATIENT_TIMEOUT_MS }),
    impatient: new HttpAcquirerConnector({ baseUrl, timeoutMs: IMPATIENT_TIMEOUT_MS }),
    close: () => simulator.app.close(),
  };
}

export function card(number: string): CardForAuthorization {
  return { number, cvv: '123', expiryMonth: '12', expiryYear: '2030', holderName: 'Test', network: detectNetwork(number) };
}

let sequence = 0;
/** A unique id per call, so tests never collide on idempotency keys. */
export function uniqueId(prefix: string): string {
  sequence += 1;
  return `${prefix}_${process.pid}_${sequence}`;
}

/** Authorizes `number` for 10000 paise (pre-authorization) and returns the outcome with its payment id. */
export async function authorize(connector: GatewayConnector, number: string, options: { amount?: number; capture?: boolean } = {}) {
  const paymentId = uniqueId('pay');
  const outcome = await connector.authorize({
    paymentId,
    amount: options.amount ?? 10_000,
    currency: 'INR',
    card: card(number),
    capture: options.capture ?? false,
  });
  return { paymentId, outcome };
}

/** The connector reference of an outcome that must have one. */
export function referenceOf(outcome: AuthorizeOutcome): string {
  if (outcome.kind === 'unknown' || outcome.connectorReference === null)
    throw new Error(`no connector reference in ${JSON.stringify(outcome)}`);
  return outcome.connectorReference;
}

/** An operation request on an authorization, with a fresh operation id. */
export function operation(paymentId: string, connectorReference: string, overrides: Partial<OperationRequest> = {}): OperationRequest {
  return { operationId: uniqueId('op'), paymentId, connectorReference, amount: 10_000, currency: 'INR', ...overrides };
}

/** How many effects of `kind` the simulator recorded under `key`. */
export function effectCount(simulator: AcquirerSimulator, kind: string, key: string): number {
  return simulator.ledger.effects().filter((effect) => effect.kind === kind && effect.key === key).length;
}
