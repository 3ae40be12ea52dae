import type { SyncMutationArgs, SyncMutationName, SyncOrder } from '@gapal/shared';
import type { OutboxEntry, SyncDatabase } from './database.ts';
import { readMeta } from './database.ts';

/**
 * Records a change the phone made: the next sequence number and the outbox entry are written in
 * ONE IndexedDB transaction, so a crash leaves either both or neither. The view (`ordersView`)
 * shows it at once; the sync engine sends it later.
 */
export async function recordMutation<N extends SyncMutationName>(
  db: SyncDatabase,
  name: N,
  args: SyncMutationArgs[N],
  options: { baseVersion?: number; now?: Date } = {},
): Promise<OutboxEntry> {
  return db.transaction('rw', db.outbox, db.meta, async () => {
    const seq = (await readMeta<number>(db, 'next_seq')) ?? 1;
    const entry: OutboxEntry = {
      seq,
      id: crypto.randomUUID(),
      name,
      args: args as Record<string, unknown>,
      ...(options.baseVersion === undefined ? {} : { base_version: options.baseVersion }),
      client_time: (options.now ?? new Date()).toISOString(),
      status: 'pending',
    };
    await db.outbox.add(entry);
    await db.meta.put({ key: 'next_seq', value: seq + 1 });
    return entry;
  });
}

/** What the UI shows: the server's orders with the phone's own pending changes applied on top. */
export async function ordersView(db: SyncDatabase): Promise<SyncOrder[]> {
  return db.transaction('r', db.orders, db.outbox, db.products, async () => {
    const server = await db.orders.toArray();
    const outbox = await db.outbox.orderBy('seq').toArray();
    const prices = new Map((await db.products.toArray()).map((product) => [product.id, product.unit_price]));
    return applyOutbox(server, outbox, prices);
  });
}

/** Pure: server rows + outbox → view. An acked change counts until the server row shows it. */
export function applyOutbox(
  server: SyncOrder[],
  outbox: OutboxEntry[],
  prices: Map<string, number>,
): SyncOrder[] {
  const orders = new Map(server.map((order) => [order.local_id, { ...order }]));
  for (const entry of outbox) {
    if (entry.status === 'rejected') continue;
    const localId = entry.args.local_id as string;
    const current = orders.get(localId);
    if (entry.status === 'acked' && current && entry.result && current.version >= entry.result.version)
      continue;
    const next = applyOne(current, entry, prices);
    if (next) orders.set(localId, next);
  }
  return [...orders.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
}

function applyOne(
  order: SyncOrder | undefined,
  entry: OutboxEntry,
  prices: Map<string, number>,
): SyncOrder | undefined {
  const args = entry.args;
  if (entry.name === 'create_order') {
    if (order) return order;
    const items = (args.items as { product_id: string; quantity: number }[]).map((item) => {
      const unitPrice = prices.get(item.product_id) ?? 0;
      return {
        product_id: item.product_id,
        quantity: item.quantity,
        unit_price: unitPrice,
        subtotal: unitPrice * item.quantity,
        returned_quantity: 0,
      };
    });
    const total = items.reduce((sum, item) => sum + item.subtotal, 0);
    return {
      id: entry.result?.id ?? '',
      local_id: args.local_id as string,
      number: entry.result?.number ?? '',
      site_id: '',
      created_by: '',
      device_id: null,
      client_name: args.client_name as string,
      client_phone: (args.client_phone as string | null | undefined) ?? null,
      delivery_address: (args.delivery_address as string | null | undefined) ?? null,
      delivery_date: (args.delivery_date as string | null | undefined) ?? null,
      priority: (args.priority as SyncOrder['priority'] | undefined) ?? 'moyenne',
      notes: (args.notes as string | null | undefined) ?? null,
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
      const { local_id: _id, items, ...fields } = args;
      return {
        ...order,
        ...(fields as Partial<SyncOrder>),
        ...(items ? { items: priced(items, prices) } : {}),
      };
    }
    case 'cancel_order':
      return { ...order, delivery_status: 'annulee' };
    case 'set_status':
      return { ...order, delivery_status: args.status as SyncOrder['delivery_status'] };
    case 'record_payment': {
      const paid = order.paid_amount + (args.amount as number);
      return {
        ...order,
        paid_amount: paid,
        balance: order.total_amount - paid,
        payment_status: paid >= order.total_amount ? 'payee' : 'partielle',
      };
    }
    default:
      return order;
  }
}

function priced(items: unknown, prices: Map<string, number>): SyncOrder['items'] {
  return (items as { product_id: string; quantity: number }[]).map((item) => {
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
