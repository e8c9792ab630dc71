/**
 * The acquirer simulator's HTTP app: the protocol of `src/connectors/http-acquirer/protocol.ts`
 * (the contract it shares with the gateway's http-acquirer connector) over a {@link SimulatedBank},
 * with the fault plan applied to each request. Faults hit POST operations only, unless the
 * settings extend them to inquiries.
 *
 * Order within one request: added latency first (the bank is slow to pick it up), then the fault:
 * `reset` (when `before`), `error` and `timeout` do nothing; `late_success` and `reset` (when
 * `after`) apply the operation and then do not answer. A client that gives up during the latency
 * does not stop the bank: the operation is still applied, as with a real upstream.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  ACQUIRER_PATHS,
  AuthenticationBody,
  AuthorizationBody,
  OperationBody,
  OperationParams,
  PaymentParams,
  ReferenceParams,
  type OperationKind,
} from '../connectors/http-acquirer/protocol.js';
import { createFaultPlan, defaultFaultSettings, type FaultPlan, type FaultSettings } from './faults.js';
import { LedgerOfOperations } from './ledger-of-operations.js';
import { refusalOf } from './request-errors.js';
import { SimulatedBank, type BankAnswer } from './simulated-bank.js';
import { answerUnavailable, HeldRequests, resetConnection } from './transport-faults.js';

export interface AcquirerOptions {
  /** Fault settings; every rate defaults to 0 and the seed to a random one. */
  faults?: Partial<FaultSettings>;
  /** How long a pending capture or void stays pending before an inquiry finds it succeeded. Default 0 (at once). */
  settleMs?: number;
  /** Where request and fault lines go. Default: no logging. Bodies (and so card numbers) are never logged. */
  logger?: Logger;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

export interface AcquirerSimulator {
  app: FastifyInstance;
  /** What the simulator did: tests check effects here. */
  ledger: LedgerOfOperations;
  /** The fault plan in force. */
  readonly faults: FaultPlan;
  /**
   * Replaces the fault settings from now on (what is not given is taken from the defaults, the
   * seed from the current plan): tests set up an authorization fault-free, then turn a fault on.
   */
  configureFaults(settings: Partial<FaultSettings>): void;
  /** Requests currently held with no answer. */
  held: HeldRequests;
}

export async function buildAcquirerServer(options: AcquirerOptions = {}): Promise<AcquirerSimulator> {
  let faults = createFaultPlan(defaultFaultSettings(options.faults));
  const ledger = new LedgerOfOperations();
  const bank = new SimulatedBank(ledger, { settleMs: options.settleMs ?? 0, ...(options.now ? { now: options.now } : {}) });
  const held = new HeldRequests();

  // Typed as Fastify's own logger so the app's type does not carry pino's.
  const loggerInstance: FastifyBaseLogger | undefined = options.logger;
  const root = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    bodyLimit: 64 * 1024,
    // Held requests would keep close() waiting for clients that may never give up.
    forceCloseConnections: true,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
  });
  root.addHook('preClose', async () => {
    held.releaseAll();
  });
  // Messages name the field and the limit, never the value sent (which may be a card number).
  root.setErrorHandler((error, request, reply) => {
    const refusal = refusalOf(error);
    if (refusal) return reply.status(refusal.status).send(refusal.body);
    request.log.error({ err: { message: (error as Error).message } }, 'unhandled error');
    return reply.status(500).send({ code: 'INTERNAL_ERROR', message: 'Internal error' });
  });
  root.setNotFoundHandler((_request, reply) => reply.status(404).send({ code: 'NO_SUCH_ENDPOINT', message: 'No such endpoint' }));
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  /** Runs one request through the fault plan around the bank's use-case. */
  async function serve(request: FastifyRequest, reply: FastifyReply, inquiry: boolean, useCase: () => BankAnswer): Promise<FastifyReply> {
    const draw = faults.next({ inquiry });
    if (draw.latencyMs > 0) await delay(draw.latencyMs);
    if (draw.fault) request.log.info({ fault: draw.fault, latencyMs: draw.latencyMs }, 'injecting fault');
    const resetBefore = draw.fault === 'reset' && faults.settings.resetPoint === 'before';
    if (resetBefore) return resetConnection(request, reply);
    if (draw.fault === 'error') return answerUnavailable(reply);
    if (draw.fault === 'timeout') return held.hold(request, reply);

    const result = useCase();
    if (draw.fault === 'reset') return resetConnection(request, reply);
    if (draw.fault === 'late_success' || !result.answered) return held.hold(request, reply);
    return reply.status(result.status).send(result.body);
  }

  app.get(ACQUIRER_PATHS.health, async () => ({ status: 'ok' }));

  app.post(ACQUIRER_PATHS.authorizations, { schema: { body: AuthorizationBody } }, (request, reply) =>
    serve(request, reply, false, () => bank.authorize(request.body)),
  );
  app.post(
    '/v1/authorizations/:reference/authenticate',
    { schema: { params: ReferenceParams, body: AuthenticationBody } },
    (request, reply) => serve(request, reply, false, () => bank.authenticate(request.params.reference, request.body.otp)),
  );
  for (const [kind, path] of Object.entries(ACQUIRER_PATHS.operations) as Array<[OperationKind, string]>) {
    app.post(path, { schema: { body: OperationBody } }, (request, reply) =>
      serve(request, reply, false, () => bank.operate(kind, request.body)),
    );
  }
  app.get('/v1/operations/:operation_id', { schema: { params: OperationParams } }, (request, reply) =>
    serve(request, reply, true, () => bank.inquireOperation(request.params.operation_id)),
  );
  app.get('/v1/authorizations/by-payment/:payment_id', { schema: { params: PaymentParams } }, (request, reply) =>
    serve(request, reply, true, () => bank.inquireAuthorization(request.params.payment_id)),
  );

  return {
    app: root,
    ledger,
    held,
    get faults() {
      return faults;
    },
    configureFaults(settings) {
      faults = createFaultPlan(defaultFaultSettings({ seed: faults.settings.seed, ...settings }));
    },
  };
}
