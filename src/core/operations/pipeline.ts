import { HoldfastError, notFound } from '../../domain/errors.js';
import { applyChange } from '../../domain/order-change.js';
import type { OrderAggregate } from '../../domain/order.js';
import { loadAggregate } from '../../store/orders-repository.js';
import type { Queryable } from '../../store/db.js';
import type { CoreContext } from '../context.js';
import type { SyncPayload } from '../scheduled-jobs.js';
import { writeOrder, type OrderTarget, type OrderWrite } from './order-write.js';

/**
 * The one lifecycle of every gateway operation (authorize, capture, void, refund, remainder
 * release, and the status sync that settles them):
 *
 *   read and decide → one guarded intent write → the gateway call → one guarded answer write → reply
 *
 * Each write is a single statement guarded by the order's version (store/order-writes.ts), so no
 * transaction or lock is held across the gateway call and two requests that read the same order
 * cannot both write: the loser reads again and decides again — exactly what waiting on a row lock
 * and re-checking used to do. The reply is the order as read plus the changes written (all known
 * values, domain/order-change.ts), so the happy path is three statements: read, intent, answer.
 *
 * A verb is a small spec: its rules (`decide`), what its intent writes, how it calls the gateway,
 * how it asks again later (`inquire`), and what an answer writes (`answer`): state transition by
 * event, operation row, ledger postings, jobs, webhook event.
 */
export type Decision<Plan, Stop = never> = { kind: 'start'; plan: Plan } | { kind: 'replay' } | { kind: 'stop'; stop: Stop };

/** How a verb records a gateway answer. */
export interface AnswerSpec<Plan, Outcome> {
  /** The answer's write on the order as it is now; undefined when there is nothing (left) to record. */
  answer(current: OrderAggregate, plan: Plan, outcome: Outcome, ctx: CoreContext, now: Date): OrderWrite | undefined;
}

/** How a verb's unsettled operation is settled by the status sync. */
export interface SettleSpec<Plan, Outcome> extends AnswerSpec<Plan, Outcome> {
  /** The operation an inquiry is about, as the order holds it; undefined when it needs no inquiry (gone, or already final). */
  planFor(ctx: CoreContext, read: OrderAggregate, operationId: string): Promise<Plan | undefined> | Plan | undefined;
  /** Asks the gateway what became of it (an operation it never received is sent again). */
  inquire(ctx: CoreContext, plan: Plan): Promise<Outcome>;
  /** Whether the outcome is worth recording; a pending or unknown one is asked about again later. */
  isFinal(outcome: Outcome): boolean;
  /** Whether nothing is left to do once it is recorded (Default: yes). */
  isDone?(outcome: Outcome): boolean;
}

/** A verb started by a request: its rules, its intent and its call. */
export interface OperationSpec<Input, Plan, Outcome, Stop = never> extends AnswerSpec<Plan, Outcome> {
  decide(read: OrderAggregate, input: Input, ctx: CoreContext, now: Date): Decision<Plan, Stop>;
  intent(read: OrderAggregate, plan: Plan, input: Input, ctx: CoreContext, now: Date): OrderWrite;
  call(ctx: CoreContext, plan: Plan, order: OrderAggregate): Promise<Outcome>;
}

export type OperationResult<Plan, Stop> =
  | { kind: 'done'; plan: Plan; aggregate: OrderAggregate }
  | { kind: 'replay'; aggregate: OrderAggregate }
  | { kind: 'stop'; stop: Stop; aggregate: OrderAggregate };

/**
 * Reads before a write that found the order changed under it. Each retry means another request
 * won a race, and one always wins, so this only bounds a request's wait when many operations hit
 * one order at once: every competitor's intent and answer each move the version on, so N
 * concurrent refunds of one order may make the last one retry about 2N times.
 */
const MAX_ATTEMPTS = 64;

/** An order of this merchant; another merchant's order is reported exactly like a missing one. */
export async function readOrder(ctx: CoreContext, target: OrderTarget): Promise<OrderAggregate> {
  const aggregate = await loadAggregate(ctx.db, target.merchantId, target.orderId);
  if (!aggregate) throw notFound('order');
  return aggregate;
}

/** The whole lifecycle for a request; `read` is the order as the caller has just read it (saves that read). */
export async function runOperation<Input, Plan, Outcome, Stop>(
  ctx: CoreContext,
  spec: OperationSpec<Input, Plan, Outcome, Stop>,
  target: OrderTarget,
  input: Input,
  read?: OrderAggregate,
): Promise<OperationResult<Plan, Stop>> {
  const now = ctx.clock.now();
  for (let attempt = 1; ; attempt++) {
    const current = attempt === 1 && read ? read : await readOrder(ctx, target);
    const decision = spec.decide(current, input, ctx, now);
    if (decision.kind === 'replay') return { kind: 'replay', aggregate: current };
    if (decision.kind === 'stop') return { kind: 'stop', stop: decision.stop, aggregate: current };
    const intent = spec.intent(current, decision.plan, input, ctx, now);
    if (await writeOrder(ctx, target, intent, now)) {
      const started = applyChange(current, intent.change, now);
      const outcome = await spec.call(ctx, decision.plan, started);
      return { kind: 'done', plan: decision.plan, aggregate: await recordAnswer(ctx, spec, target, started, decision.plan, outcome) };
    }
    if (attempt >= MAX_ATTEMPTS) {
      throw new HoldfastError('invalid_state', 'the order is changing too fast: try again', { state: current.order.state });
    }
  }
}

/**
 * Records a gateway answer on the order `known` (as last read or written). If the order changed
 * meanwhile (another path recorded something), it reads again and asks the spec again: an answer
 * already recorded is then a no-op. Returns the order after.
 */
export async function recordAnswer<Plan, Outcome>(
  ctx: CoreContext,
  spec: AnswerSpec<Plan, Outcome>,
  target: OrderTarget,
  known: OrderAggregate,
  plan: Plan,
  outcome: Outcome,
): Promise<OrderAggregate> {
  return (await recordAnswerOnce(ctx, spec, target, known, plan, outcome)).aggregate;
}

/** Writes made with an answer, in its transaction, given the order as the answer leaves it. */
export type AlongsideAnswer = (tx: Queryable, after: OrderAggregate) => Promise<void>;

/**
 * recordAnswer, telling whether this call's write is the one that recorded the answer (false: it
 * was recorded already, or there was nothing to record); `alongside` is written with it, in its
 * transaction, exactly when it is.
 */
export async function recordAnswerOnce<Plan, Outcome>(
  ctx: CoreContext,
  spec: AnswerSpec<Plan, Outcome>,
  target: OrderTarget,
  known: OrderAggregate,
  plan: Plan,
  outcome: Outcome,
  alongside?: AlongsideAnswer,
): Promise<{ aggregate: OrderAggregate; recorded: boolean }> {
  const now = ctx.clock.now();
  let current = known;
  for (let attempt = 1; ; attempt++) {
    const write = spec.answer(current, plan, outcome, ctx, now);
    if (!write) return { aggregate: current, recorded: false };
    const after = applyChange(current, write.change, now);
    const withAlongside = alongside ? { ...write, alongside: (tx: Queryable) => alongside(tx, after) } : write;
    if (await writeOrder(ctx, target, withAlongside, now)) return { aggregate: after, recorded: true };
    current = await readOrder(ctx, target);
    // The money may have moved: never fail the request now. The answer is left to the status sync
    // scheduled with the intent, and the reply is the order as it is (the operation still pending).
    if (attempt >= MAX_ATTEMPTS) return { aggregate: current, recorded: false };
  }
}

/** What a background step concluded: finished, or to be tried again later. */
export type StepResult = 'done' | 'retry';

/**
 * Status sync: asks the gateway what became of an operation whose answer was pending, never came,
 * or was never recorded, and records the answer once it is final. Nothing is guessed: while the
 * gateway cannot tell, the job tries again later.
 */
export async function settleOperation<Plan, Outcome>(
  ctx: CoreContext,
  spec: SettleSpec<Plan, Outcome>,
  payload: SyncPayload,
): Promise<StepResult> {
  const target = { merchantId: payload.merchantId, orderId: payload.orderId };
  const read = await loadAggregate(ctx.db, target.merchantId, target.orderId);
  const plan = read ? await spec.planFor(ctx, read, payload.operationId) : undefined;
  if (!read || plan === undefined) return 'done';
  const outcome = await spec.inquire(ctx, plan);
  if (!spec.isFinal(outcome)) return 'retry';
  await recordAnswer(ctx, spec, target, read, plan, outcome);
  return (spec.isDone?.(outcome) ?? true) ? 'done' : 'retry';
}

/**
 * Settles an operation with a final answer learnt outside an inquiry (an operator confirmed it at
 * the gateway; the sandbox tools answer as the gateway would), recorded exactly as the status sync
 * records an inquiry's. Undefined when the operation needs no answer (gone, or already final) or
 * another answer was recorded first; otherwise the order after, with `alongside` written in the
 * answer's transaction.
 */
export async function settleWithOutcome<Plan, Outcome>(
  ctx: CoreContext,
  spec: SettleSpec<Plan, Outcome>,
  read: OrderAggregate,
  operationId: string,
  outcome: Outcome,
  alongside?: AlongsideAnswer,
): Promise<OrderAggregate | undefined> {
  const target = { merchantId: read.order.merchantId, orderId: read.order.id };
  const plan = await spec.planFor(ctx, read, operationId);
  if (plan === undefined || !spec.isFinal(outcome)) return undefined;
  const result = await recordAnswerOnce(ctx, spec, target, read, plan, outcome, alongside);
  return result.recorded ? result.aggregate : undefined;
}
