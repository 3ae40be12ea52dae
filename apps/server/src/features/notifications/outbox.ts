import { type Db, keyIn, queryPrepared, type Tx } from '../../db/client.ts';
import type { EventBus, RealtimeEvent } from '../../realtime/bus.ts';

/**
 * Live events wait here until the transaction that caused them has committed, so no client ever
 * sees a notification for an order that was rolled back:
 *
 *   const outbox = createOutbox();
 *   await db.transaction(async (tx) => { …; await notifyOrderCreated(tx, outbox, order); });
 *   await publishOutbox(db, bus, outbox);   // after the commit
 *
 * or the same in one call: `inTransaction(db, bus, async (tx, outbox) => …)`.
 *
 * `publishOutbox` pushes a notification only if its row is there after the commit (one indexed
 * read). So one outbox may safely span a retried transaction (`inStockTransaction`), a savepoint
 * that rolled back, or a sync push whose mutations each commit or roll back on their own: what
 * rolled back is never published, whoever flushes.
 * Why a collector and not a commit hook: Drizzle has none, and PostgreSQL's NOTIFY would tie the
 * fan-out to the database instead of Redis. A crash between commit and publish loses only the
 * live push: the notification is stored and clients refetch it when they reconnect.
 */
export type Outbox = {
  readonly pending: { event: RealtimeEvent; notificationId: number | null }[];
};

export function createOutbox(): Outbox {
  return { pending: [] };
}

/** Queues a live event; `notificationId` ties it to the stored row it announces. */
export function enqueue(outbox: Outbox, event: RealtimeEvent, notificationId: number | null = null): void {
  outbox.pending.push({ event, notificationId });
}

/** Publishes the committed part of what was collected, then empties the outbox. Never throws. */
export async function publishOutbox(db: Db, bus: EventBus, outbox: Outbox): Promise<void> {
  const pending = outbox.pending.splice(0);
  if (pending.length === 0) return;
  const ids = pending.flatMap((item) => (item.notificationId === null ? [] : [item.notificationId]));
  let committed = new Set<number>();
  if (ids.length > 0) {
    try {
      const rows = await queryPrepared<{ id: number | string }>(
        db,
        'outbox_committed',
        `SELECT id FROM notifications WHERE ${keyIn('id', '$1', 'bigint')}`,
        [ids],
      );
      committed = new Set(rows.map((row) => Number(row.id)));
    } catch {
      // Database unreachable: skip the live push; the rows, if any, are fetched on reconnect.
      return;
    }
  }
  await publishAll(
    bus,
    pending.filter((item) => item.notificationId === null || committed.has(item.notificationId)),
  );
}

/**
 * Publishes everything collected, without asking the database: for an outbox that exactly one
 * transaction filled, with no savepoint rolled back, once that transaction has committed (a
 * delivery batch creates its outbox inside each attempt, orders/order-delivery-queue.ts). Saves
 * `publishOutbox`'s read. Never throws.
 */
export async function publishCommitted(bus: EventBus, outbox: Outbox): Promise<void> {
  await publishAll(bus, outbox.pending.splice(0));
}

async function publishAll(bus: EventBus, items: Outbox['pending']): Promise<void> {
  await Promise.all(items.map((item) => bus.publish(item.event)));
}

/** `db.transaction(work)`, then publishes the events `work` recorded; nothing is published on rollback. */
export async function inTransaction<T>(
  db: Db,
  bus: EventBus,
  work: (tx: Tx, outbox: Outbox) => Promise<T>,
): Promise<T> {
  const outbox = createOutbox();
  const result = await db.transaction((tx) => work(tx, outbox));
  await publishOutbox(db, bus, outbox);
  return result;
}

/** For routes: runs a service call that takes an outbox, then publishes what it committed. */
export async function withLiveEvents<T>(
  db: Db,
  bus: EventBus,
  run: (outbox: Outbox) => Promise<T>,
): Promise<T> {
  const outbox = createOutbox();
  const result = await run(outbox);
  await publishOutbox(db, bus, outbox);
  return result;
}
