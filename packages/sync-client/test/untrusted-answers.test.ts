import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, createUser, tokenFor } from '../../../apps/server/test/factories.ts';
import type { TestApp } from '../../../apps/server/test/harness.ts';
import { createHttpTransport, createSyncEngine, readOutbox, recordMutation } from '../src/index.ts';
import { catalogProduct, listeningTestApp, phoneDatabase, phoneEngine, vendorWithDevice } from './support.ts';

/** A server answer that does not match the shared contract is never stored, and the sync retries. */
describe('sync engine: malformed server answers', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    ({ t, baseUrl } = await listeningTestApp());
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A phone whose answers from `path` go through `mangle` while `mangling()` says so. */
  async function phone(path: string, mangle: (body: Record<string, unknown>) => void) {
    const { device, token } = await vendorWithDevice(t);
    const seen = { mangled: 0, through: 0, mangling: true };
    const db = phoneDatabase();
    const engine = phoneEngine({
      db,
      deviceId: device.id,
      baseUrl,
      token,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!String(input).includes(path) || !response.ok) return response;
        if (!seen.mangling) {
          seen.through += 1;
          return response;
        }
        seen.mangled += 1;
        const body = (await response.json()) as Record<string, unknown>;
        mangle(body);
        return new Response(JSON.stringify(body), { status: 200 });
      },
    });
    return { db, engine, seen };
  }

  const product = () => catalogProduct(t);

  it('stores nothing of a pull page that does not parse, then retries by itself and stores the good one', async () => {
    const milk = await product();
    const { db, engine, seen } = await phone('/api/sync/pull/', (body) => {
      // The page is right except for its last product: none of it may be kept.
      const list = body.products as Record<string, unknown>[];
      list[list.length - 1]!.unit_price = 'trois cents';
    });
    await engine.syncNow();
    expect(seen.mangled).toBe(1);
    expect(engine.getState().error).toMatch(/malformed answer from \/api\/sync\/pull\//);
    expect(engine.getState().retryAt).not.toBeNull();
    expect(await db.products.count()).toBe(0);
    expect(await db.categories.count()).toBe(0);
    expect(await db.meta.get('cursor')).toBeUndefined();
    expect(await db.meta.get('last_sync_at')).toBeUndefined();

    // The backoff's retry, not a call of ours, brings the good answer.
    seen.mangling = false;
    engine.start();
    await waitFor(async () => (await db.products.get(milk.id)) !== undefined);
    engine.stop();
    expect(seen.through).toBeGreaterThan(0);
    expect((await db.products.get(milk.id))?.unit_price).toBe(300);
    await waitFor(async () => engine.getState().error === null);
  });

  it('marks nothing from a push answer that does not parse; the retry settles it once', async () => {
    const milk = await product();
    const { db, engine, seen } = await phone('/api/sync/push/', (body) => {
      const results = body.results as Record<string, unknown>[];
      results[0]!.status = 'peut-être';
    });
    const localId = randomUUID();
    await recordMutation(db, 'create_order', {
      local_id: localId,
      client_name: 'Boutique Zongo',
      items: [{ product_id: milk.id, quantity: 2 }],
    });
    await engine.syncNow();
    expect(seen.mangled).toBe(1);
    expect(engine.getState()).toMatchObject({ pending: 1, rejected: [] });
    expect(engine.getState().error).toMatch(/malformed answer from \/api\/sync\/push\//);
    expect((await readOutbox(db)).map((entry) => entry.status)).toEqual(['pending']);

    seen.mangling = false;
    engine.start();
    await waitFor(async () => engine.getState().pending === 0 && engine.getState().error === null);
    engine.stop();
    // The server had applied the first push: the retry is a duplicate, the order exists once.
    const rows = await t.db.query.orders.findMany({ where: (o, { eq }) => eq(o.localId, localId) });
    expect(rows).toHaveLength(1);
    expect(engine.getState().rejected).toEqual([]);
  });

  it('a refresh that got no answer is retried with backoff, the change kept, not taken as a refusal', async () => {
    const milk = await product();
    const user = await createUser(t, 'vendeur');
    const device = await createDevice(t, user);
    let token = 'expired.access.token';
    const refused: (string | undefined)[] = [];
    const db = phoneDatabase();
    const engine = createSyncEngine({
      db,
      deviceId: device.id,
      transport: createHttpTransport({
        baseUrl,
        getAccessToken: () => token,
        refreshAccessToken: async (previous) => {
          refused.push(previous);
          if (refused.length === 1) throw new Error('refresh answer lost');
          token = await tokenFor(t, user, device.id);
          return token;
        },
      }),
      backoff: { baseMs: 10, maxMs: 50 },
      events: new EventTarget(),
    });
    const localId = randomUUID();
    await recordMutation(db, 'create_order', {
      local_id: localId,
      client_name: 'Kiosque Bado',
      items: [{ product_id: milk.id, quantity: 1 }],
    });
    await engine.syncNow();
    expect(engine.getState()).toMatchObject({ pending: 1, error: 'refresh: refresh answer lost' });
    expect(engine.getState().retryAt).not.toBeNull();

    engine.start();
    await waitFor(async () => engine.getState().pending === 0 && engine.getState().error === null);
    engine.stop();
    // Each refresh was told which token the server refused.
    expect(refused.slice(0, 2)).toEqual(['expired.access.token', 'expired.access.token']);
    const rows = await t.db.query.orders.findMany({ where: (o, { eq }) => eq(o.localId, localId) });
    expect(rows).toHaveLength(1);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
