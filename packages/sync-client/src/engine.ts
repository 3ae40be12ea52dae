import {
  SYNC_MAX_BATCH,
  type SyncMutation,
  SyncMutationSchema,
  SyncOrderSchema,
  type SyncPullResponse,
  uuidv7,
} from '@gapal/shared';
import { storeClientPage } from './clients.ts';
import { type OutboxEntry, readMeta, type SyncDatabase } from './database.ts';
import { pruneHistory } from './history-pruning.ts';
import { runExclusive } from './lock.ts';
import {
  isOrderEntry,
  type OrderOutboxEntry,
  OutboxEntrySchema,
  parseStored,
  parseStoredRows,
} from './outbox.ts';
import {
  MalformedAnswerError,
  SyncRequestError,
  type SyncTransport,
  TemporarySyncError,
} from './transport.ts';
import { uploadVoiceNotes } from './voice-note-uploads.ts';

export type SyncState = {
  /**
   * Changes not yet acknowledged by the server; `null` until the outbox was first counted (an
   * engine not yet started knows nothing, and must never be read as "all sent").
   */
  pending: number | null;
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
  const events = options.events ?? (typeof window === 'undefined' ? undefined : window);

  let state: SyncState = {
    pending: null,
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
  let uploading: AbortController | undefined;

  const setState = (changes: Partial<SyncState>) => {
    state = { ...state, ...changes };
    for (const listener of listeners) listener(state);
  };

  async function refresh(): Promise<void> {
    const [pending, rejected, lastSyncAt] = await Promise.all([
      db.outbox.where('status').equals('pending').count(),
      db.outbox.where('status').equals('rejected').sortBy('seq'),
      readMeta(db, 'last_sync_at'),
    ]);
    setState({
      pending,
      rejected: parseStoredRows(OutboxEntrySchema, rejected, 'outbox'),
      lastSyncAt: lastSyncAt ?? null,
    });
  }

  async function pushAll(): Promise<void> {
    for (;;) {
      const batch = await db.outbox.where('status').equals('pending').limit(batchSize).sortBy('seq');
      if (batch.length === 0) return;
      const sending = batch.flatMap((row) => toWire(row) ?? []);
      if (sending.length < batch.length) {
        await setAsideUnreadable(db, batch, sending);
        continue;
      }
      const response = await transport.push(deviceId, sending);
      await db.transaction('rw', db.outbox, db.meta, async () => {
        for (const result of response.results) {
          const entry = sending.find((candidate) => candidate.id === result.id);
          if (!entry) continue;
          const outcome = result.status === 'duplicate' ? result.original_status : result.status;
          if (outcome === 'applied') {
            await db.outbox.update(entry.seq, {
              status: 'acked',
              result: result.order ?? null,
              ...(result.client ? { client: result.client } : {}),
            });
          } else if (outcome === 'rejected') {
            await db.outbox.update(entry.seq, {
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
      const cursor = await readMeta(db, 'cursor');
      const page = await transport.pull(deviceId, cursor, pullLimit);
      await savePage(db, page);
      if (!page.has_more) return;
    }
  }

  async function cycle(): Promise<void> {
    // The browser knows it has no network: no attempt (reading and checking every waiting entry
    // for a push bound to fail is start-up work that grows with them); 'online' brings the next.
    if (isKnownOffline()) {
      await refresh();
      setState({ error: 'offline', retryAt: null });
      return;
    }
    setState({ syncing: true });
    let succeeded = false;
    try {
      await runExclusive(lockName, async () => {
        await pushAll();
        await pullAll();
        await pruneHistory(db);
        await db.meta.put({ key: 'last_sync_at', value: new Date().toISOString() });
      });
      failures = 0;
      setState({ error: null, retryAt: null });
      succeeded = true;
    } catch (error) {
      if (error instanceof MalformedAnswerError) {
        console.warn(`gapal-sync: ${error.message}, nothing stored, retrying later`, error.issues);
      }
      setState({ error: error instanceof Error ? error.message : String(error) });
      if (error instanceof TemporarySyncError) scheduleRetry(error.retryAfterMs);
      else if (!(error instanceof SyncRequestError)) scheduleRetry();
    } finally {
      await refresh();
      setState({ syncing: false });
    }
    if (succeeded) await sendVoiceNotes();
  }

  /**
   * Voice notes go after the orders, on their own: under the same lock (one runner per origin),
   * and aborted by the next local write so a new order never waits behind audio on 2G. A note's
   * failure is its own (kept on the note, retried with its backoff), never the sync's error.
   */
  async function sendVoiceNotes(): Promise<void> {
    const controller = new AbortController();
    uploading = controller;
    try {
      await runExclusive(lockName, () =>
        uploadVoiceNotes(db, transport, { backoff, random, signal: controller.signal }),
      );
    } catch (error) {
      console.warn('gapal-sync: voice note upload failed', error);
    } finally {
      if (uploading === controller) uploading = undefined;
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
      // Offline too, the history kept on the phone stays bounded.
      void pruneHistory(db).catch(() => undefined);
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
      uploading?.abort();
    },
    syncNow,
    notifyWrite() {
      // Orders first: a note being uploaded is dropped and sent again after this write's push.
      uploading?.abort();
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

/** `navigator.onLine` is false only when the device surely has no network (true may still mean none). */
function isKnownOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

/**
 * A pending row as it goes on the wire, checked with the shared mutation schema. Its arguments
 * travel as stored: the server judges them (an entry an older app version wrote that the contract
 * no longer accepts comes back `rejected` with the reason, and the queue goes on).
 */
function toWire(row: OutboxEntry): SyncMutation | undefined {
  return parseStored(
    SyncMutationSchema,
    {
      id: row.id,
      seq: row.seq,
      name: row.name,
      args: row.args,
      ...(row.base_version === undefined ? {} : { base_version: row.base_version }),
      client_time: row.client_time,
    },
    'outbox',
  );
}

/**
 * Pending rows too damaged to send (no id, no clock): refused on the phone with a reason the UI
 * shows, so they never block the queue; the sequence gap they leave is renumbered by the server's
 * `seq_gap` answer.
 */
async function setAsideUnreadable(
  db: SyncDatabase,
  batch: OutboxEntry[],
  sending: SyncMutation[],
): Promise<void> {
  const readable = new Set(sending.map((mutation) => mutation.seq));
  await db.transaction('rw', db.outbox, async () => {
    for (const row of batch) {
      if (readable.has(row.seq)) continue;
      await db.outbox.update(row.seq, {
        status: 'rejected',
        reason: { code: 'unreadable_entry', message: 'Modification illisible sur ce téléphone' },
        current: null,
      });
    }
  });
}

/**
 * The server expects another sequence than ours (a reinstalled phone, a restored backup): the
 * pending changes keep their order and take the numbers from `expected` on.
 */
async function renumber(db: SyncDatabase, expected: number): Promise<void> {
  const pending = await db.outbox.where('status').equals('pending').sortBy('seq');
  if (pending.length === 0 || pending[0]!.seq === expected) return;
  await db.outbox.bulkDelete(pending.map((entry) => entry.seq));
  const keys = await db.outbox.toCollection().primaryKeys();
  const used = new Set(keys.filter((key) => typeof key === 'number'));
  let seq = expected;
  const moved: OutboxEntry[] = [];
  for (const entry of pending) {
    while (used.has(seq)) seq += 1;
    // A new sequence is a new mutation for the server: a new id, so no stored result is reused.
    moved.push({ ...entry, seq, id: uuidv7() });
    seq += 1;
  }
  await db.outbox.bulkPut(moved);
  await db.meta.put({ key: 'next_seq', value: seq });
}

/** One page and its cursor in one transaction: a crash never leaves data without its cursor. */
async function savePage(db: SyncDatabase, page: SyncPullResponse): Promise<void> {
  const tables = [db.categories, db.products, db.orders, db.clients, db.outbox, db.meta];
  await db.transaction('rw', tables, async () => {
    if (page.reset) {
      await Promise.all([db.categories.clear(), db.products.clear(), db.orders.clear(), db.clients.clear()]);
    }
    await storeClientPage(db, page);
    await db.categories.bulkPut(page.categories);
    await db.products.bulkPut(page.products);
    await db.orders.bulkPut(page.orders);
    for (const gone of page.deleted) {
      if (gone.stream === 'category') await db.categories.delete(gone.id);
      else if (gone.stream === 'product') await db.products.delete(gone.id);
      else await db.orders.where('id').equals(gone.id).delete();
    }
    await db.meta.put({ key: 'cursor', value: page.cursor });
    if (!page.has_more) await dropSettledEntries(db);
    // A phone that lost its counter (reinstall) continues after what the server has seen.
    const next = (await readMeta(db, 'next_seq')) ?? 1;
    const lastKey = await db.outbox.orderBy('seq').lastKey();
    const highest = typeof lastKey === 'number' ? lastKey : 0;
    const floor = Math.max(page.last_seq + 1, highest + 1);
    if (next < floor) await db.meta.put({ key: 'next_seq', value: floor });
  });
}

/**
 * The server rows now carry what was acknowledged: those overlay entries can go. Reads only the
 * acknowledged entries' own orders (by key), not the whole table.
 */
async function dropSettledEntries(db: SyncDatabase): Promise<void> {
  const rows = await db.outbox.where('status').equals('acked').toArray();
  if (rows.length === 0) return;
  const done: number[] = [];
  const acked: OrderOutboxEntry[] = [];
  const clients: Extract<OutboxEntry, { name: 'create_client' }>[] = [];
  for (const row of rows) {
    const entry = parseStored(OutboxEntrySchema, row, 'outbox');
    // Already applied by the server: an unreadable overlay entry has nothing left to show.
    if (!entry) done.push(row.seq);
    else if (isOrderEntry(entry)) acked.push(entry);
    else clients.push(entry);
  }
  // A new client stays in the overlay until a pull brings the client the server kept.
  const kept = await db.clients.bulkGet(clients.map((entry) => entry.client?.id ?? entry.args.id));
  clients.forEach((entry, index) => {
    if (!entry.client || kept[index] !== undefined) done.push(entry.seq);
  });
  const orders = await db.orders.bulkGet(acked.map((entry) => entry.args.local_id));
  acked.forEach((entry, index) => {
    const stored = orders[index];
    const order = stored === undefined ? undefined : parseStored(SyncOrderSchema, stored, 'orders');
    if (!entry.result) done.push(entry.seq);
    // A new order stays in the overlay until a pull brings it (the pull may lag behind the push).
    else if (order === undefined) {
      if (entry.name !== 'create_order') done.push(entry.seq);
    } else if (order.version >= entry.result.version) done.push(entry.seq);
  });
  await db.outbox.bulkDelete(done);
}
