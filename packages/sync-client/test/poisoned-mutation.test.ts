import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orders, products } from '../../../apps/server/src/db/schema.ts';
import { createDevice, createUser, tokenFor } from '../../../apps/server/test/factories.ts';
import { createTestApp, type TestApp } from '../../../apps/server/test/harness.ts';
import {
  createHttpTransport,
  createSyncEngine,
  openSyncDatabase,
  ordersView,
  recordMutation,
} from '../src/index.ts';

// A client name the server's database refuses, through a trigger this file creates: a change the
// phone's own checks accept and the server can never store.
const POISON = 'Client refusé par la base';

describe('a change the server can never store, on the phone', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { SYNC_RATE_LIMIT_PER_MINUTE: '100000' } });
    await t.db.execute(sql`
      CREATE FUNCTION test_refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'poisoned client name' USING ERRCODE = 'P0001';
      END $$`);
    await t.db.execute(sql`
      CREATE TRIGGER test_refuse_poison BEFORE INSERT OR UPDATE ON orders
      FOR EACH ROW WHEN (NEW.client_name = ${sql.raw(`'${POISON}'`)})
      EXECUTE FUNCTION test_refuse_poison()`);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is shown as refused with the server’s reason, and the changes around it and after it sync', async () => {
    const [milk] = await t.db
      .insert(products)
      .values({ name: `Lait ${randomUUID().slice(0, 6)}`, unit: 'sachet', unitPrice: 400, shelfLifeDays: 5 })
      .returning();
    const user = await createUser(t, 'vendeur');
    const device = await createDevice(t, user);
    const token = await tokenFor(t, user, device.id);
    const db = openSyncDatabase(`phone-${randomUUID()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
    const engine = createSyncEngine({
      db,
      transport: createHttpTransport({
        baseUrl,
        getAccessToken: () => token,
        refreshAccessToken: async () => token,
      }),
      deviceId: device.id,
      backoff: { baseMs: 10, maxMs: 50 },
      events: new EventTarget(),
    });
    const order = (clientName: string) => ({
      local_id: randomUUID(),
      client_name: clientName,
      items: [{ product_id: milk!.id, quantity: 2 }],
    });
    const before = order('Boutique Kaboré');
    const poisoned = order(POISON);
    const after = order('Maquis Zongo');
    for (const args of [before, poisoned, after]) await recordMutation(db, 'create_order', args);

    await engine.syncNow();
    const state = engine.getState();
    expect(state.error).toBeNull();
    expect(state.pending).toBe(0);
    expect(state.rejected).toHaveLength(1);
    expect(state.rejected[0]).toMatchObject({
      name: 'create_order',
      reason: { code: 'data_rejected', message: expect.stringMatching(/refusé/) },
    });
    const shown = (await ordersView(db)).map((row) => row.local_id);
    expect(shown).toEqual(expect.arrayContaining([before.local_id, after.local_id]));
    expect(shown).not.toContain(poisoned.local_id);

    // The queue is not jammed: the next change goes through.
    const later = order('Alimentation Traoré');
    await recordMutation(db, 'create_order', later);
    await engine.syncNow();
    expect(engine.getState()).toMatchObject({ pending: 0, error: null });
    expect(engine.getState().rejected).toHaveLength(1);
    const onServer = await t.db.select({ localId: orders.localId }).from(orders);
    expect(onServer.map((row) => row.localId).sort()).toEqual(
      [before.local_id, after.local_id, later.local_id].sort(),
    );
  });
});
