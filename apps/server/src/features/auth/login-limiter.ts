import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/**
 * Counts failed logins per account within a sliding window. With Redis (`REDIS_URL`) the count
 * is shared by every server process, so several processes don't multiply what one allows;
 * without it, each process keeps its own.
 */
export type LoginLimiter = {
  /** Seconds until the account may try again, or 0 when it may now. */
  retryAfterSeconds(key: string): Promise<number>;
  recordFailure(key: string): Promise<void>;
  reset(key: string): Promise<void>;
};

type Settings = { maxFailures: number; windowMs: number; now?: () => number };

export function createLoginLimiter(
  settings: Settings & { redis: Redis | null; keyPrefix: string; log: Pick<FastifyBaseLogger, 'warn'> },
): LoginLimiter {
  return settings.redis
    ? new RedisLoginLimiter(settings.redis, `${settings.keyPrefix}login-failures:`, settings, settings.log)
    : new MemoryLoginLimiter(settings);
}

/** Seconds left before the oldest of the last `maxFailures` failures leaves the window (at least 1). */
function secondsUntilFree(oldest: number, windowMs: number, now: number): number {
  return Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
}

/** How many accounts the in-process limiter follows at most (the least recently failed go first). */
const MEMORY_LIMITER_ACCOUNTS = 50_000;

export class MemoryLoginLimiter implements LoginLimiter {
  /** Per account, its failures' times; an account's entry goes a window after its last failure. */
  private readonly failures: LRUCache<string, number[]>;
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(settings: Settings) {
    this.maxFailures = settings.maxFailures;
    this.windowMs = settings.windowMs;
    this.now = settings.now ?? Date.now;
    this.failures = new LRUCache<string, number[]>({
      max: MEMORY_LIMITER_ACCOUNTS,
      ttl: Math.max(1, Math.ceil(settings.windowMs)),
      ttlResolution: 0,
      ...(settings.now ? { perf: { now: settings.now } } : {}),
    });
  }

  async retryAfterSeconds(key: string): Promise<number> {
    const recent = this.recent(key);
    if (recent.length < this.maxFailures) return 0;
    const oldest = recent[recent.length - this.maxFailures] ?? this.now();
    return secondsUntilFree(oldest, this.windowMs, this.now());
  }

  async recordFailure(key: string): Promise<void> {
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.set(key, recent);
  }

  async reset(key: string): Promise<void> {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(key) ?? []).filter((at) => at > since);
  }
}

/**
 * One sorted set per account, scored by the failure's time, trimmed to the window and expiring
 * with it. When Redis can't be reached the check lets the attempt through (logged): a Redis
 * outage must not lock every user out; the per-IP limit still applies.
 */
export class RedisLoginLimiter implements LoginLimiter {
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    settings: Settings,
    private readonly log: Pick<FastifyBaseLogger, 'warn'>,
  ) {
    this.maxFailures = settings.maxFailures;
    this.windowMs = settings.windowMs;
    this.now = settings.now ?? Date.now;
  }

  async retryAfterSeconds(key: string): Promise<number> {
    const now = this.now();
    try {
      const results = await this.redis
        .multi()
        .zremrangebyscore(this.prefix + key, '-inf', now - this.windowMs)
        .zcard(this.prefix + key)
        // The failure that must leave the window before another attempt: the max-th most recent.
        .zrange(this.prefix + key, String(-this.maxFailures), String(-this.maxFailures), 'WITHSCORES')
        .exec();
      const count = Number(results?.[1]?.[1] ?? 0);
      if (count < this.maxFailures) return 0;
      const [, score] = (results?.[2]?.[1] as string[] | undefined) ?? [];
      return secondsUntilFree(Number(score ?? now), this.windowMs, now);
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'login failures not read from redis');
      return 0;
    }
  }

  async recordFailure(key: string): Promise<void> {
    const now = this.now();
    try {
      await this.redis
        .multi()
        .zadd(this.prefix + key, now, `${now}:${crypto.randomUUID()}`)
        .zremrangebyscore(this.prefix + key, '-inf', now - this.windowMs)
        .pexpire(this.prefix + key, this.windowMs)
        .exec();
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'login failure not counted in redis');
    }
  }

  async reset(key: string): Promise<void> {
    try {
      await this.redis.del(this.prefix + key);
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'login failures not cleared in redis');
    }
  }
}
