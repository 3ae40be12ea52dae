import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';

/**
 * The connection for counters shared by every server process (login failures, rate limits).
 * Commands fail at once while Redis is away (no offline queue), so a request never waits on it;
 * the callers then let the request through. Fails the start-up when Redis can't be reached.
 */
export async function openCountersRedis(url: string, log: Pick<FastifyBaseLogger, 'warn'>): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    connectionName: 'gapal-counters',
  });
  redis.on('error', (error: Error) => log.warn({ err: error.message }, 'redis connection error'));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}
