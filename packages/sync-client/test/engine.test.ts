import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devices } from '../../../apps/server/src/db/schema.ts';
import { createDevice, createUser, signedInUser, tokenFor } from '../../../apps/server/test/factories.ts';
import { api, type TestApp } from '../../../apps/server/test/harness.ts';
import {
  claimForUser,
  createHttpTransport,
  createSyncEngine,
  ordersView,
  recordMutation,
  type SyncDatabase,
  UnsentOrdersError,
} from '../src/index.ts';
import { catalogProduct, listeningTestApp, phoneDatabase, vendorWithDevice } from './support.ts';

describe('sync engine against the real server', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    ({ t, baseUrl } = await listeningTestApp());
  });
  afterAll(async () => {
    await t?.close();
  });

  async function phone(
    options: { fetch?: typeof fetch; token?: string; refresh?: () => Promise<string> } = {},
  ) {
    const user = await createUser(t, 'vendeur');
    const device = await createDevice(t, user);
    let token = options.token ?? (await tokenFor(t, user, device.id));
    const refreshed: string[] = [];
    const db: SyncDatabase = phoneDatabase();
    const transport = createHttpTransport({
      baseUrl,
      getAccessToken: () => token,
      refreshAccessToken: async () => {
        token = options.refresh ? await options.refresh() : await tokenFor(t, user, device.id);
        refreshed.push(token);
        return token;
      },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const engine = createSyncEngine({
      db,
      transport,
      deviceId: device.id,
      batchSize: 3,
      pullLimit: 5,
      backoff: { baseMs: 10, maxMs: 50 },
      events: new EventTarget(),
    });
    return { user, device, db, engine, refreshed };
  }

  const product = (unitPrice = 400) => catalogProduct(t, { unitPrice });

  const newOrder = (productId: string) => ({
    local_id: randomUUID(),
    client_name: 'Boutique Kaboré',
    items: [{ product_id: productId, quantity: 3 }],
  });

  const serverOrders = async (localId: string) =>
    (await t.db.query.orders.findMany({ where: (o, { eq }) => eq(o.localId, localId) })).length;

  it('claims no count before it has read the outbox, then counts what the phone still holds', async () => {
    const milk = await product();
    const { db, engine } = await phone();
    await recordMutation(db, 'create_order', newOrder(milk.id));

    // A phone reopened with an order still on it: nothing is read yet, so nothing says "all sent".
    expect(engine.getState().pending).toBeNull();
    await engine.refresh();
    expect(engine.getState().pending).toBe(1);
  });

  it('shows an offline order at once, then sends it once and shows the server’s number', async () => {
    const milk = await product(250);
    let online = false;
    const { db, engine } = await phone({
      fetch: async (input, init) => {
        if (!online) throw new TypeError('fetch failed');
        return fetch(input, init);
      },
    });
    const args = newOrder(milk.id);
    await recordMutation(db, 'create_order', args);
    engine.notifyWrite();
    await engine.syncNow();

    const offline = engine.getState();
    expect(offline.pending).toBe(1);
    expect(offline.error).toMatch(/network/);
    expect(offline.retryAt).not.toBeNull();
    const [shown] = await ordersView(db);
    expect(shown).toMatchObject({ local_id: args.local_id, number: '', delivery_status: 'nouvelle' });

    online = true;
    await engine.syncNow();
    const state = engine.getState();
    expect(state).toMatchObject({ pending: 0, error: null, rejected: [] });
    expect(state.lastSyncAt).not.toBeNull();
    const view = await ordersView(db);
    expect(view).toHaveLength(1);
    expect(view[0]!.number).toMatch(/^CMD-/);
    expect(view[0]!.total_amount).toBe(750);
    // Once a pull brings the server's row, the acknowledged entry leaves the outbox.
    await waitFor(async () => {
      await engine.syncNow();
      return (await db.outbox.count()) === 0;
    });
    expect(await serverOrders(args.local_id)).toBe(1);
    engine.stop();
  });

  it('creates nothing twice when responses are lost after the server committed', async () => {
    const milk = await product();
    let drop = 2;
    const { db, engine } = await phone({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (String(input).includes('/push/') && drop > 0) {
          drop -= 1;
          throw new TypeError('connection reset'); // the server did the work, the phone never hears
        }
        return response;
      },
    });
    const all = [];
    for (let i = 0; i < 5; i += 1) {
      const args = newOrder(milk.id);
      all.push(args.local_id);
      await recordMutation(db, 'create_order', args);
    }
    for (
      let attempt = 0;
      attempt < 4 && (engine.getState().pending ?? 0) + (await db.outbox.count()) > 0;
      attempt += 1
    ) {
      await engine.syncNow();
    }
    expect(engine.getState().pending).toBe(0);
    for (const localId of all) expect(await serverOrders(localId)).toBe(1);
    expect((await ordersView(db)).map((o) => o.local_id).sort()).toEqual([...all].sort());
  });

  it('keeps a refused change with its reason for the UI, and the queue goes on', async () => {
    const milk = await product();
    const { db, engine } = await phone();
    const first = newOrder(milk.id);
    await recordMutation(db, 'create_order', first);
    await engine.syncNow();
    const [order] = await ordersView(db);
    const { token: manager } = await signedInUser(t, 'gestionnaire_commandes');
    const moved = await api(t, 'PATCH', `/api/orders/${order!.id}/status/`, {
      token: manager,
      body: { status: 'en_preparation' },
    });
    expect(moved.status).toBe(200);

    await recordMutation(db, 'update_order', { local_id: first.local_id, client_name: 'Trop tard' });
    const second = newOrder(milk.id);
    await recordMutation(db, 'create_order', second);
    await engine.syncNow();
    const state = engine.getState();
    expect(state.pending).toBe(0);
    expect(state.rejected).toHaveLength(1);
    expect(state.rejected[0]).toMatchObject({ name: 'update_order', reason: { code: 'invalid_transition' } });
    // On a shared PostgreSQL another database's open writer may hold the pull horizon back a moment.
    await waitFor(async () => {
      await engine.syncNow();
      return (await ordersView(db)).some((o) => o.delivery_status === 'en_preparation');
    });
    const view = await ordersView(db);
    expect(view.find((o) => o.local_id === first.local_id)).toMatchObject({
      client_name: 'Boutique Kaboré',
      delivery_status: 'en_preparation',
    });
    expect(await serverOrders(second.local_id)).toBe(1);
  });

  it('refreshes an expired token once and carries on', async () => {
    const milk = await product();
    const { db, engine, refreshed } = await phone({ token: 'expired.token.value' });
    await recordMutation(db, 'create_order', newOrder(milk.id));
    await engine.syncNow();
    expect(refreshed).toHaveLength(1);
    expect(engine.getState()).toMatchObject({ pending: 0, error: null });
  });

  it('stops after one refresh when the server still refuses the token, and keeps the change', async () => {
    const milk = await product();
    const { db, engine, refreshed } = await phone({ token: 'bad', refresh: async () => 'still-bad' });
    await recordMutation(db, 'create_order', newOrder(milk.id));
    await engine.syncNow();
    expect(refreshed).toHaveLength(1);
    expect(engine.getState().pending).toBe(1);
    expect(engine.getState().error).toMatch(/401/);
  });

  it('saves the catalog page by page with its cursor, and applies deletions', async () => {
    const made: { id: string }[] = [];
    for (let i = 0; i < 12; i += 1) made.push(await product(100 + i));
    const { db, engine } = await phone();
    await engine.syncNow();
    const local = new Set((await db.products.toArray()).map((p) => p.id));
    for (const p of made) expect(local.has(p.id)).toBe(true);
    const cursor = (await db.meta.get('cursor'))?.value;
    expect(cursor).toEqual(expect.any(String));

    const { token: admin } = await signedInUser(t, 'admin', { siteId: null });
    expect((await api(t, 'DELETE', `/api/products/${made[0]!.id}/`, { token: admin })).status).toBe(204);
    for (let i = 0; i < 7; i += 1) await product(); // more than one page of changes (limit 5)
    await waitFor(async () => {
      await engine.syncNow();
      return (await db.products.get(made[0]!.id)) === undefined;
    });
    expect((await db.meta.get('cursor'))?.value).not.toBe(cursor);
  });

  it('runs one sync at a time even when several triggers fire together', async () => {
    const milk = await product();
    let inFlight = 0;
    let maxInFlight = 0;
    const { db, engine } = await phone({
      fetch: async (input, init) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await fetch(input, init);
        } finally {
          inFlight -= 1;
        }
      },
    });
    for (let i = 0; i < 6; i += 1) await recordMutation(db, 'create_order', newOrder(milk.id));
    await Promise.all([engine.syncNow(), engine.syncNow(), engine.syncNow()]);
    expect(maxInFlight).toBe(1);
    expect(engine.getState().pending).toBe(0);
  });

  it('syncs by itself after a write (debounced) and when the phone comes back online', async () => {
    const milk = await product();
    const events = new EventTarget();
    const { device, token } = await vendorWithDevice(t);
    const db = phoneDatabase();
    const engine = createSyncEngine({
      db,
      deviceId: device.id,
      transport: createHttpTransport({
        baseUrl,
        getAccessToken: () => token,
        refreshAccessToken: async () => token,
      }),
      debounceMs: 20,
      events,
    });
    const seen: (number | null)[] = [];
    engine.subscribe((state) => seen.push(state.pending));
    engine.start();
    const args = newOrder(milk.id);
    await recordMutation(db, 'create_order', args);
    engine.notifyWrite();
    await waitFor(async () => (await serverOrders(args.local_id)) === 1);
    const again = newOrder(milk.id);
    await recordMutation(db, 'create_order', again);
    events.dispatchEvent(new Event('online'));
    await waitFor(async () => (await serverOrders(again.local_id)) === 1);
    await waitFor(async () => engine.getState().pending === 0 && !engine.getState().syncing);
    engine.stop();
    expect(seen).toContain(1);
  });

  it('hands the phone to the next vendor: the previous one’s orders leave it, unsent ones block the switch', async () => {
    const milk = await product();
    const first = await phone();
    await claimForUser(first.db, first.user.id);
    const sent = newOrder(milk.id);
    await recordMutation(first.db, 'create_order', sent);
    await first.engine.syncNow();
    const unsent = newOrder(milk.id);
    await recordMutation(first.db, 'create_order', unsent);

    // The next vendor signs in on the same phone (the login moves the device to them).
    const next = await createUser(t, 'vendeur');
    const theirs = await api(t, 'POST', '/api/orders/', {
      token: await tokenFor(t, next),
      body: { ...newOrder(milk.id), client_name: 'Maquis Ouédraogo' },
    });
    expect(theirs.status).toBe(201);
    await expect(claimForUser(first.db, next.id)).rejects.toEqual(new UnsentOrdersError(1));
    expect((await ordersView(first.db)).map((order) => order.local_id).sort()).toEqual(
      [sent.local_id, unsent.local_id].sort(),
    );

    // The first vendor sends it; then the phone is the next vendor's, with their orders only.
    await first.engine.syncNow();
    first.engine.stop();
    await claimForUser(first.db, next.id);
    expect(await ordersView(first.db)).toEqual([]);
    await t.db.update(devices).set({ userId: next.id }).where(eq(devices.id, first.device.id));
    const token = await tokenFor(t, next, first.device.id);
    const engine = createSyncEngine({
      db: first.db,
      transport: createHttpTransport({
        baseUrl,
        getAccessToken: () => token,
        refreshAccessToken: async () => token,
      }),
      deviceId: first.device.id,
      backoff: { baseMs: 10, maxMs: 50 },
      events: new EventTarget(),
    });
    await engine.syncNow();
    expect((await ordersView(first.db)).map((order) => order.client_name)).toEqual(['Maquis Ouédraogo']);
    // The device's sequence goes on: the next vendor's own order is sent and taken once.
    const own = newOrder(milk.id);
    await recordMutation(first.db, 'create_order', own);
    await engine.syncNow();
    expect(engine.getState()).toMatchObject({ pending: 0, rejected: [] });
    expect(await serverOrders(own.local_id)).toBe(1);
    // Signing in again as the same vendor keeps everything.
    await claimForUser(first.db, next.id);
    expect(await ordersView(first.db)).toHaveLength(2);
    engine.stop();
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
