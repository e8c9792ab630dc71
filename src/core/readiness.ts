import { pingDatabase } from '../store/database-ping.js';
import type { CoreContext } from './context.js';

/**
 * Whether the database answers a trivial statement within `timeoutMs`: what /readyz reports, so a
 * load balancer stops sending requests that could only be answered 503 (docs/database-faults.md).
 * The wait is bounded here, not only by the pool's own timeouts, so a probe never hangs.
 */
export async function databaseReady(ctx: Pick<CoreContext, 'db'>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, timeoutMs);
  });
  const answered = pingDatabase(ctx.db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
