import { LRUCache } from 'lru-cache';

/**
 * The identities behind access tokens (user, role, site, device state), kept for a short time
 * so that a busy client's requests don't each read them again: that read was a third of
 * PostgreSQL's CPU per delivery (bench/RESULTS.md, seventh session).
 *
 * Only a usable identity is kept (active user, device not revoked); a refusal is read again
 * every time. The routes that change users and devices clear the whole cache before they
 * answer (users.routes.ts, devices.routes.ts), so in this process a deactivation, a role or site
 * change or a revocation applies to the very next request. Every other process clears its cache
 * when the session end published after the change reaches it (realtime/session-end.ts, through
 * Redis); a change made outside the API is seen within `ttlMs`.
 */
export type IdentityCache<T> = {
  /** The identity under `key`: kept, or loaded by `load` and kept when `keep` says so. */
  read(key: string, load: () => Promise<T | undefined>, keep: (value: T) => boolean): Promise<T | undefined>;
  /** Forgets every identity; a load already running when this is called is not kept. */
  clear(): void;
};

/** One second: long enough for a client's burst of requests, short enough for another process's change. */
const IDENTITY_TTL_MS = 1_000;

export function createIdentityCache<T extends {}>(
  options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
): IdentityCache<T> {
  const ttlMs = options.ttlMs ?? IDENTITY_TTL_MS;
  // Bounded (the least recently used identity goes past the limit), each kept `ttlMs`.
  const entries = new LRUCache<string, T>({
    max: options.maxEntries ?? 10_000,
    ttl: ttlMs,
    // Read the clock on every check rather than once per millisecond (lru-cache's default):
    // a kept identity is stale as soon as its time is up.
    ttlResolution: 0,
    ...(options.now ? { perf: { now: options.now } } : {}),
  });
  /** Bumped by `clear`: a load that started before it may have read what the change replaced. */
  let generation = 0;
  return {
    async read(key, load, keep) {
      const kept = entries.get(key);
      if (kept !== undefined) return kept;
      const started = generation;
      const value = await load();
      if (value !== undefined && keep(value) && started === generation && ttlMs > 0) entries.set(key, value);
      return value;
    },
    clear() {
      generation += 1;
      entries.clear();
    },
  };
}
