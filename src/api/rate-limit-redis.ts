import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * The Redis connection that shares the request limits between processes (HOLDFAST_REDIS_URL).
 * Commands never wait for a connection that is down (no offline queue, one try, a short timeout):
 * the limits then count nothing (api/rate-limits.ts), and requests are not held up. Being down
 * and coming back are each logged once.
 */
export async function openLimitRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: error }, 'Redis unreachable: request limits count nothing until it is back');
  });
  redis.on('ready', () => {
    if (down) logger.info('Redis reachable again: request limits are shared');
    down = false;
  });
  // Not fatal: the connection keeps retrying on its own, and until then nothing is limited.
  await redis.connect().catch(() => undefined);
  return redis;
}
