type LockManagerLike = {
  request<T>(name: string, options: { mode: 'exclusive' }, callback: () => Promise<T>): Promise<T>;
};

// Where Web Locks are missing (Node, old browsers): one queue per lock name in this JS realm.
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` while holding the named lock: with Web Locks, one holder per origin across every
 * tab and worker; otherwise one per JS realm (enough for Node and a single tab).
 */
export async function runExclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  if (locks) return locks.request(name, { mode: 'exclusive' }, work);
  const previous = queues.get(name) ?? Promise.resolve();
  const current = previous.then(work, work);
  const settled = current.catch(() => undefined);
  queues.set(name, settled);
  try {
    return await current;
  } finally {
    if (queues.get(name) === settled) queues.delete(name);
  }
}
