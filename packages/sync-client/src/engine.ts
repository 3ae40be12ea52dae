import { SYNC_MAX_BATCH, type SyncMutation, type SyncPullResponse } from '@gapal/shared';
import { type OutboxEntry, readMeta, type SyncDatabase } from './database.ts';
import { runExclusive } from './lock.ts';
import { SyncRequestError, type SyncTransport, TemporarySyncError } from './transport.ts';

export type SyncState = {
  /** Changes not yet acknowledged by the server. */
  pending: number;
  /** When a whole cycle (push then pull) last succeeded. */
  lastSyncAt: string | null;
  syncing: boolean;
  /** The last failure, cleared by the next successful cycle. */
  error: string | null;
  /** Changes the server refused, with its reason, until the UI dismisses them. */
  rejected: OutboxEntry[];
  /** When the next automatic attempt is due after a failure (backoff). */
  retryAt: string | null;
};

export type SyncEngineOptions = {
  db: SyncDatabase;
  transport: SyncTransport;
  deviceId: string;
  batchSize?: number;
  pullLimit?: number;
  /** Periodic sync while started. */
  intervalMs?: number;
  /** Quiet time after a local write before syncing, so a burst of writes goes in one push. */
  debounceMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** The lock name: one runner per origin (Web Locks), whatever the number of tabs. */
  lockName?: string;
  /** Where `online` and `focus` come from; the browser's window by default when there is one. */
  events?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  random?: () => number;
};

export type SyncEngine = {
  /** Installs the triggers (start, online, focus, timer) and syncs once. */
  start(): void;
  stop(): void;
  /** One push-then-pull cycle now (waits for a running one). Never throws; see `state.error`. */
  syncNow(): Promise<void>;
  /** Tells the engine a local write happened: it syncs after `debounceMs`. */
  notifyWrite(): void;
  getState(): SyncState;
  subscribe(listener: (state: SyncState) => void): () => void;
  /** Refreshes `pending` and `rejected` from the database. */
  refresh(): Promise<void>;
};

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { db, transport, deviceId } = options;
  const batchSize = Math.min(options.batchSize ?? 50, SYNC_MAX_BATCH);
  const pullLimit = options.pullLimit ?? 500;
  const backoff = options.backoff ?? { baseMs: 1_000, maxMs: 5 * 60_000 };
  const random = options.random ?? Math.random;
  const lockName = options.lockName ?? 'gapal-sync';
  const events =
    options.events ?? (typeof window === 'undefined' ? undefined : (window as unknown as EventTarget));

  let state: SyncState = {
    pending: 0,
    lastSyncAt: null,
    syncing: false,
    error: null,
    rejected: [],
    retryAt: null,
  };
  const listeners = new Set<(state: SyncState) => void>();
  let failures = 0;
  let started = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;

  const setState = (changes: Partial<SyncState>) => {
    state = { ...state, ...changes };
    for (const listener of listeners) listener(state);
  };

  async function refresh(): Promise<void> {
    const [pending, rejected, lastSyncAt] = await Promise.all([
      db.outbox.where('status').equals('pending').count(),
      db.outbox.where('status').equals('rejected').sortBy('seq'),
      readMeta<string>(db, 'last_sync_at'),
    ]);
    setState({ pending, rejected, lastSyncAt: lastSyncAt ?? null });
  }

  async function pushAll(): Promise<void> {
    for (;;) {
      const batch = await db.outbox.where('status').equals('pending').sortBy('seq');
      if (batch.length === 0) return;
      const sending = batch.slice(0, batchSize);
      const response = await transport.push(deviceId, sending.map(toWire));
      await db.transaction('rw', db.outbox, db.meta, async () => {
        for (const result of response.results) {
          const entry = sending.find((candidate) => candidate.id === result.id);
          if (!entry) continue;
          const outcome = result.status === 'duplicate' ? result.original_status : result.status;
          if (outcome === 'applied') {
            await db.outbox.put({ ...entry, status: 'acked', result: result.order ?? null });
          } else if (outcome === 'rejected') {
            await db.outbox.put({
              ...entry,
              status: 'rejected',
              ...(result.reason ? { reason: result.reason } : {}),
              current: result.current ?? null,
            });
          }
        }
        const refused = response.results.find((result) => result.reason?.code === 'seq_out_of_order');
        const expected = response.stopped?.expected_seq ?? (refused ? response.last_seq + 1 : undefined);
        if (expected !== undefined) await renumber(db, expected);
      });
      const progressed = response.results.some((result) => result.status !== 'skipped');
      if (!progressed && !response.stopped) return;
    }
  }

  async function pullAll(): Promise<void> {
    for (;;) {
      const cursor = await readMeta<string>(db, 'cursor');
      const page = await transport.pull(deviceId, cursor, pullLimit);
      await savePage(db, page);
      if (!page.has_more) return;
    }
  }

  async function cycle(): Promise<void> {
    setState({ syncing: true });
    try {
      await runExclusive(lockName, async () => {
        await pushAll();
        await pullAll();
        await db.meta.put({ key: 'last_sync_at', value: new Date().toISOString() });
      });
      failures = 0;
      setState({ error: null, retryAt: null });
    } catch (error) {
      setState({ error: (error as Error).message });
      if (error instanceof TemporarySyncError) scheduleRetry(error.retryAfterMs);
      else if (!(error instanceof SyncRequestError)) scheduleRetry();
    } finally {
      await refresh();
      setState({ syncing: false });
    }
  }

  /** Exponential backoff with full jitter: many phones back online together don't retry in step. */
  function scheduleRetry(serverHintMs?: number): void {
    failures += 1;
    const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (failures - 1));
    const delay = Math.max(serverHintMs ?? 0, Math.round(ceiling / 2 + (random() * ceiling) / 2));
    setState({ retryAt: new Date(Date.now() + delay).toISOString() });
    clearTimeout(retry);
    if (started) retry = setTimeout(() => void syncNow(), delay);
  }

  function syncNow(): Promise<void> {
    // A cycle asked for while one runs waits for it, then runs once more (it may have new writes).
    const next = (running ?? Promise.resolve()).then(cycle);
    running = next.finally(() => {
      if (running === next) running = undefined;
    });
    return next;
  }

  const onOnline = () => void syncNow();
  const onFocus = () => void syncNow();

  return {
    start() {
      if (started) return;
      started = true;
      events?.addEventListener('online', onOnline);
      events?.addEventListener('focus', onFocus);
      events?.addEventListener('visibilitychange', onFocus);
      if (options.intervalMs) timer = setInterval(() => void syncNow(), options.intervalMs);
      void syncNow();
    },
    stop() {
      started = false;
      events?.removeEventListener('online', onOnline);
      events?.removeEventListener('focus', onFocus);
      events?.removeEventListener('visibilitychange', onFocus);
      clearInterval(timer);
      clearTimeout(debounce);
      clearTimeout(retry);
    },
    syncNow,
    notifyWrite() {
      void refresh();
      clearTimeout(debounce);
      debounce = setTimeout(() => void syncNow(), options.debounceMs ?? 2_000);
    },
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      listener(state);
      return () => listeners.delete(listener);
    },
    refresh,
  };
}

function toWire(entry: OutboxEntry): SyncMutation {
  return {
    id: entry.id,
    seq: entry.seq,
    name: entry.name,
    args: entry.args,
    ...(entry.base_version === undefined ? {} : { base_version: entry.base_version }),
    client_time: entry.client_time,
  };
}

/**
 * The server expects another sequence than ours (a reinstalled phone, a restored backup): the
 * pending changes keep their order and take the numbers from `expected` on.
 */
async function renumber(db: SyncDatabase, expected: number): Promise<void> {
  const pending = await db.outbox.where('status').equals('pending').sortBy('seq');
  if (pending.length === 0 || pending[0]!.seq === expected) return;
  await db.outbox.bulkDelete(pending.map((entry) => entry.seq));
  const used = new Set((await db.outbox.toCollection().primaryKeys()) as number[]);
  let seq = expected;
  const moved: OutboxEntry[] = [];
  for (const entry of pending) {
    while (used.has(seq)) seq += 1;
    // A new sequence is a new mutation for the server: a new id, so no stored result is reused.
    moved.push({ ...entry, seq, id: crypto.randomUUID() });
    seq += 1;
  }
  await db.outbox.bulkPut(moved);
  await db.meta.put({ key: 'next_seq', value: seq });
}

/** One page and its cursor in one transaction: a crash never leaves data without its cursor. */
async function savePage(db: SyncDatabase, page: SyncPullResponse): Promise<void> {
  await db.transaction('rw', [db.categories, db.products, db.orders, db.outbox, db.meta], async () => {
    if (page.reset) {
      await Promise.all([db.categories.clear(), db.products.clear(), db.orders.clear()]);
    }
    await db.categories.bulkPut(page.categories);
    await db.products.bulkPut(page.products);
    await db.orders.bulkPut(page.orders);
    for (const gone of page.deleted) {
      if (gone.stream === 'category') await db.categories.delete(gone.id);
      else if (gone.stream === 'product') await db.products.delete(gone.id);
      else await db.orders.where('id').equals(gone.id).delete();
    }
    await db.meta.put({ key: 'cursor', value: page.cursor });
    if (!page.has_more) {
      // The server rows now carry what was acknowledged: the overlay entries can go.
      const acked = await db.outbox.where('status').equals('acked').toArray();
      const current = new Map((await db.orders.toArray()).map((order) => [order.local_id, order.version]));
      const done = acked.filter((entry) => {
        const version = current.get(entry.args.local_id as string);
        if (!entry.result) return true;
        // A new order stays in the overlay until a pull brings it (the pull may lag behind the push).
        if (version === undefined) return entry.name !== 'create_order';
        return version >= entry.result.version;
      });
      await db.outbox.bulkDelete(done.map((entry) => entry.seq));
    }
    // A phone that lost its counter (reinstall) continues after what the server has seen.
    const next = (await readMeta<number>(db, 'next_seq')) ?? 1;
    const highest = (await db.outbox.orderBy('seq').last())?.seq ?? 0;
    const floor = Math.max(page.last_seq + 1, highest + 1);
    if (next < floor) await db.meta.put({ key: 'next_seq', value: floor });
  });
}
