import type { Db, Tx } from '../../db/client.ts';
import type { EventBus, RealtimeEvent } from '../../realtime/bus.ts';

/**
 * Live events wait here until the transaction that caused them has committed, so no client ever
 * sees a notification for an order that was rolled back:
 *
 *   const outbox = createOutbox();
 *   await db.transaction(async (tx) => { …; await notifyOrderCreated(tx, outbox, order); });
 *   await publishOutbox(bus, outbox);   // only reached when the commit succeeded
 *
 * or the same in one call: `inTransaction(db, bus, async (tx, outbox) => …)`.
 * Why a collector and not a commit hook: Drizzle has none, and PostgreSQL's NOTIFY would tie the
 * fan-out to the database instead of Redis. A crash between commit and publish loses only the
 * live push: the notification is stored and clients refetch it when they reconnect.
 * Call the notify functions in the outermost transaction: an event recorded inside a savepoint
 * that rolls back would still be published.
 */
export type Outbox = { readonly events: RealtimeEvent[] };

export function createOutbox(): Outbox {
  return { events: [] };
}

/** Publishes what a committed transaction collected, then empties the outbox. Never throws. */
export async function publishOutbox(bus: EventBus, outbox: Outbox): Promise<void> {
  const events = outbox.events.splice(0);
  await Promise.all(events.map((event) => bus.publish(event)));
}

/** `db.transaction(work)`, then publishes the events `work` recorded; nothing is published on rollback. */
export async function inTransaction<T>(
  db: Db,
  bus: EventBus,
  work: (tx: Tx, outbox: Outbox) => Promise<T>,
): Promise<T> {
  const outbox = createOutbox();
  const result = await db.transaction((tx) => work(tx, outbox));
  await publishOutbox(bus, outbox);
  return result;
}
