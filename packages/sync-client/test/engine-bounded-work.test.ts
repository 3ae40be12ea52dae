import { randomUUID } from 'node:crypto';
import type { SyncOrder } from '@gapal/shared';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { products } from '../../../apps/server/src/db/schema.ts';
import { createDevice, createUser, tokenFor } from '../../../apps/server/test/factories.ts';
import { createTestApp, type TestApp } from '../../../apps/server/test/harness.ts';
import {
  createHttpTransport,
  createSyncEngine,
  HISTORY_DAYS,
  openSyncDatabase,
  recordMutation,
  type SyncDatabase,
} from '../src/index.ts';

describe('sync engine: work that does not grow with what the phone holds (real server)', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { SYNC_RATE_LIMIT_PER_MINUTE: '100000' } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await t?.close();
  });
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'navigator');
  });

  async function phone() {
    const user = await createUser(t, 'vendeur');
    const device = await createDevice(t, user);
    const token = await tokenFor(t, user, device.id);
    const db: SyncDatabase = openSyncDatabase(`phone-${randomUUID()}`, {
      indexedDB: new IDBFactory(),
      IDBKeyRange,
    });
    let requests = 0;
    const pushes: { encoding: string | null; bytes: number }[] = [];
    const engine = createSyncEngine({
      db,
      deviceId: device.id,
      transport: createHttpTransport({
        baseUrl,
        getAccessToken: () => token,
        refreshAccessToken: async () => token,
        fetch: (input, init) => {
          requests += 1;
          if (String(input).includes('/push/')) {
            const body = init?.body;
            pushes.push({
              encoding: new Headers(init?.headers).get('content-encoding'),
              bytes: typeof body === 'string' ? body.length : (body as ArrayBuffer).byteLength,
            });
          }
          return fetch(input, init);
        },
      }),
      backoff: { baseMs: 10, maxMs: 50 },
      events: new EventTarget(),
    });
    return { db, engine, requests: () => requests, pushes };
  }

  /** Sets what `navigator.onLine` says for the engine under test (Node has no navigator of its own). */
  function setOnline(onLine: boolean) {
    Object.defineProperty(globalThis, 'navigator', { value: { onLine }, configurable: true, writable: true });
  }

  it('drops closed orders past the history window after a pull', async () => {
    const { db, engine } = await phone();
    const old = new Date(Date.now() - (HISTORY_DAYS + 3) * 86_400_000).toISOString();
    const closed: SyncOrder = {
      id: randomUUID(),
      local_id: randomUUID(),
      number: 'CMD-000001',
      site_id: t.defaultSiteId,
      created_by: randomUUID(),
      device_id: null,
      client_name: 'Maquis Wend-Kuuni',
      client_phone: null,
      delivery_address: null,
      delivery_date: null,
      priority: 'moyenne',
      notes: null,
      delivery_status: 'livree',
      payment_status: 'payee',
      total_amount: 500,
      paid_amount: 500,
      balance: 0,
      version: 3,
      delivered_at: old,
      cancelled_at: null,
      created_at: old,
      updated_at: old,
      items: [],
    };
    await engine.syncNow();
    await db.orders.put(closed);

    await engine.syncNow();
    expect(engine.getState().error).toBeNull();
    expect(await db.orders.get(closed.local_id)).toBeUndefined();
  });

  it('gzips a batch of orders on its way up (a 50 kbit/s uplink on 2G), and the server applies it', async () => {
    const [milk] = await t.db
      .insert(products)
      .values({ name: `Lait ${randomUUID().slice(0, 6)}`, unit: 'sachet', unitPrice: 300, shelfLifeDays: 5 })
      .returning();
    const { db, engine, pushes } = await phone();
    const localIds: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const localId = randomUUID();
      localIds.push(localId);
      await recordMutation(db, 'create_order', {
        local_id: localId,
        client_name: `Boutique ${i}`,
        delivery_address: 'Secteur 15, Ouagadougou',
        items: [{ product_id: milk!.id, quantity: 1 + (i % 3) }],
      });
    }
    const plainSize = JSON.stringify(await db.outbox.toArray()).length;

    await engine.syncNow();
    expect(engine.getState()).toMatchObject({ pending: 0, error: null });
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.encoding).toBe('gzip');
    expect(pushes[0]!.bytes).toBeLessThan(plainSize / 3);
    const onServer = await t.db.query.orders.findMany({
      where: (o, { inArray }) => inArray(o.localId, localIds),
    });
    expect(onServer).toHaveLength(30);
  });

  it('makes no attempt while the browser says it is offline, and sends once it is back', async () => {
    const [milk] = await t.db
      .insert(products)
      .values({ name: `Lait ${randomUUID().slice(0, 6)}`, unit: 'sachet', unitPrice: 300, shelfLifeDays: 5 })
      .returning();
    const { db, engine, requests } = await phone();
    await recordMutation(db, 'create_order', {
      local_id: randomUUID(),
      client_name: 'Boutique Ouédraogo',
      items: [{ product_id: milk!.id, quantity: 2 }],
    });

    setOnline(false);
    await engine.syncNow();
    expect(requests()).toBe(0);
    expect(engine.getState()).toMatchObject({ pending: 1, error: 'offline', retryAt: null, syncing: false });

    setOnline(true);
    await engine.syncNow();
    expect(requests()).toBeGreaterThan(0);
    expect(engine.getState()).toMatchObject({ pending: 0, error: null });
  });
});
