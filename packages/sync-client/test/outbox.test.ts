import { randomUUID } from 'node:crypto';
import type { SyncOrder } from '@gapal/shared';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  applyOutbox,
  type OutboxEntry,
  OutboxEntrySchema,
  ordersView,
  orderView,
  readMeta,
  readOutbox,
  recentOrdersWindow,
  recordMutation,
} from '../src/index.ts';
import { phoneDatabase } from './support.ts';

const localDb = () => phoneDatabase('outbox');
const productId = randomUUID();
const create = (localId = randomUUID()) => ({
  local_id: localId,
  client_name: 'Maquis Sawadogo',
  items: [{ product_id: productId, quantity: 2 }],
});

describe('outbox entries, typed by mutation name', () => {
  it('queues a change only when its arguments satisfy the shared contract', async () => {
    const db = localDb();
    const entry = await recordMutation(db, 'create_order', create());
    expect(entry).toMatchObject({ seq: 1, name: 'create_order', status: 'pending' });
    expect(await readMeta(db, 'next_seq')).toBe(2);

    // A quantity of zero would be refused by the server: nothing is queued, the counter stays.
    const doomed = { ...create(), items: [{ product_id: productId, quantity: 0 }] };
    await expect(recordMutation(db, 'create_order', doomed)).rejects.toBeInstanceOf(ZodError);
    await expect(
      recordMutation(db, 'record_payment', { local_id: randomUUID(), amount: -5, method: 'especes' }),
    ).rejects.toBeInstanceOf(ZodError);
    expect(await db.outbox.count()).toBe(1);
    expect(await readMeta(db, 'next_seq')).toBe(2);
  });

  it('reads each entry back with its own arguments, and leaves out a row the contract refuses', async () => {
    const db = localDb();
    const order = create();
    await recordMutation(db, 'create_order', order);
    await recordMutation(db, 'record_payment', {
      local_id: order.local_id,
      amount: 500,
      method: 'orange_money',
    });
    // A row written by an older app version or damaged storage: a payment with no amount.
    await db.outbox.put({
      seq: 3,
      id: randomUUID(),
      name: 'record_payment',
      args: { local_id: order.local_id, method: 'especes' },
      client_time: new Date().toISOString(),
      status: 'pending',
    } as unknown as OutboxEntry);

    const entries = await readOutbox(db);
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2]);
    const payment = entries[1]!;
    if (payment.name !== 'record_payment') throw new Error('expected the payment');
    expect(payment.args.amount).toBe(500);
    // The view still shows the order and the readable payment, whatever the damaged row.
    const [shown] = await ordersView(db);
    expect(shown).toMatchObject({ local_id: order.local_id, paid_amount: 500 });
  });

  it('leaves out a stored order or metadata value that does not parse instead of showing it', async () => {
    const db = localDb();
    const good = create();
    await recordMutation(db, 'create_order', good);
    // Newest of all, so the window's index read meets it first.
    const damaged = { local_id: randomUUID(), client_name: 42, created_at: '2999-01-01T00:00:00.000Z' };
    await db.orders.put(damaged as unknown as SyncOrder);
    expect((await ordersView(db)).map((order) => order.local_id)).toEqual([good.local_id]);

    const window = await recentOrdersWindow(db, 10);
    expect(window.orders.map((order) => order.local_id)).toEqual([good.local_id]);
    expect(await orderView(db, good.local_id)).toMatchObject({ client_name: 'Maquis Sawadogo' });

    await db.meta.put({ key: 'cursor', value: { not: 'a cursor' } });
    expect(await readMeta(db, 'cursor')).toBeUndefined();
  });

  it('applies each kind of change to the view by its name', () => {
    const order = create();
    const at = new Date().toISOString();
    const entry = (seq: number, fields: Pick<OutboxEntry, 'name' | 'args'>): OutboxEntry =>
      OutboxEntrySchema.parse({ seq, id: randomUUID(), client_time: at, status: 'pending', ...fields });
    const view = applyOutbox(
      [],
      [
        entry(1, { name: 'create_order', args: order }),
        entry(2, {
          name: 'update_order',
          args: {
            local_id: order.local_id,
            client_name: 'Maquis Kaboré',
            items: [{ product_id: productId, quantity: 4 }],
          },
        }),
        entry(3, {
          name: 'record_payment',
          args: { local_id: order.local_id, amount: 400, method: 'especes' },
        }),
      ],
      new Map([[productId, 250]]),
    );
    expect(view).toHaveLength(1);
    expect(view[0]).toMatchObject({
      client_name: 'Maquis Kaboré',
      total_amount: 1000,
      paid_amount: 400,
      balance: 600,
      payment_status: 'partielle',
      delivery_status: 'nouvelle',
    });
    const cancelled = applyOutbox(
      view,
      [entry(4, { name: 'cancel_order', args: { local_id: order.local_id } })],
      new Map(),
    );
    expect(cancelled[0]!.delivery_status).toBe('annulee');
  });
});
