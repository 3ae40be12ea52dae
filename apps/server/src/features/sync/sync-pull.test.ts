import { gunzipSync } from 'node:zlib';
import type { SyncPullResponse } from '@gapal/shared';
import { SYNC_SCHEMA_VERSION } from '@gapal/shared';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createSite, signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { selectRows } from '../../db/client.ts';
import { categories, products } from '../../db/schema.ts';
import { encodeCursor } from '../../lib/cursor.ts';
import { catalogProduct, createArgs, mutation, pull, pullAll, push, syncClient } from './test-helpers.ts';

const ids = (rows: { id: string }[]) => rows.map((row) => row.id);
const decodedCursor = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));

describe('sync pull', () => {
  const t = useTestApp({ env: { SYNC_RATE_LIMIT_PER_MINUTE: '100000' } });

  const stockToken = async (siteId = t.defaultSiteId) =>
    (await signedInUser(t, 'gestionnaire_stocks', { siteId })).token;
  const receive = async (token: string, productId: string, quantity: number, expiry?: string) => {
    const response = await api(t, 'POST', '/api/stock/entry/', {
      token,
      body: { items: [{ product_id: productId, quantity, ...(expiry ? { expiry_date: expiry } : {}) }] },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  };

  it('a push’s orders are one change-log row, and a pull brings every one of them, a page of one row included', async () => {
    const site = await createSite(t);
    const vendor = await syncClient(t, 'vendeur', site.id);
    const otherPhone = await syncClient(t, 'vendeur', site.id);
    const manager = await syncClient(t, 'gestionnaire_commandes', site.id);
    const milk = await catalogProduct(t);
    const start = await pullAll(t, vendor);
    const managerStart = await pullAll(t, manager);
    const colleagueStart = await pullAll(t, otherPhone);

    const batch = [1, 2, 3, 4].map(() => createArgs([milk.id]));
    const pushed = await push(
      t,
      vendor,
      batch.map((args) => mutation(vendor, 'create_order', args)),
    );
    expect(pushed.body.results.map((result) => result.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
    ]);
    const orderIds = pushed.body.results.map((result) => result.order!.id);
    const logged = await selectRows<{ entity_id: string; entity_ids: string[] | string | null }>(
      t.db,
      sql`SELECT entity_id, entity_ids FROM sync_changes
          WHERE stream = 'order' AND (entity_id = ANY(${`{${orderIds.join(',')}}`}::uuid[])
            OR entity_ids && ${`{${orderIds.join(',')}}`}::uuid[])`,
    );
    expect(logged).toHaveLength(1);

    // Pages of one log row: the row's four orders come in one page, none skipped.
    const mine = await pullAll(t, vendor, start.cursor, 1);
    const pulled = mine.pages.flatMap((page) => page.orders.map((order) => order.local_id));
    expect(pulled.sort()).toEqual(batch.map((args) => args.local_id).sort());
    const managers = await pullAll(t, manager, managerStart.cursor, 1);
    expect(managers.pages.flatMap((page) => page.orders.map((order) => order.id)).sort()).toEqual(
      [...orderIds].sort(),
    );
    // Another vendor of the site does not get them.
    const colleague = await pullAll(t, otherPhone, colleagueStart.cursor);
    expect(colleague.pages.flatMap((page) => page.orders)).toEqual([]);
  });

  it('a statement’s stock changes are one change-log row for the site, and a pull brings every product’s new stock', async () => {
    const site = await createSite(t);
    const vendor = await syncClient(t, 'vendeur', site.id);
    const elsewhere = await syncClient(t, 'vendeur');
    const token = await stockToken(site.id);
    const products = [await catalogProduct(t), await catalogProduct(t), await catalogProduct(t)];
    for (const product of products) await receive(token, product.id, 10);
    const start = await pullAll(t, vendor);
    const elsewhereStart = await pullAll(t, elsewhere);

    // One entry of three products: one statement changes their three stock levels.
    const entry = await api(t, 'POST', '/api/stock/entry/', {
      token,
      body: { items: products.map((product, i) => ({ product_id: product.id, quantity: i + 1 })) },
    });
    expect(entry.status, JSON.stringify(entry.body)).toBe(201);
    const productIds = `{${products.map((product) => product.id).join(',')}}`;
    const logged = await selectRows<{ entity_id: string; entity_ids: string[] | string | null }>(
      t.db,
      sql`SELECT entity_id, entity_ids FROM sync_changes
          WHERE stream = 'product' AND txid >= ${decodedCursor(start.cursor).t}::bigint
            AND (entity_id = ANY(${productIds}::uuid[]) OR entity_ids && ${productIds}::uuid[])`,
    );
    expect(logged).toHaveLength(1);

    // A page of one log row holds the three products, each with its stock now.
    const { pages } = await pullAll(t, vendor, start.cursor, 1);
    const pulled = new Map(pages.flatMap((page) => page.products).map((p) => [p.id, p.stock_quantity]));
    expect(Object.fromEntries(pulled)).toEqual(
      Object.fromEntries(products.map((product, i) => [product.id, 10 + i + 1])),
    );
    // Another site's phone gets none of it.
    const other = await pullAll(t, elsewhere, elsewhereStart.cursor);
    expect(other.pages.flatMap((page) => page.products)).toEqual([]);
  });

  it('starts with a full snapshot of the site’s catalog and stock and the vendor’s own orders', async () => {
    const site = await createSite(t);
    const vendor = await syncClient(t, 'vendeur', site.id);
    const colleague = await syncClient(t, 'vendeur', site.id);
    const elsewhere = await syncClient(t);
    const milk = await catalogProduct(t, { unitPrice: 350 });
    const gone = await catalogProduct(t);
    await t.db.update(products).set({ deletedAt: new Date() }).where(eq(products.id, gone.id));
    await receive(await stockToken(site.id), milk.id, 12, '2999-03-01');
    await receive(await stockToken(site.id), milk.id, 3, '2999-01-15');
    await receive(await stockToken(), milk.id, 500);
    const mine = createArgs([milk.id]);
    const pushed = await push(t, vendor, [mutation(vendor, 'create_order', mine)]);
    expect(pushed.body.results[0]!.status, JSON.stringify(pushed.body)).toBe('applied');
    await push(t, colleague, [mutation(colleague, 'create_order', createArgs([milk.id]))]);
    await push(t, elsewhere, [mutation(elsewhere, 'create_order', createArgs([milk.id]))]);

    const response = await pull(t, vendor);
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body.reset).toBe(true);
    expect(body.has_more).toBe(false);
    expect(body.last_seq).toBe(1);
    const synced = body.products.find((p) => p.id === milk.id);
    expect(synced).toMatchObject({
      unit_price: 350,
      stock_quantity: 15,
      nearest_expiry: '2999-01-15',
      is_active: true,
    });
    expect(ids(body.products)).not.toContain(gone.id);
    expect(body.orders.map((o) => o.local_id)).toEqual([mine.local_id]);
    expect(body.orders[0]!.items).toEqual([
      { product_id: milk.id, quantity: 2, unit_price: 350, subtotal: 700, returned_quantity: 0 },
    ]);
    expect(body.cursor).toEqual(expect.any(String));
  });

  it('then sends only what changed, as current rows, with tombstones for deletions', async () => {
    const site = await createSite(t);
    const vendor = await syncClient(t, 'vendeur', site.id);
    const other = await syncClient(t, 'vendeur', site.id);
    const milk = await catalogProduct(t);
    const butter = await catalogProduct(t);
    const first = await pullAll(t, vendor);

    // Nothing changed: an empty page, and the same or a later cursor.
    const idle = await pull(t, vendor, first.cursor);
    expect(idle.body).toMatchObject({
      reset: false,
      products: [],
      orders: [],
      categories: [],
      deleted: [],
      has_more: false,
    });

    const { token: admin } = await signedInUser(t, 'admin', { siteId: null });
    const category = await api(t, 'POST', '/api/categories/', {
      token: admin,
      body: { name: `Frais ${Date.now()}` },
    });
    expect(category.status).toBe(201);
    await t.db.update(products).set({ unitPrice: 999 }).where(eq(products.id, milk.id));
    await t.db.update(products).set({ unitPrice: 1000 }).where(eq(products.id, milk.id));
    await receive(await stockToken(site.id), butter.id, 8);
    await receive(await stockToken(), milk.id, 70); // another site: nothing for this device
    const deleted = await api(t, 'DELETE', `/api/products/${butter.id}/`, { token: admin });
    expect(deleted.status).toBe(204);
    const order = createArgs([milk.id]);
    await push(t, vendor, [mutation(vendor, 'create_order', order)]);
    await push(t, other, [mutation(other, 'create_order', createArgs([milk.id]))]);

    const { pages } = await pullAll(t, vendor, first.cursor);
    const all = {
      categories: pages.flatMap((p) => p.categories),
      products: pages.flatMap((p) => p.products),
      orders: pages.flatMap((p) => p.orders),
      deleted: pages.flatMap((p) => p.deleted),
    };
    expect(pages.every((p) => !p.reset)).toBe(true);
    expect(ids(all.categories)).toEqual([category.body.id]);
    // Two price changes of milk arrive as the current row, never twice in one page.
    expect(all.products.filter((p) => p.id === milk.id).at(-1)).toMatchObject({
      unit_price: 1000,
      stock_quantity: 0,
    });
    for (const page of pages) expect(new Set(ids(page.products)).size).toBe(page.products.length);
    expect(all.deleted).toContainEqual({ stream: 'product', id: butter.id });
    expect(ids(all.products)).not.toContain(butter.id);
    expect(all.orders.map((o) => o.local_id)).toEqual([order.local_id]);
    expect(pages.at(-1)!.last_seq).toBe(1);
  });

  it('pages through a long list of changes without losing any', async () => {
    const vendor = await syncClient(t);
    const start = await pullAll(t, vendor);
    const created = [];
    for (let i = 0; i < 7; i += 1) created.push(await catalogProduct(t));
    const { pages } = await pullAll(t, vendor, start.cursor, 2);
    expect(pages.filter((page) => page.has_more).length).toBeGreaterThanOrEqual(3);
    expect(pages.every((page) => page.products.length <= 2)).toBe(true);
    const pulled = new Set(pages.flatMap((page) => ids(page.products)));
    // Seen once in CI (one of the seven missing, not reproduced since): on a miss, the log and the
    // pages say where it went.
    const missed = created.filter((product) => !pulled.has(product.id));
    const context =
      missed.length === 0
        ? ''
        : JSON.stringify({
            missed: ids(missed),
            start: decodedCursor(start.cursor),
            log: await selectRows(
              t.db,
              sql`SELECT id, txid, stream, entity_id, site_id, pg_current_snapshot()::text AS snapshot
                  FROM sync_changes WHERE txid >= ${decodedCursor(start.cursor).t}::bigint ORDER BY txid, id`,
            ),
            pages: pages.map((page) => ({
              products: ids(page.products),
              deleted: page.deleted,
              has_more: page.has_more,
              cursor: decodedCursor(page.cursor),
            })),
          });
    expect(pulled, context).toEqual(new Set(ids(created)));
  });

  it('sends a first catalog of thousands of products in one compressed answer', async () => {
    const vendor = await syncClient(t);
    const many = Array.from({ length: 3000 }, (_, index) => ({
      name: `Produit ${index} ${Date.now()}`,
      unit: 'pot',
      unitPrice: 100 + index,
    }));
    await t.db.insert(products).values(many);
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/sync/pull/',
      headers: { authorization: `Bearer ${vendor.token}`, 'accept-encoding': 'gzip' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    const raw = response.rawPayload;
    const body = JSON.parse(gunzipSync(raw).toString('utf8')) as SyncPullResponse;
    expect(body.has_more).toBe(false);
    expect(body.products.length).toBeGreaterThanOrEqual(3000);
    // Repetitive JSON compresses well: the phone downloads a fraction of it.
    expect(raw.length).toBeLessThan(gunzipSync(raw).length / 4);
  });

  it('starts over (reset) from a cursor too old or of another protocol version, and refuses a forged one', async () => {
    const vendor = await syncClient(t);
    const now = Math.floor(Date.now() / 1000);
    const old = encodeCursor({ v: SYNC_SCHEMA_VERSION, t: 1, i: 0, at: now - 90 * 86_400 });
    expect((await pull(t, vendor, old)).body.reset).toBe(true);
    const otherVersion = encodeCursor({ v: SYNC_SCHEMA_VERSION + 7, t: 1, i: 0, at: now });
    expect((await pull(t, vendor, otherVersion)).body.reset).toBe(true);
    for (const cursor of ['not-a-cursor', encodeCursor({ t: 'x' })]) {
      const response = await pull(t, vendor, cursor);
      expect(response.status).toBe(400);
      expect(response.body.error.details.fields[0].field).toBe('cursor');
    }
    const badLimit = await api(t, 'GET', '/api/sync/pull/?limit=0', { token: vendor.token });
    expect(badLimit.status).toBe(400);
    const unknownParam = await api(t, 'GET', '/api/sync/pull/?since=2020-01-01', { token: vendor.token });
    expect(unknownParam.status).toBe(400);
  });

  it('never skips a change whose transaction commits after a later one (gap-free cursor)', async () => {
    const vendor = await syncClient(t);
    const early = await catalogProduct(t);
    const start = await pullAll(t, vendor);
    const late = await catalogProduct(t);

    if (!t.isPostgres) {
      // One connection (PGlite) cannot hold a transaction open beside another: the order-independent
      // part is still checked, every committed change is pulled exactly after the cursor.
      await t.db.update(products).set({ unitPrice: 4321 }).where(eq(products.id, early.id));
      const { pages } = await pullAll(t, vendor, start.cursor);
      expect(new Set(pages.flatMap((p) => ids(p.products)))).toEqual(new Set([early.id, late.id]));
      return;
    }

    // A writer takes its transaction id first, then a later transaction commits, then a pull runs:
    // the pull must not hand out a cursor past the open writer's change.
    const url = (t.database as unknown as { db: { $client: pg.Pool } }).db.$client.options.connectionString!;
    const writer = new pg.Client({ connectionString: url });
    await writer.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('UPDATE products SET unit_price = 4321 WHERE id = $1', [early.id]);
      await t.db.update(products).set({ unitPrice: 1234 }).where(eq(products.id, late.id));

      const during = await pullAll(t, vendor, start.cursor, undefined, { wait: false });
      const seenDuring = during.pages.flatMap((p) => p.products);
      expect(seenDuring.find((p) => p.id === early.id)).toBeUndefined();

      await writer.query('COMMIT');
      // Writing transactions of other databases on the cluster also hold the horizon back for a
      // moment (transaction ids are cluster-wide): pull on from the cursor until it passes.
      const seen = [...seenDuring];
      let cursor = during.cursor;
      for (
        let attempt = 0;
        attempt < 100 && !(seen.some((p) => p.id === early.id) && seen.some((p) => p.id === late.id));
        attempt += 1
      ) {
        const after = await pullAll(t, vendor, cursor);
        seen.push(...after.pages.flatMap((p) => p.products));
        cursor = after.cursor;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(seen.find((p) => p.id === early.id)?.unit_price).toBe(4321);
      expect(seen.filter((p) => p.id === late.id).at(-1)?.unit_price).toBe(1234);
    } finally {
      await writer.query('ROLLBACK').catch(() => {});
      await writer.end();
    }
  });

  it('keeps categories deleted outright as tombstones', async () => {
    const vendor = await syncClient(t);
    const [category] = await t.db
      .insert(categories)
      .values({ name: `Tmp ${Date.now()}` })
      .returning();
    const start = await pullAll(t, vendor);
    expect(ids(start.pages[0]!.categories)).toContain(category!.id);
    await t.db.execute(sql`DELETE FROM categories WHERE id = ${category!.id}`);
    const { pages } = await pullAll(t, vendor, start.cursor);
    expect(pages.flatMap((p) => p.deleted)).toContainEqual({ stream: 'category', id: category!.id });
  });
});
