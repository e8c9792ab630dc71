import type { Operation, OrderAggregate, Payment, Release } from '../domain/order.js';
import type { UpstreamEvent } from '../connectors/gateway.js';
import { findUpstreamPayment } from '../store/payments-repository.js';
import { recordUpstreamEvent, upstreamEventSeen } from '../store/upstream-events-repository.js';
import type { CoreContext } from './context.js';
import { authorizationPlan, authorizeSpec } from './operations/authorize.js';
import { isSettled } from './operations/gateway-requests.js';
import { voidLateAuthorization } from './operations/late-authorization.js';
import { readOrder, recordAnswer, type StepResult } from './operations/pipeline.js';
import type { SyncPayload } from './scheduled-jobs.js';
import { releaseRemainder, settleLateVoid, syncOperation } from './status-sync.js';

/** What a verified upstream webhook or browser return names: our attempt, or the upstream's order. */
export interface UpstreamHint {
  paymentId: string | null;
  connectorReference: string | null;
}

/**
 * A verified webhook or browser return from an upstream gateway is only a hint (docs/gateways.md):
 * Holdfast reads the upstream again and records what it says exactly as the status sync would,
 * through the same guarded writes, so the two never both record an answer and a final state never
 * goes back. An attempt Holdfast had already ended that the upstream now reports authorized is
 * voided there (docs/failover.md). Returns the order after, or undefined when the hint names no
 * attempt sent through this gateway account.
 */
export async function settleFromUpstream(ctx: CoreContext, connector: string, hint: UpstreamHint): Promise<OrderAggregate | undefined> {
  const found = await findUpstreamPayment(ctx.db, connector, hint);
  return found ? settleAttempt(ctx, found) : undefined;
}

/**
 * A verified browser return names the attempt twice: by its path (our payment id) and by the
 * upstream order its signature covers. It is acted on only when the two agree, checked before the
 * upstream is read, so a genuine return sent to another attempt's path changes nothing. Returns
 * the order after, or undefined when they do not agree.
 */
export async function settleReturnFromUpstream(
  ctx: CoreContext,
  connector: string,
  paymentId: string,
  signedReference: string,
): Promise<OrderAggregate | undefined> {
  const found = await findUpstreamPayment(ctx.db, connector, { paymentId, connectorReference: null });
  return found ? settleAttempt(ctx, found, signedReference) : undefined;
}

async function settleAttempt(
  ctx: CoreContext,
  found: { merchantId: string; orderId: string; paymentId: string },
  signedReference?: string,
): Promise<OrderAggregate | undefined> {
  const target = { merchantId: found.merchantId, orderId: found.orderId };
  const read = await readOrder(ctx, target);
  const payment = read.payments.find((p) => p.id === found.paymentId);
  if (signedReference !== undefined && payment?.connectorReference !== signedReference) return undefined;
  if (!payment) return read;
  if (payment.status === 'PENDING') {
    // An authorization whose call may still be under way is left to that call (or the status sync):
    // asking now could find the upstream order without its payment yet and end the attempt early.
    // One held at the upstream's 3-D Secure page is waiting for the customer, not for a call.
    if (payment.challengeId === null && sentRecently(ctx, payment.updatedAt)) return read;
    return settleAuthorization(ctx, read, payment);
  }
  if (payment.status === 'FAILED') return (await settleEndedAttempt(ctx, read, payment)) ?? read;
  await settleOperationsOf(ctx, read, payment);
  return readOrder(ctx, target);
}

/**
 * A verified upstream webhook, acted on once per event id: `duplicate` when it was already,
 * `unknown_order` when it names no attempt sent through this account, else `applied`. The event is
 * recorded after it was acted on, so one whose handling failed is handled again when resent.
 */
export async function actOnUpstreamEvent(
  ctx: CoreContext,
  connector: string,
  event: UpstreamEvent,
): Promise<'duplicate' | 'unknown_order' | 'applied'> {
  if (await upstreamEventSeen(ctx.db, connector, event.eventId)) return 'duplicate';
  const after = await settleFromUpstream(ctx, connector, { paymentId: event.paymentId, connectorReference: event.connectorReference });
  await recordUpstreamEvent(ctx.db, connector, event.eventId, event.paymentId, ctx.clock.now());
  return after ? 'applied' : 'unknown_order';
}

/** A pending authorization (an unknown outcome, or an upstream 3-D Secure challenge): recorded once final. */
async function settleAuthorization(ctx: CoreContext, read: OrderAggregate, payment: Payment): Promise<OrderAggregate> {
  const plan = await authorizationPlan(ctx, read, payment);
  const outcome = await authorizeSpec.inquire(ctx, plan);
  if (!authorizeSpec.isFinal(outcome)) return read;
  return recordAnswer(ctx, authorizeSpec, { merchantId: read.order.merchantId, orderId: read.order.id }, read, plan, outcome);
}

/** An attempt already ended: only an authorization reported after the end matters, and it is voided. */
async function settleEndedAttempt(ctx: CoreContext, read: OrderAggregate, payment: Payment): Promise<OrderAggregate | undefined> {
  if (read.reversals.some((r) => r.paymentId === payment.id)) return undefined;
  const outcome = await ctx.gateway.inquireAuthorization(payment.connector, {
    paymentId: payment.id,
    connectorReference: payment.connectorReference,
    capture: !read.order.preAuth,
  });
  return outcome.kind === 'approved' ? voidLateAuthorization(ctx, read, payment, outcome) : undefined;
}

/**
 * Every capture, release and refund of the attempt still waiting for the gateway's answer, except
 * those whose call may still be under way (mayBeInFlight): their own call or the status sync settles them.
 */
async function settleOperationsOf(ctx: CoreContext, read: OrderAggregate, payment: Payment): Promise<void> {
  const payloadOf = (operationId: string): SyncPayload => ({ merchantId: read.order.merchantId, orderId: read.order.id, operationId });
  const ours = (operation: Operation) => operation.paymentId === payment.id && !mayBeInFlight(ctx, operation);
  const steps: Array<() => Promise<StepResult>> = [
    ...read.captures.filter((c) => ours(c) && !isSettled(c)).map((c) => () => syncOperation(ctx, 'capture', payloadOf(c.id))),
    ...read.reversals
      .filter((r) => ours(r) && isOpenRelease(r))
      .map((r) => () => {
        if (r.kind === 'REMAINDER') return releaseRemainder(ctx, payloadOf(r.id));
        if (r.kind === 'LATE_VOID') return settleLateVoid(ctx, payloadOf(r.id));
        return syncOperation(ctx, 'reversal', payloadOf(r.id));
      }),
    ...read.refunds.filter((r) => ours(r) && !isSettled(r)).map((r) => () => syncOperation(ctx, 'refund', payloadOf(r.id))),
  ];
  for (const step of steps) await step();
}

/**
 * Whether the call that sent `operation` may still be under way at the upstream: no answer from it
 * yet (or none that said anything) and less time since than the status sync's first inquiry waits
 * (docs/gateways.md). Asking then can find nothing and send it again, and an upstream refuses a
 * second void while the first is in progress: that refusal would be recorded as the outcome while
 * the first void goes through.
 */
function mayBeInFlight(ctx: CoreContext, operation: Operation): boolean {
  if (operation.status !== 'INITIATED' && operation.status !== 'UNKNOWN') return false;
  return sentRecently(ctx, operation.updatedAt);
}

/** Less time since `at` than the status sync's first inquiry waits: a call sent then may still be under way. */
function sentRecently(ctx: CoreContext, at: Date): boolean {
  const { firstDelayMs, upstreamFirstDelayMs = 0 } = ctx.syncPolicy;
  return ctx.clock.now().getTime() - at.getTime() < Math.max(firstDelayMs, upstreamFirstDelayMs);
}

/** A release still to confirm: a remainder's or a late void is retried even after a failure, since the money is still held. */
function isOpenRelease(release: Release): boolean {
  return release.kind === 'REMAINDER' || release.kind === 'LATE_VOID' ? release.status !== 'SUCCEEDED' : !isSettled(release);
}
