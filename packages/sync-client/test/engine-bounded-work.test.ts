import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../apps/server/test/harness.ts';
import { HISTORY_DAYS, recordMutation, type SyncDatabase } from '../src/index.ts';
import {
  catalogProduct,
  closedOrder,
  listeningTestApp,
  phoneDatabase,
  phoneEngine,
  vendorWithDevice,
} from './support.ts';

describe('sync engine: work that does not grow with what the phone holds (real server)', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    ({ t, baseUrl } = await listeningTestApp());
  });
  afterAll(async () => {
    await t?.close();
  });
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'navigator');
  });

  async function phone() {
    const { device, token } = await vendorWithDevice(t);
    const db: SyncDatabase = phoneDatabase();
    let requests = 0;
    const pushes: { encoding: string | null; bytes: number }[] = [];
    const engine = phoneEngine({
      db,
      deviceId: device.id,
      baseUrl,
      token,
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
    const closed = closedOrder({
      number: 'CMD-000001',
      site_id: t.defaultSiteId,
      client_name: 'Maquis Wend-Kuuni',
      total_amount: 500,
      paid_amount: 500,
      version: 3,
      updated_at: old,
    });
    await engine.syncNow();
    await db.orders.put(closed);

    await engine.syncNow();
    expect(engine.getState().error).toBeNull();
    expect(await db.orders.get(closed.local_id)).toBeUndefined();
  });

  it('gzips a batch of orders on its way up (a 50 kbit/s uplink on 2G), and the server applies it', async () => {
    const milk = await catalogProduct(t);
    const { db, engine, pushes } = await phone();
    const localIds: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const localId = randomUUID();
      localIds.push(localId);
      await recordMutation(db, 'create_order', {
        local_id: localId,
        client_name: `Boutique ${i}`,
        delivery_address: 'Secteur 15, Ouagadougou',
        items: [{ product_id: milk.id, quantity: 1 + (i % 3) }],
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
    const milk = await catalogProduct(t);
    const { db, engine, requests } = await phone();
    await recordMutation(db, 'create_order', {
      local_id: randomUUID(),
      client_name: 'Boutique Ouédraogo',
      items: [{ product_id: milk.id, quantity: 2 }],
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
