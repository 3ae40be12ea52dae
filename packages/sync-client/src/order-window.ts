import { type SyncOrder, SyncOrderSchema, SyncProductSchema } from '@gapal/shared';
import { Dexie } from 'dexie';
import type { SyncDatabase } from './database.ts';
import { applyOutbox } from './local-writes.ts';
import { isOrderEntry, type OrderOutboxEntry, OutboxEntrySchema, parseStoredRows } from './outbox.ts';

/** The newest orders of the view and the outbox entries that name them. */
export type OrderWindow = { orders: SyncOrder[]; entries: OrderOutboxEntry[] };

/**
 * The newest `limit` orders of the view (server rows with the phone's changes on top, newest
 * first), as `ordersView` would list them first, and the outbox entries naming them. Reads go
 * through indexes and stop at `limit`: the newest server rows (`created_at`), the newest orders
 * created on the phone (`[name+seq]`; sequence order is creation order on one phone), then the
 * entries of those orders only (`args.local_id`). So a screen's cost does not grow with the
 * history kept on the phone, nor with the number of orders waiting to be sent. Every row read is
 * checked with its shared schema (an unreadable one is left out).
 */
export async function recentOrdersWindow(db: SyncDatabase, limit: number): Promise<OrderWindow> {
  return db.transaction('r', db.orders, db.outbox, db.products, async () => {
    // Independent reads go together: each is a round trip to the browser's IndexedDB process.
    const [stored, created] = await Promise.all([
      db.orders.orderBy('created_at').reverse().limit(limit).toArray(),
      db.outbox
        .where('[name+seq]')
        .between(['create_order', Dexie.minKey], ['create_order', Dexie.maxKey])
        .reverse()
        .filter((entry) => entry.status !== 'rejected')
        .limit(limit)
        .toArray(),
    ]);
    const newest = parseStoredRows(SyncOrderSchema, stored, 'orders');
    const shown = new Set(newest.map((order) => order.local_id));
    // Only their order's key here: `entriesOf` reads these entries again, checked.
    const createdIds = created.flatMap((row) => {
      const localId = (row as { args?: { local_id?: unknown } }).args?.local_id;
      return typeof localId === 'string' ? [localId] : [];
    });
    const localIds = [...new Set([...shown, ...createdIds])];
    // An order created on the phone may already have its server row (acknowledged, then pulled).
    const [pulled, entries] = await Promise.all([
      db.orders.bulkGet(localIds.filter((localId) => !shown.has(localId))),
      entriesOf(db, localIds),
    ]);
    const server = [
      ...newest,
      ...parseStoredRows(
        SyncOrderSchema,
        pulled.filter((order) => order !== undefined),
        'orders',
      ),
    ];
    const orders = applyOutbox(server, entries, await pricesFor(db, entries)).slice(0, limit);
    const kept = new Set(orders.map((order) => order.local_id));
    return { orders, entries: entries.filter((entry) => kept.has(entry.args.local_id)) };
  });
}

/** One order of the view (its server row with the phone's changes on top), by its client UUID. */
export async function orderView(db: SyncDatabase, localId: string): Promise<SyncOrder | undefined> {
  return db.transaction('r', db.orders, db.outbox, db.products, async () => {
    const stored = await db.orders.get(localId);
    const server = parseStoredRows(SyncOrderSchema, stored ? [stored] : [], 'orders');
    const entries = await entriesOf(db, [localId]);
    return applyOutbox(server, entries, await pricesFor(db, entries))[0];
  });
}

/** The outbox entries naming these orders, in sequence order. */
async function entriesOf(db: SyncDatabase, localIds: string[]): Promise<OrderOutboxEntry[]> {
  if (localIds.length === 0) return [];
  const rows = await db.outbox.where('args.local_id').anyOf(localIds).toArray();
  return parseStoredRows(OutboxEntrySchema, rows, 'outbox')
    .filter(isOrderEntry)
    .sort((a, b) => a.seq - b.seq);
}

/** Catalog prices of the products these entries order (what `applyOutbox` prices them at). */
async function pricesFor(db: SyncDatabase, entries: OrderOutboxEntry[]): Promise<Map<string, number>> {
  const ids = new Set<string>();
  for (const entry of entries) {
    const items =
      entry.name === 'create_order' || entry.name === 'update_order' ? entry.args.items : undefined;
    for (const item of items ?? []) ids.add(item.product_id);
  }
  const stored = await db.products.bulkGet([...ids]);
  const products = parseStoredRows(
    SyncProductSchema,
    stored.filter((product) => product !== undefined),
    'products',
  );
  return new Map(products.map((product) => [product.id, product.unit_price]));
}
