import {
  type SyncMutationArgs,
  type SyncMutationName,
  type SyncOrder,
  SyncOrderSchema,
  SyncProductSchema,
  uuidv7,
} from '@gapal/shared';
import type { OutboxEntry, SyncDatabase } from './database.ts';
import { readMeta } from './database.ts';
import { isOrderEntry, type OrderOutboxEntry, OutboxEntrySchema, parseStoredRows } from './outbox.ts';
import { compareTimestamps } from './timestamps.ts';

/**
 * Records a change the phone made: the next sequence number and the outbox entry are written in
 * ONE IndexedDB transaction, so a crash leaves either both or neither. The view (`ordersView`)
 * shows it at once; the sync engine sends it later. The arguments are checked with the shared
 * contract first (a `ZodError` queues nothing): no doomed mutation is queued.
 */
export async function recordMutation<N extends SyncMutationName>(
  db: SyncDatabase,
  name: N,
  args: SyncMutationArgs[N],
  options: { baseVersion?: number; now?: Date } = {},
): Promise<OutboxEntry> {
  return db.transaction('rw', db.outbox, db.meta, async () => {
    const seq = (await readMeta(db, 'next_seq')) ?? 1;
    const entry = OutboxEntrySchema.parse({
      seq,
      // Time-ordered: the server's index of stored mutations grows at its end, not at random.
      id: uuidv7(),
      name,
      args,
      ...(options.baseVersion === undefined ? {} : { base_version: options.baseVersion }),
      client_time: (options.now ?? new Date()).toISOString(),
      status: 'pending',
    });
    await db.outbox.add(entry);
    await db.meta.put({ key: 'next_seq', value: seq + 1 });
    return entry;
  });
}

/** What the UI shows: the server's orders with the phone's own pending changes applied on top. */
export async function ordersView(db: SyncDatabase): Promise<SyncOrder[]> {
  return db.transaction('r', db.orders, db.outbox, db.products, async () => {
    const server = parseStoredRows(SyncOrderSchema, await db.orders.toArray(), 'orders');
    const outbox = await readOutbox(db);
    const products = parseStoredRows(SyncProductSchema, await db.products.toArray(), 'products');
    const prices = new Map(products.map((product) => [product.id, product.unit_price]));
    return applyOutbox(server, outbox, prices);
  });
}

/** The outbox in sequence order, each entry checked with the shared contract. */
export async function readOutbox(db: SyncDatabase): Promise<OutboxEntry[]> {
  return parseStoredRows(OutboxEntrySchema, await db.outbox.orderBy('seq').toArray(), 'outbox');
}

/** Pure: server rows + outbox → view. An acked change counts until the server row shows it. */
export function applyOutbox(
  server: SyncOrder[],
  outbox: OutboxEntry[],
  prices: Map<string, number>,
): SyncOrder[] {
  const orders = new Map(server.map((order) => [order.local_id, { ...order }]));
  for (const entry of outbox) {
    if (entry.status === 'rejected' || !isOrderEntry(entry)) continue;
    const localId = entry.args.local_id;
    const current = orders.get(localId);
    if (entry.status === 'acked' && current && entry.result && current.version >= entry.result.version)
      continue;
    const next = applyOne(current, entry, prices);
    if (next) orders.set(localId, next);
  }
  return [...orders.values()].sort((a, b) => compareTimestamps(b.created_at, a.created_at));
}

function applyOne(
  order: SyncOrder | undefined,
  entry: OrderOutboxEntry,
  prices: Map<string, number>,
): SyncOrder | undefined {
  if (entry.name === 'create_order') {
    if (order) return order;
    const { args } = entry;
    const items = priced(args.items, prices);
    const total = items.reduce((sum, item) => sum + item.subtotal, 0);
    return {
      id: entry.result?.id ?? '',
      local_id: args.local_id,
      number: entry.result?.number ?? '',
      site_id: '',
      created_by: '',
      device_id: null,
      client_id: args.client_id ?? args.new_client?.id ?? null,
      client_name: args.client_name,
      client_phone: args.client_phone ?? null,
      delivery_address: args.delivery_address ?? null,
      delivery_date: args.delivery_date ?? null,
      priority: args.priority ?? 'moyenne',
      notes: args.notes ?? null,
      delivery_status: args.direct_sale ? 'livree' : 'nouvelle',
      payment_status: 'non_payee',
      total_amount: total,
      paid_amount: 0,
      balance: total,
      version: 0,
      delivered_at: null,
      cancelled_at: null,
      created_at: entry.client_time,
      updated_at: entry.client_time,
      items,
    };
  }
  if (!order) return undefined;
  switch (entry.name) {
    case 'update_order': {
      const { local_id: _id, items, ...fields } = entry.args;
      if (!items) return { ...order, ...fields };
      // New lines change what the order asks for (only a `nouvelle` order is edited: nothing returned).
      const lines = priced(items, prices);
      const total = lines.reduce((sum, line) => sum + line.subtotal, 0);
      return { ...order, ...fields, items: lines, total_amount: total, balance: total - order.paid_amount };
    }
    case 'cancel_order':
      return { ...order, delivery_status: 'annulee' };
    case 'set_status':
      return { ...order, delivery_status: entry.args.status };
    case 'record_payment': {
      const paid = order.paid_amount + entry.args.amount;
      return {
        ...order,
        paid_amount: paid,
        balance: order.total_amount - paid,
        payment_status: paid >= order.total_amount ? 'payee' : 'partielle',
      };
    }
  }
}

function priced(
  items: readonly { product_id: string; quantity: number }[],
  prices: Map<string, number>,
): SyncOrder['items'] {
  return items.map((item) => {
    const unitPrice = prices.get(item.product_id) ?? 0;
    return {
      product_id: item.product_id,
      quantity: item.quantity,
      unit_price: unitPrice,
      subtotal: unitPrice * item.quantity,
      returned_quantity: 0,
    };
  });
}

/** The UI dismisses a rejected change once the user has seen it. */
export async function dismissRejected(db: SyncDatabase, seq: number): Promise<void> {
  await db.transaction('rw', db.outbox, async () => {
    if ((await db.outbox.get(seq))?.status === 'rejected') await db.outbox.delete(seq);
  });
}
