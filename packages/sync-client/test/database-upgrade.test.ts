import { randomUUID } from 'node:crypto';
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openSyncDatabase, orderVoiceNote, putOrderVoiceNote, readOutbox } from '../src/index.ts';

describe('the phone database upgrades in place', () => {
  it('keeps a version 2 phone’s orders, outbox and metadata when version 3 adds the voice notes', async () => {
    const indexedDB = new IDBFactory();
    const name = `upgrade-${randomUUID()}`;
    // The schema as the app shipped it before voice notes.
    const old = new Dexie(name, { indexedDB, IDBKeyRange });
    old.version(1).stores({
      categories: 'id',
      products: 'id, category_id',
      orders: 'local_id, id',
      outbox: 'seq, id, status',
      meta: 'key',
    });
    old.version(2).stores({
      orders: 'local_id, id, created_at, [delivery_status+payment_status+updated_at]',
      outbox: 'seq, id, status, args.local_id, [name+seq]',
    });
    const localId = randomUUID();
    await old.table('outbox').add({
      seq: 1,
      id: randomUUID(),
      name: 'create_order',
      args: {
        local_id: localId,
        client_name: 'Maquis Le Baobab',
        items: [{ product_id: randomUUID(), quantity: 2 }],
      },
      client_time: new Date().toISOString(),
      status: 'pending',
    });
    await old.table('meta').put({ key: 'next_seq', value: 2 });
    await old
      .table('orders')
      .put({ local_id: randomUUID(), id: randomUUID(), client_name: 'Boutique Yennenga' });
    old.close();

    const db = openSyncDatabase(name, { indexedDB, IDBKeyRange });
    const outbox = await readOutbox(db);
    expect(outbox.map((entry) => ('local_id' in entry.args ? entry.args.local_id : null))).toEqual([localId]);
    expect(await db.meta.get('next_seq')).toEqual({ key: 'next_seq', value: 2 });
    expect(await db.orders.toArray()).toEqual([
      expect.objectContaining({ client_name: 'Boutique Yennenga' }),
    ]);
    expect(db.verno).toBe(4);
    await putOrderVoiceNote(db, localId, {
      audio: new ArrayBuffer(128),
      contentType: 'audio/webm;codecs=opus',
      durationMs: 1_200,
    });
    expect(await orderVoiceNote(db, localId)).toMatchObject({
      state: 'pending',
      byte_size: 128,
      duration_ms: 1_200,
    });
    db.close();
  });
});
