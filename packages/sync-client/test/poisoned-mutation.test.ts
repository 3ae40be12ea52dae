import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orders } from '../../../apps/server/src/db/schema.ts';
import type { TestApp } from '../../../apps/server/test/harness.ts';
import { refuseClientName } from '../../../apps/server/test/poison-trigger.ts';
import { ordersView, recordMutation } from '../src/index.ts';
import { catalogProduct, listeningTestApp, phoneDatabase, phoneEngine, vendorWithDevice } from './support.ts';

// A client name the server's database refuses, through a test trigger: a change the
// phone's own checks accept and the server can never store.
const POISON = 'Client refusé par la base';

describe('a change the server can never store, on the phone', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    ({ t, baseUrl } = await listeningTestApp());
    await refuseClientName(t, POISON);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is shown as refused with the server’s reason, and the changes around it and after it sync', async () => {
    const milk = await catalogProduct(t, { unitPrice: 400 });
    const { device, token } = await vendorWithDevice(t);
    const db = phoneDatabase();
    const engine = phoneEngine({ db, deviceId: device.id, baseUrl, token });
    const order = (clientName: string) => ({
      local_id: randomUUID(),
      client_name: clientName,
      items: [{ product_id: milk.id, quantity: 2 }],
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
