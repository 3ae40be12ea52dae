import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  HISTORY_DAYS,
  ordersView,
  orderView,
  orderVoiceNote,
  pruneHistory,
  putOrderVoiceNote,
  recentOrdersWindow,
  recordMutation,
  type SyncDatabase,
} from '../src/index.ts';
import { closedOrder, phoneDatabase } from './support.ts';

const NOW = new Date('2026-12-07T10:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

function phone(): SyncDatabase {
  return phoneDatabase();
}

describe('pruneHistory: closed orders older than the history window leave the phone', () => {
  it('drops delivered-and-paid and cancelled-unpaid orders unchanged for more than 30 days', async () => {
    const db = phone();
    const old = daysAgo(HISTORY_DAYS + 1);
    const paid = closedOrder({ updated_at: old });
    const cancelled = closedOrder({
      updated_at: old,
      delivery_status: 'annulee',
      payment_status: 'non_payee',
    });
    await db.orders.bulkPut([paid, cancelled]);

    expect(await pruneHistory(db, { now: NOW })).toBe(2);
    expect(await db.orders.count()).toBe(0);
  });

  it('keeps recent orders, and old ones with something left to deliver or to collect', async () => {
    const db = phone();
    const old = daysAgo(HISTORY_DAYS + 10);
    const kept = [
      closedOrder({ updated_at: daysAgo(HISTORY_DAYS - 1) }),
      closedOrder({ updated_at: old, delivery_status: 'nouvelle', payment_status: 'non_payee' }),
      closedOrder({ updated_at: old, delivery_status: 'en_cours', payment_status: 'payee' }),
      closedOrder({ updated_at: old, delivery_status: 'livree', payment_status: 'non_payee' }),
      closedOrder({ updated_at: old, delivery_status: 'livree', payment_status: 'partielle' }),
      closedOrder({ updated_at: old, delivery_status: 'annulee', payment_status: 'partielle' }),
    ];
    await db.orders.bulkPut(kept);

    expect(await pruneHistory(db, { now: NOW })).toBe(0);
    expect((await db.orders.toCollection().primaryKeys()).sort()).toEqual(
      kept.map((row) => row.local_id).sort(),
    );
  });

  it('keeps an old closed order the outbox still names', async () => {
    const db = phone();
    const named = closedOrder({ updated_at: daysAgo(HISTORY_DAYS + 5) });
    await db.orders.put(named);
    await recordMutation(db, 'cancel_order', { local_id: named.local_id });

    expect(await pruneHistory(db, { now: NOW })).toBe(0);
    expect(await db.orders.get(named.local_id)).toBeDefined();
  });

  it('keeps an old closed order whose voice note is not yet uploaded; drops a sent one with its note', async () => {
    const db = phone();
    const waiting = closedOrder({ updated_at: daysAgo(HISTORY_DAYS + 5) });
    const sent = closedOrder({ updated_at: daysAgo(HISTORY_DAYS + 5) });
    await db.orders.bulkPut([waiting, sent]);
    const note = { audio: new ArrayBuffer(64), contentType: 'audio/webm;codecs=opus', durationMs: 2_000 };
    await putOrderVoiceNote(db, waiting.local_id, note);
    await putOrderVoiceNote(db, sent.local_id, note);
    const uploaded = await orderVoiceNote(db, sent.local_id);
    await db.voiceNotes.update(uploaded!.id, { state: 'uploaded', audio: null });

    expect(await pruneHistory(db, { now: NOW })).toBe(1);
    expect(await db.orders.get(waiting.local_id)).toBeDefined();
    expect(await orderVoiceNote(db, waiting.local_id)).toMatchObject({ state: 'pending' });
    expect(await db.orders.get(sent.local_id)).toBeUndefined();
    expect(await orderVoiceNote(db, sent.local_id)).toBeUndefined();
  });

  it('drops at most `limit` orders per call, the oldest first', async () => {
    const db = phone();
    const rows = Array.from({ length: 5 }, (_, i) =>
      closedOrder({ updated_at: daysAgo(HISTORY_DAYS + 1 + i) }),
    );
    await db.orders.bulkPut(rows);

    expect(await pruneHistory(db, { now: NOW, limit: 3 })).toBe(3);
    const left = await db.orders.toArray();
    expect(left.map((row) => row.updated_at).sort()).toEqual(
      [rows[0]!.updated_at, rows[1]!.updated_at].sort(),
    );
    expect(await pruneHistory(db, { now: NOW, limit: 3 })).toBe(2);
  });
});

describe('recentOrdersWindow: the newest orders of the view, read through indexes', () => {
  it('lists the newest orders, server rows and orders made on the phone, as ordersView does', async () => {
    const db = phone();
    const product = {
      id: randomUUID(),
      category_id: null,
      name: 'Yaourt',
      unit: 'pot',
      unit_price: 300,
      barcode: null,
      min_stock_level: 0,
      is_active: true,
      stock_quantity: 0,
      nearest_expiry: null,
      updated_at: NOW.toISOString(),
    };
    await db.products.put(product);
    const history = Array.from({ length: 40 }, (_, i) => closedOrder({ updated_at: daysAgo(i + 1) }));
    await db.orders.bulkPut(history);
    // A change to the newest server order, one to an order outside the window, and new orders.
    await recordMutation(db, 'cancel_order', { local_id: history[0]!.local_id }, { baseVersion: 2 });
    await recordMutation(db, 'cancel_order', { local_id: history[30]!.local_id }, { baseVersion: 2 });
    for (let i = 0; i < 3; i += 1) {
      await recordMutation(db, 'create_order', {
        local_id: randomUUID(),
        client_name: `Boutique ${i}`,
        items: [{ product_id: product.id, quantity: 2 }],
      });
    }

    const window = await recentOrdersWindow(db, 10);
    const full = await ordersView(db);
    expect(window.orders).toEqual(full.slice(0, 10));
    expect(window.orders[0]!.total_amount).toBe(600);
    expect(window.orders.find((row) => row.local_id === history[0]!.local_id)?.delivery_status).toBe(
      'annulee',
    );
    // Only the entries of the listed orders come with it.
    expect(window.entries.map((entry) => entry.name).sort()).toEqual([
      'cancel_order',
      'create_order',
      'create_order',
      'create_order',
    ]);
  });

  it('orderView gives one order with its changes', async () => {
    const db = phone();
    const row = closedOrder({
      updated_at: daysAgo(2),
      delivery_status: 'nouvelle',
      payment_status: 'non_payee',
    });
    await db.orders.put(row);
    await recordMutation(db, 'cancel_order', { local_id: row.local_id }, { baseVersion: 2 });

    expect((await orderView(db, row.local_id))?.delivery_status).toBe('annulee');
    expect(await orderView(db, randomUUID())).toBeUndefined();
  });
});
