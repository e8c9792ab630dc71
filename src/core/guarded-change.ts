import type { GuardedWrite } from '../store/guarded-write.js';
import type { CoreContext } from './context.js';
import type { OrderEvent } from './events.js';

/**
 * Applies a guarded state change (see store/guarded-write.ts) and records its event, if any. When
 * the event sink would store nothing for the merchant, the change is one statement with that
 * condition in its guard; otherwise (or if the guard missed for any reason) it runs again in a
 * transaction together with the event, so an event exists exactly when the change does.
 * `build` must return a fresh write each time. True when the change was made.
 */
export async function applyGuardedChange(
  ctx: CoreContext,
  build: () => GuardedWrite,
  event: OrderEvent | undefined,
  now: Date,
): Promise<boolean> {
  if (!event) return build().run(ctx.db);
  const silentCondition = ctx.events.silentCondition;
  if (silentCondition) {
    const write = build();
    write.alsoRequire(silentCondition(write, event.merchantId));
    if (await write.run(ctx.db)) return true;
  }
  return ctx.db.transaction(async (tx) => {
    if (!(await build().run(tx))) return false;
    await ctx.events.record(tx, event, now);
    return true;
  });
}
