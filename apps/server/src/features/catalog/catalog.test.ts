import { count, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSite, signedInUser, unique } from '../../../test/factories.ts';
import { type ApiResponse, api, useTestApp } from '../../../test/harness.ts';
import { auditLog, categories, products } from '../../db/schema.ts';
import { addDays, todayIn } from '../../lib/dates.ts';
import { createProduct, receive } from '../stock/test-helpers.ts';

describe('catalog', () => {
  const t = useTestApp();

  async function productCount() {
    const [row] = await t.db.select({ value: count() }).from(products);
    return row!.value;
  }

  async function newCategory(token: string) {
    const response = await api(t, 'POST', '/api/categories/', { token, body: { name: unique('Cat ') } });
    expect(response.status).toBe(201);
    return response.body.id as string;
  }

  it('lets a stock manager create categories; a vendor can read but not write them', async () => {
    const { token } = await signedInUser(t, 'gestionnaire_stocks');
    const vendor = await signedInUser(t, 'vendeur');
    const name = unique('Lait ');
    const created = await api(t, 'POST', '/api/categories/', { token, body: { name, description: 'frais' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, description: 'frais' });

    const duplicate = await api(t, 'POST', '/api/categories/', { token, body: { name: name.toUpperCase() } });
    expect(duplicate.status).toBe(409);
    const refused = await api(t, 'POST', '/api/categories/', {
      token: vendor.token,
      body: { name: unique('X') },
    });
    expect(refused.status).toBe(403);
    const rows = await t.db
      .select()
      .from(categories)
      .where(sql`lower(${categories.name}) = ${name.toLowerCase()}`);
    expect(rows).toHaveLength(1);

    const list = await api(t, 'GET', '/api/categories/', { token: vendor.token });
    expect(list.status).toBe(200);
    expect(list.body.map((c: { name: string }) => c.name)).toContain(name);
  });

  it('creates, reads and updates a product, with an audit row per write', async () => {
    const { token } = await signedInUser(t, 'gestionnaire_stocks');
    const categoryId = await newCategory(token);
    const barcode = unique('BC').replace(/[^A-Za-z0-9]/g, '');
    const created = await api(t, 'POST', '/api/products/', {
      token,
      body: {
        name: 'Yaourt fraise',
        category_id: categoryId,
        unit: 'pot',
        unit_price: 300,
        barcode,
        min_stock_level: 12,
        shelf_life_days: 21,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      category_id: categoryId,
      unit_price: 300,
      barcode,
      is_active: true,
      stock_quantity: 0,
      is_below_threshold: true,
    });
    const id = created.body.id;
    const updated = await api(t, 'PUT', `/api/products/${id}/`, {
      token,
      body: { unit_price: 350, is_active: false },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ unit_price: 350, is_active: false, name: 'Yaourt fraise' });
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    expect(audits.map((a) => a.action).sort()).toEqual(['product.create', 'product.update']);
  });

  it('refuses bad product input with a 4xx and writes nothing', async () => {
    const { token } = await signedInUser(t, 'gestionnaire_stocks');
    const barcode = unique('DUP').replace(/[^A-Za-z0-9]/g, '');
    await createProduct(t, { barcode });
    const before = await productCount();
    const base = { name: 'Lait', unit: 'litre', unit_price: 700 };
    const cases: Array<[unknown, number, string]> = [
      [{ ...base, barcode }, 409, 'barcode'],
      [{ ...base, unit_price: -1 }, 400, 'unit_price'],
      [{ ...base, unit_price: 10.5 }, 400, 'unit_price'],
      [{ ...base, category_id: '00000000-0000-4000-8000-000000000000' }, 400, 'category_id'],
      [{ ...base, colour: 'blanc' }, 400, 'colour'],
      [{ ...base, min_stock_level: -3 }, 400, 'min_stock_level'],
      [{ unit: 'litre', unit_price: 700 }, 400, 'name'],
    ];
    for (const [body, status, field] of cases) {
      const response = await api(t, 'POST', '/api/products/', { token, body });
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(JSON.stringify(response.body.error.details ?? {}), JSON.stringify(body)).toContain(field);
    }
    const vendor = await signedInUser(t, 'vendeur');
    expect((await api(t, 'POST', '/api/products/', { token: vendor.token, body: base })).status).toBe(403);
    expect(await productCount()).toBe(before);
  });

  it('soft-deletes: the product disappears from reads and frees its barcode', async () => {
    const { token } = await signedInUser(t, 'gestionnaire_stocks');
    const barcode = unique('DEL').replace(/[^A-Za-z0-9]/g, '');
    const product = await createProduct(t, { barcode });
    const deleted = await api(t, 'DELETE', `/api/products/${product.id}/`, { token });
    expect(deleted.status).toBe(204);
    const [row] = await t.db.select().from(products).where(eq(products.id, product.id));
    expect(row!.deletedAt).not.toBeNull();
    expect((await api(t, 'GET', `/api/products/${product.id}/`, { token })).status).toBe(404);
    expect((await api(t, 'DELETE', `/api/products/${product.id}/`, { token })).status).toBe(404);
    const list = await api(t, 'GET', `/api/products/?search=${product.name}`, { token });
    expect(list.body.items).toEqual([]);
    const reuse = await api(t, 'POST', '/api/products/', {
      token,
      body: { name: 'Remplaçant', unit: 'pot', unit_price: 100, barcode },
    });
    expect(reuse.status).toBe(201);
  });

  it('searches by name or barcode, filters by category, sorts and pages with a cursor', async () => {
    const { token } = await signedInUser(t, 'gestionnaire_stocks');
    const categoryId = await newCategory(token);
    const tag = unique('Zq').replace(/[^A-Za-z0-9]/g, '');
    const prices = [500, 100, 400, 200, 300];
    for (const [i, price] of prices.entries()) {
      await createProduct(t, { name: `${tag} ${i}`, unitPrice: price, categoryId, barcode: `${tag}${i}` });
    }
    await createProduct(t, { name: `${tag} hors catégorie`, unitPrice: 1 });

    const byName = await api(t, 'GET', `/api/products/?search=${tag.toLowerCase()}`, { token });
    expect(byName.body.items).toHaveLength(6);
    const byBarcode = await api(t, 'GET', `/api/products/?search=${tag}3`, { token });
    expect(byBarcode.body.items.map((p: { name: string }) => p.name)).toEqual([`${tag} 3`]);

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/products/?category_id=${categoryId}&sort=-unit_price&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: ApiResponse = await api(t, 'GET', url, { token });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((p: { unit_price: number }) => p.unit_price));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([500, 400, 300, 200, 100]);

    // A cursor forged with a key the sort can't hold is a 400, not a 500.
    const forged = Buffer.from(JSON.stringify({ k: 'cher', id: categoryId })).toString('base64url');
    const refused = await api(t, 'GET', `/api/products/?sort=-unit_price&cursor=${forged}`, { token });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('validation_error');

    const byStock = await api(t, 'GET', `/api/products/?category_id=${categoryId}&sort=stock&limit=3`, {
      token,
    });
    expect(byStock.body.items).toHaveLength(3);
    expect(byStock.body.next_cursor).toBeTypeOf('string');
    const rest = await api(
      t,
      'GET',
      `/api/products/?category_id=${categoryId}&sort=stock&limit=3&cursor=${byStock.body.next_cursor}`,
      { token },
    );
    expect(rest.body.items).toHaveLength(2);
    expect(rest.body.next_cursor).toBeNull();

    for (const query of [
      'limit=201',
      'limit=0',
      'sort=colour',
      'cursor=@@not-a-cursor',
      'category_id=12',
      'expiring_days=-1',
    ]) {
      const response = await api(t, 'GET', `/api/products/?${query}`, { token });
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('validation_error');
    }
  });

  it('shows stock, expiring and expired quantities and the threshold flag at the caller’s site only', async () => {
    const manager = await signedInUser(t, 'gestionnaire_stocks');
    const siteB = await createSite(t);
    const managerB = await signedInUser(t, 'gestionnaire_stocks', { siteId: siteB.id });
    const vendor = await signedInUser(t, 'vendeur');
    const ordersManagerB = await signedInUser(t, 'gestionnaire_commandes', { siteId: siteB.id });
    const product = await createProduct(t, { minStockLevel: 20, name: unique('Lait stock ') });
    const today = todayIn(t.config.timeZone);
    await receive(t, manager.token, [
      { product_id: product.id, quantity: 5, lot_code: 'L-TOMORROW', expiry_date: addDays(today, 1) },
      { product_id: product.id, quantity: 7, lot_code: 'L-LATER', expiry_date: addDays(today, 30) },
      {
        product_id: product.id,
        quantity: 2,
        lot_code: 'L-OLD',
        expiry_date: addDays(today, -1),
        allow_past_expiry: true,
      },
    ]);
    await receive(t, managerB.token, [{ product_id: product.id, quantity: 100, lot_code: 'B1' }]);

    const seenByA = await api(t, 'GET', `/api/products/${product.id}/?expiring_days=2`, {
      token: vendor.token,
    });
    expect(seenByA.body).toMatchObject({
      stock_quantity: 14,
      expiring_quantity: 5,
      expired_quantity: 2,
      is_below_threshold: true,
    });
    const seenByB = await api(t, 'GET', `/api/products/${product.id}/`, { token: ordersManagerB.token });
    expect(seenByB.body).toMatchObject({
      stock_quantity: 100,
      expiring_quantity: 0,
      is_below_threshold: false,
    });

    const lowA = await api(t, 'GET', '/api/products/low-stock/', { token: vendor.token });
    expect(lowA.status).toBe(200);
    expect(lowA.body.map((p: { id: string }) => p.id)).toContain(product.id);
    const lowB = await api(t, 'GET', '/api/products/low-stock/', { token: ordersManagerB.token });
    expect(lowB.body.map((p: { id: string }) => p.id)).not.toContain(product.id);
    // Another site's stock is not reachable by naming it.
    const peek = await api(t, 'GET', `/api/products/${product.id}/?site_id=${siteB.id}`, {
      token: vendor.token,
    });
    expect(peek.status).toBe(404);
  });
});
