import type { AggregateChange } from '../../domain/order-change.js';
import { violatedUniqueConstraint, type Queryable } from '../../store/db.js';
import type { GuardedWrite } from '../../store/guarded-write.js';
import { deleteJobIn, enqueueJobIn } from '../../store/jobs-repository.js';
import { orderWrite } from '../../store/order-writes.js';
import { claimRequestKeyIn, findRequestKey, REQUEST_KEY_CONSTRAINT } from '../../store/request-keys-repository.js';
import type { CoreContext } from '../context.js';
import type { OrderNotification } from '../notifications.js';
import { RequestKeyTaken, type RequestKey } from '../request-key.js';
import type { JobChanges } from '../scheduled-jobs.js';

/** Which order a write is on. */
export interface OrderTarget {
  merchantId: string;
  orderId: string;
}

/** One write of an operation: the aggregate's change plus what rides with it in the same statement. */
export interface OrderWrite {
  change: AggregateChange;
  jobs?: JobChanges;
  /** The client's request id, claimed with the effect it names. */
  requestKey?: RequestKey | undefined;
  /** What happened, for the webhook outbox: recorded exactly when the change is. */
  notify?: OrderNotification;
  /** More writes in the change's transaction, made exactly when it is (an operator's audit entry). */
  alongside?: (tx: Queryable) => Promise<void>;
}

/**
 * Writes it as one guarded statement; false when the order no longer has the version the write was
 * decided on (another request won a race: the caller reads again and decides again). A request id
 * already taken throws RequestKeyTaken and writes nothing.
 */
export async function writeOrder(ctx: CoreContext, target: OrderTarget, write: OrderWrite, now: Date): Promise<boolean> {
  const build = () => orderStatement(target, write, now);
  return runClaimingRequestKey(ctx, target.merchantId, write.requestKey, () =>
    withNotification(ctx, build, write.notify, now, write.alongside),
  );
}

/** The one statement of a write (the benchmark renders the capture's from here too). */
export function orderStatement(target: OrderTarget, write: OrderWrite, now: Date): GuardedWrite {
  const w = orderWrite(target, write.change, now);
  for (const key of write.jobs?.cancel ?? []) deleteJobIn(w, key);
  for (const job of write.jobs?.enqueue ?? []) enqueueJobIn(w, job, now);
  if (write.requestKey) claimRequestKeyIn(w, target.merchantId, write.requestKey.id, write.requestKey.fingerprint, target.orderId, now);
  return w;
}

/**
 * Runs a guarded write that may claim a request id. The claim has no ON CONFLICT: a taken id fails
 * the whole statement, so the effect is not made either, and the dialect answers from the stored
 * record. Any other unique key taken means another request recorded the same thing first: the
 * write reports a lost race.
 */
export async function runClaimingRequestKey(
  ctx: CoreContext,
  merchantId: string,
  requestKey: RequestKey | undefined,
  run: () => Promise<boolean>,
): Promise<boolean> {
  try {
    return await run();
  } catch (error) {
    const constraint = violatedUniqueConstraint(error);
    if (constraint === undefined) throw error;
    if (constraint === REQUEST_KEY_CONSTRAINT && requestKey) {
      const stored = await findRequestKey(ctx.db, merchantId, requestKey.id);
      if (stored) throw new RequestKeyTaken(stored);
    }
    return false;
  }
}

/**
 * Applies a guarded write and records its notification, if any. When the sink would store nothing
 * for the merchant (no webhook URL), the change is one statement with that condition in its guard;
 * otherwise (or if the guard missed for any reason) it runs again in a transaction together with
 * the notification, so a notification exists exactly when the change does. Writes `alongside` the
 * change always take the transaction. `build` must return a fresh write each time.
 */
async function withNotification(
  ctx: CoreContext,
  build: () => GuardedWrite,
  notification: OrderNotification | undefined,
  now: Date,
  alongside?: (tx: Queryable) => Promise<void>,
): Promise<boolean> {
  if (!notification && !alongside) return build().run(ctx.db);
  const silent = notification && !alongside ? ctx.notifications.silentCondition?.(notification.merchantId) : undefined;
  if (silent) {
    const write = build();
    write.alsoRequire(silent);
    if (await write.run(ctx.db)) return true;
  }
  return ctx.db.transaction(async (tx) => {
    if (!(await build().run(tx))) return false;
    if (notification) await ctx.notifications.record(tx, notification, now);
    if (alongside) await alongside(tx);
    return true;
  });
}
