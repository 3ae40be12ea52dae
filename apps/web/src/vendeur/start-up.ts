/**
 * The order of a reopen: the orders list is read and painted first; the work that can wait (the
 * sync engine's start with its history pruning, the storage checks) starts only then, so its
 * IndexedDB transactions and browser calls never queue in front of the list's reads.
 */
let shown = false;
const waiting = new Set<() => void>();

/** Called by the orders screen once its first read is on the screen (cards or the empty list). */
export function markFirstScreenShown(): void {
  if (shown) return;
  shown = true;
  for (const work of waiting) work();
  waiting.clear();
}

/**
 * Runs `work` once the first screen is shown (at once if it already was), or after `fallbackMs`
 * whatever happens (a read that failed must not keep the phone from syncing). Returns a cancel
 * function, for an effect's clean-up.
 */
export function afterFirstScreen(work: () => void, fallbackMs = 3_000): () => void {
  if (shown) {
    work();
    return () => undefined;
  }
  const run = () => {
    clearTimeout(timer);
    waiting.delete(run);
    work();
  };
  const timer = setTimeout(run, fallbackMs);
  waiting.add(run);
  return () => {
    clearTimeout(timer);
    waiting.delete(run);
  };
}
