import { and, count, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSite, createUser, signedInUser, unique } from '../../../test/factories.ts';
import { type ApiResponse, api, useTestApp } from '../../../test/harness.ts';
import { postgresErrorCode } from '../../db/database-errors.ts';
import { auditLog, lots, stockLevels, stockMovements } from '../../db/schema.ts';
import type { Actor } from '../../domain/actor.ts';
import { runWrite } from '../../domain/write-context.ts';
import { addDays, todayIn } from '../../lib/dates.ts';
import { putStock, takeStock } from './stock-ledger.service.ts';
import { createProduct, ledgerProblems, receive } from './test-helpers.ts';

describe('stock operations and the ledger', () => {
  const t = useTestApp();
  const today = () => todayIn(t.config.timeZone);

  async function movementCount() {
    const [row] = await t.db.select({ value: count() }).from(stockMovements);
    return row!.value;
  }

  async function stockOf(productId: string, siteId = t.defaultSiteId) {
    const [row] = await t.db
      .select({ quantity: stockLevels.quantity })
      .from(stockLevels)
      .where(and(eq(stockLevels.productId, productId), eq(stockLevels.siteId, siteId)));
    return row?.quantity ?? 0;
  }

  /** A product with three lots: expired (3), expiring tomorrow (5), in five days (10). */
  async function productWithLots(token: string) {
    const product = await createProduct(t);
    const movements = await receive(t, token, [
      { product_id: product.id, quantity: 10, lot_code: 'LATER', expiry_date: addDays(today(), 5) },
      { product_id: product.id, quantity: 5, lot_code: 'SOON', expiry_date: addDays(today(), 1) },
      {
        product_id: product.id,
        quantity: 3,
        lot_code: 'OLD',
        expiry_date: addDays(today(), -2),
        allow_past_expiry: true,
      },
    ]);
    const [later, soon, old] = movements.map((m) => m.lot_id);
    return { product, later: later!, soon: soon!, old: old! };
  }

  it('records an entry with the expiry proposed from the shelf life, and chains the ledger', async () => {
    const { token, user } = await signedInUser(t, 'gestionnaire_stocks');
    const product = await createProduct(t, { shelfLifeDays: 5 });
    const first = await api(t, 'POST', '/api/stock/entry/', {
      token,
      body: {
        reference: 'BL-0042',
        reason: 'Livraison laiterie',
        items: [{ product_id: product.id, quantity: 40 }],
      },
    });
    expect(first.status).toBe(201);
    const expiry = addDays(today(), 5);
    expect(first.body.movements).toEqual([
      expect.objectContaining({
        product_id: product.id,
        type: 'entree',
        quantity: 40,
        stock_before: 0,
        stock_after: 40,
        lot_code: `LOT-${expiry.replaceAll('-', '')}`,
        reference: 'BL-0042',
        reason: 'Livraison laiterie',
        user_id: user.id,
      }),
    ]);
    const second = await receive(t, token, [{ product_id: product.id, quantity: 8 }]);
    expect(second[0]).toMatchObject({ lot_id: first.body.movements[0].lot_id, quantity: 8 });
    const lotsList = await api(t, 'GET', `/api/products/${product.id}/lots/`, { token });
    expect(lotsList.body).toEqual([
      expect.objectContaining({ quantity: 48, expiry_date: expiry, is_expired: false, days_to_expiry: 5 }),
    ]);
    expect(await stockOf(product.id)).toBe(48);
    const [audit] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'stock.entry'), eq(auditLog.userId, user.id)));
    expect(audit).toBeDefined();
  });

  it('refuses bad entries with a clear 4xx and writes nothing', async () => {
    const { token } = await signedInUser(t, 'gestionnaire_stocks');
    const product = await createProduct(t);
    const noShelfLife = await createProduct(t, { shelfLifeDays: null });
    await receive(t, token, [
      { product_id: product.id, quantity: 1, lot_code: 'FIXED', expiry_date: addDays(today(), 3) },
    ]);
    const before = await movementCount();
    const item = { product_id: product.id, quantity: 5 };
    const cases: Array<[unknown, number, string]> = [
      [{ items: [{ ...item, quantity: 0 }] }, 400, 'quantity'],
      [{ items: [{ ...item, quantity: -4 }] }, 400, 'quantity'],
      [{ items: [{ ...item, quantity: 1.5 }] }, 400, 'quantity'],
      [{ items: [] }, 400, 'items'],
      [{ items: [{ ...item, product_id: '00000000-0000-4000-8000-000000000000' }] }, 404, 'product_id'],
      [{ items: [{ ...item, expiry_date: addDays(today(), -1) }] }, 400, 'expiry_date'],
      [{ items: [{ ...item, expiry_date: '2026-02-31' }] }, 400, 'expiry_date'],
      [{ items: [{ ...item, expiry_date: '12/05/2026' }] }, 400, 'expiry_date'],
      [{ items: [{ product_id: noShelfLife.id, quantity: 2 }] }, 400, 'expiry_date'],
      [{ items: [{ ...item, lot_code: 'FIXED', expiry_date: addDays(today(), 9) }] }, 409, 'expiry_date'],
      [{ items: [item], colour: 'rouge' }, 400, 'colour'],
      // One bad line refuses the whole entry.
      [{ items: [item, { ...item, quantity: 0 }] }, 400, 'quantity'],
    ];
    for (const [body, status, field] of cases) {
      const response = await api(t, 'POST', '/api/stock/entry/', { token, body });
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(JSON.stringify(response.body.error), JSON.stringify(body)).toContain(field);
    }
    expect(await movementCount()).toBe(before);
    expect(await stockOf(product.id)).toBe(1);
  });

  it('takes exits first-expired-first-out, skipping expired lots', async () => {
    const { token } = await signedInUser(t, 'gestionnaire_stocks');
    const { product, later, soon, old } = await productWithLots(token);
    const exit = await api(t, 'POST', '/api/stock/exit/', {
      token,
      body: { reason: 'Dégustation', items: [{ product_id: product.id, quantity: 8 }] },
    });
    expect(exit.status).toBe(201);
    expect(
      exit.body.movements.map((m: { lot_id: string; quantity: number }) => [m.lot_id, m.quantity]),
    ).toEqual([
      [soon, -5],
      [later, -3],
    ]);
    expect(exit.body.movements[0]).toMatchObject({ stock_before: 18, stock_after: 13, type: 'sortie' });
    expect(exit.body.movements[1]).toMatchObject({ stock_before: 13, stock_after: 10 });
    const [oldLot] = await t.db.select().from(lots).where(eq(lots.id, old));
    expect(oldLot!.quantity).toBe(3);
  });

  it('answers 409 with the shortage per product and writes nothing when stock is short', async () => {
    const { token } = await signedInUser(t, 'gestionnaire_stocks');
    const { product } = await productWithLots(token);
    const other = await createProduct(t);
    await receive(t, token, [{ product_id: other.id, quantity: 4 }]);
    const before = await movementCount();
    const response = await api(t, 'POST', '/api/stock/exit/', {
      token,
      body: {
        reason: 'Test',
        items: [
          { product_id: other.id, quantity: 2 },
          { product_id: product.id, quantity: 10 },
          { product_id: product.id, quantity: 6 },
        ],
      },
    });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('insufficient_stock');
    // 15 sellable units: the 3 expired ones don't count.
    expect(response.body.error.details).toEqual({
      shortages: [{ product_id: product.id, requested: 16, available: 15, product_name: product.name }],
    });
    expect(response.body.error.message).toBe(
      `Stock insuffisant : ${product.name} (demandé : 16, disponible : 15)`,
    );
    expect(await movementCount()).toBe(before);
    expect(await stockOf(product.id)).toBe(18);
    expect(await stockOf(other.id)).toBe(4);
  });

  it('takes from an expired lot only with the override, which is audited', async () => {
    const { token, user } = await signedInUser(t, 'gestionnaire_stocks');
    const { product, old, soon } = await productWithLots(token);
    const named = await api(t, 'POST', '/api/stock/exit/', {
      token,
      body: { reason: 'Test', items: [{ product_id: product.id, quantity: 1, lot_id: old }] },
    });
    expect(named.status).toBe(409);
    expect(named.body.error.message).toMatch(/^Le lot .+ est périmé depuis le \d{4}-\d{2}-\d{2}$/);
    expect(named.body.error.details).toMatchObject({ lot_id: old, fields: [{ field: 'lot_id' }] });
    const override = await api(t, 'POST', '/api/stock/exit/', {
      token,
      body: {
        reason: 'Client averti',
        allow_expired: true,
        items: [{ product_id: product.id, quantity: 4 }],
      },
    });
    expect(override.status).toBe(201);
    expect(
      override.body.movements.map((m: { lot_id: string; quantity: number; expired_override: boolean }) => [
        m.lot_id,
        m.quantity,
        m.expired_override,
      ]),
    ).toEqual([
      [old, -3, true],
      [soon, -1, false],
    ]);
    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'stock.expired_override'), eq(auditLog.entityId, old)));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.userId).toBe(user.id);
  });

  it('sets a lot to the counted quantity on adjustment, the movement being the difference', async () => {
    const { token } = await signedInUser(t, 'gestionnaire_stocks');
    const { product, later, soon, old } = await productWithLots(token);
    const response = await api(t, 'POST', '/api/stock/adjustment/', {
      token,
      body: {
        reason: 'Inventaire mensuel',
        reference: 'INV-11',
        items: [
          { lot_id: later, counted_quantity: 12 },
          { lot_id: soon, counted_quantity: 5 },
          { lot_id: old, counted_quantity: 0 },
        ],
      },
    });
    expect(response.status).toBe(201);
    expect(
      response.body.movements.map((m: { lot_id: string; quantity: number }) => [m.lot_id, m.quantity]),
    ).toEqual([
      [later, 2],
      [old, -3],
    ]);
    expect(await stockOf(product.id)).toBe(17);

    const siteB = await createSite(t);
    const managerB = await signedInUser(t, 'gestionnaire_stocks', { siteId: siteB.id });
    const before = await movementCount();
    const foreign = await api(t, 'POST', '/api/stock/adjustment/', {
      token: managerB.token,
      body: { reason: 'x', items: [{ lot_id: later, counted_quantity: 0 }] },
    });
    expect(foreign.status).toBe(404);
    const twice = await api(t, 'POST', '/api/stock/adjustment/', {
      token,
      body: {
        reason: 'x',
        items: [
          { lot_id: later, counted_quantity: 1 },
          { lot_id: later, counted_quantity: 2 },
        ],
      },
    });
    expect(twice.status).toBe(400);
    const negative = await api(t, 'POST', '/api/stock/adjustment/', {
      token,
      body: { reason: 'x', items: [{ lot_id: later, counted_quantity: -1 }] },
    });
    expect(negative.status).toBe(400);
    expect(await movementCount()).toBe(before);
  });

  it('writes off a whole expired lot in one call, and by quantity first-expired-first-out', async () => {
    const { token } = await signedInUser(t, 'gestionnaire_stocks');
    const { product, old, soon } = await productWithLots(token);
    const whole = await api(t, 'POST', '/api/stock/loss/', {
      token,
      body: { reason: 'Périmé', items: [{ lot_id: old }] },
    });
    expect(whole.status).toBe(201);
    expect(whole.body.movements).toEqual([
      expect.objectContaining({ lot_id: old, quantity: -3, type: 'perte', expired_override: false }),
    ]);
    const again = await api(t, 'POST', '/api/stock/loss/', {
      token,
      body: { reason: 'Périmé', items: [{ lot_id: old }] },
    });
    expect(again.status).toBe(409);
    const damaged = await api(t, 'POST', '/api/stock/loss/', {
      token,
      body: { reason: 'Sachets percés', items: [{ product_id: product.id, quantity: 2 }] },
    });
    expect(damaged.status).toBe(201);
    expect(damaged.body.movements).toEqual([expect.objectContaining({ lot_id: soon, quantity: -2 })]);
    const neither = await api(t, 'POST', '/api/stock/loss/', {
      token,
      body: { reason: 'x', items: [{ quantity: 2 }] },
    });
    expect(neither.status).toBe(400);
    expect(await stockOf(product.id)).toBe(13);
  });

  it('lists the ledger with filters and cursor pages, and streams the same selection as CSV', async () => {
    const { token, user } = await signedInUser(t, 'gestionnaire_stocks');
    const { product, soon } = await productWithLots(token);
    const reference = unique('REF-');
    for (let i = 0; i < 3; i += 1) {
      await api(t, 'POST', '/api/stock/exit/', {
        token,
        body: { reason: 'Test, "quoted"', reference, items: [{ product_id: product.id, quantity: 1 }] },
      });
    }
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse = await api(
        t,
        'GET',
        `/api/stock/movements/?product_id=${product.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token },
      );
      expect(page.status).toBe(200);
      ids.push(...page.body.items.map((m: { id: number }) => m.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(ids).toHaveLength(6);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);

    const filtered = await api(
      t,
      'GET',
      `/api/stock/movements/?type=sortie&reference=${reference}&lot_id=${soon}&user_id=${user.id}&from=${today()}&to=${today()}`,
      { token },
    );
    expect(filtered.body.items).toHaveLength(3);
    const yesterday = await api(
      t,
      'GET',
      `/api/stock/movements/?product_id=${product.id}&to=${addDays(today(), -1)}`,
      { token },
    );
    expect(yesterday.body.items).toHaveLength(0);

    const csv = await api(t, 'GET', `/api/stock/movements/?reference=${reference}&format=csv`, { token });
    expect(csv.status).toBe(200);
    expect(String(csv.headers['content-type'])).toContain('text/csv');
    const lines = (csv.body as string).trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,created_at,site_id,product_id/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain('"Test, ""quoted"""');

    for (const query of [
      'limit=501',
      'from=2026-13-01',
      'from=2026-05-02&to=2026-05-01',
      'type=vol',
      'cursor=xyz',
      'format=xml',
    ]) {
      const response = await api(t, 'GET', `/api/stock/movements/?${query}`, { token });
      expect(response.status, query).toBe(400);
    }
  });

  it('keeps lots and movements of site B invisible and untouchable to users of site A', async () => {
    const managerA = await signedInUser(t, 'gestionnaire_stocks');
    const siteB = await createSite(t);
    const managerB = await signedInUser(t, 'gestionnaire_stocks', { siteId: siteB.id });
    const vendorA = await signedInUser(t, 'vendeur');
    const product = await createProduct(t);
    const [movementB] = await receive(t, managerB.token, [
      { product_id: product.id, quantity: 9, lot_code: 'B-LOT', expiry_date: addDays(today(), 1) },
    ]);

    const movementsA = await api(t, 'GET', `/api/stock/movements/?product_id=${product.id}`, {
      token: managerA.token,
    });
    expect(movementsA.body.items).toEqual([]);
    const byLot = await api(t, 'GET', `/api/stock/movements/?lot_id=${movementB!.lot_id}`, {
      token: managerA.token,
    });
    expect(byLot.body.items).toEqual([]);
    const otherSite = await api(t, 'GET', `/api/stock/movements/?site_id=${siteB.id}`, {
      token: managerA.token,
    });
    expect(otherSite.status).toBe(404);
    const lotsA = await api(t, 'GET', `/api/products/${product.id}/lots/`, { token: vendorA.token });
    expect(lotsA.body).toEqual([]);
    const expiringA = await api(t, 'GET', '/api/lots/expiring/?days=3', { token: vendorA.token });
    expect(expiringA.body.map((l: { id: string }) => l.id)).not.toContain(movementB!.lot_id);
    const expiringB = await api(t, 'GET', '/api/lots/expiring/?days=3', { token: managerB.token });
    expect(expiringB.body.map((l: { id: string }) => l.id)).toContain(movementB!.lot_id);

    const before = await movementCount();
    const exit = await api(t, 'POST', '/api/stock/exit/', {
      token: managerA.token,
      body: { reason: 'x', items: [{ product_id: product.id, quantity: 1, lot_id: movementB!.lot_id }] },
    });
    expect(exit.status).toBe(404);
    const loss = await api(t, 'POST', '/api/stock/loss/', {
      token: managerA.token,
      body: { reason: 'x', items: [{ lot_id: movementB!.lot_id }] },
    });
    expect(loss.status).toBe(404);
    const intoB = await api(t, 'POST', '/api/stock/entry/', {
      token: managerA.token,
      body: { site_id: siteB.id, items: [{ product_id: product.id, quantity: 1 }] },
    });
    expect(intoB.status).toBe(404);
    expect(await movementCount()).toBe(before);

    const admin = await signedInUser(t, 'admin');
    const adminView = await api(
      t,
      'GET',
      `/api/stock/movements/?site_id=${siteB.id}&product_id=${product.id}`,
      {
        token: admin.token,
      },
    );
    expect(adminView.body.items).toHaveLength(1);
  });

  it('lets only stock managers and the admin change stock or read the ledger', async () => {
    const product = await createProduct(t);
    const before = await movementCount();
    for (const role of ['vendeur', 'gestionnaire_commandes'] as const) {
      const { token } = await signedInUser(t, role);
      const entry = await api(t, 'POST', '/api/stock/entry/', {
        token,
        body: { items: [{ product_id: product.id, quantity: 1 }] },
      });
      expect(entry.status).toBe(403);
      expect((await api(t, 'GET', '/api/stock/movements/', { token })).status).toBe(403);
      expect((await api(t, 'GET', `/api/products/${product.id}/lots/`, { token })).status).toBe(200);
      expect((await api(t, 'GET', '/api/products/low-stock/', { token })).status).toBe(200);
    }
    expect(await movementCount()).toBe(before);
  });

  it('documents every catalog and stock route in /api/docs', async () => {
    const doc = await api(t, 'GET', '/api/docs/json');
    const paths = [
      ['/api/categories', 'get'],
      ['/api/categories', 'post'],
      ['/api/products', 'get'],
      ['/api/products', 'post'],
      ['/api/products/low-stock/', 'get'],
      ['/api/products/{id}/', 'put'],
      ['/api/products/{id}/', 'delete'],
      ['/api/products/{id}/lots/', 'get'],
      ['/api/lots/expiring/', 'get'],
      ['/api/stock/entry/', 'post'],
      ['/api/stock/exit/', 'post'],
      ['/api/stock/adjustment/', 'post'],
      ['/api/stock/loss/', 'post'],
      ['/api/stock/movements/', 'get'],
    ];
    // A prefix's root route is documented without its trailing slash.
    for (const [path, method] of paths) {
      const operation = doc.body.paths[path!]?.[method!];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation.tags.length, `${method} ${path}`).toBeGreaterThan(0);
    }
  });

  it('is append-only in the database itself', async () => {
    const { token } = await signedInUser(t, 'gestionnaire_stocks');
    const [movement] = await receive(t, token, [{ product_id: (await createProduct(t)).id, quantity: 2 }]);
    await expect(
      t.db.execute(sql`UPDATE stock_movements SET quantity = 99 WHERE id = ${movement!.id}`),
    ).rejects.toThrow();
    await expect(t.db.execute(sql`DELETE FROM stock_movements WHERE id = ${movement!.id}`)).rejects.toThrow();
    const [row] = await t.db.select().from(stockMovements).where(eq(stockMovements.id, movement!.id));
    expect(row!.quantity).toBe(2);
  });

  it("refuses in the database itself a movement whose product or site is not its lot's", async () => {
    const { token } = await signedInUser(t, 'gestionnaire_stocks');
    const product = await createProduct(t);
    const [movement] = await receive(t, token, [{ product_id: product.id, quantity: 2 }]);
    const otherProduct = await createProduct(t);
    const otherSite = await createSite(t);
    // A row chained on the ledger's own, with the product or the site changed: a foreign key
    // violation each (23503), and the ledger still adds up.
    const copyWith = (productId: string, siteId: string) =>
      t.db
        .execute(
          sql`INSERT INTO stock_movements (product_id, site_id, lot_id, type, quantity, stock_before, stock_after,
                lot_before, lot_after)
              VALUES (${productId}, ${siteId}, ${movement!.lot_id}, 'entree', 1, 2, 3, 2, 3)`,
        )
        .then(
          () => 'written',
          (error: unknown) => postgresErrorCode(error),
        );

    expect(await copyWith(otherProduct.id, t.defaultSiteId)).toBe('23503');
    expect(await copyWith(product.id, otherSite.id)).toBe('23503');
    expect(await ledgerProblems(t)).toEqual([]);
  });

  it('serves takeStock and putStock to other features inside their write', async () => {
    const { token } = await signedInUser(t, 'gestionnaire_stocks');
    const vendor = await createUser(t, 'vendeur');
    const actor: Actor = {
      userId: vendor.id,
      username: vendor.username,
      role: 'vendeur',
      siteId: t.defaultSiteId,
      deviceId: null,
      requestId: 'test',
      ip: '127.0.0.1',
    };
    const { product, soon, later } = await productWithLots(token);
    const orderId = crypto.randomUUID();
    const taken = await runWrite(t.app.writes, actor, (ctx) =>
      takeStock(ctx, [{ productId: product.id, quantity: 6 }], {
        siteId: t.defaultSiteId,
        type: 'vente',
        reference: 'CMD-1',
        orderId,
      }),
    );
    expect(taken.map((m) => [m.lotId, m.quantity, m.stockBefore, m.stockAfter])).toEqual([
      [soon, -5, 18, 13],
      [later, -1, 13, 12],
    ]);
    const returned = await runWrite(t.app.writes, actor, (ctx) =>
      putStock(ctx, [{ productId: product.id, lotId: soon, quantity: 2 }], {
        siteId: t.defaultSiteId,
        type: 'retour',
        orderId,
        reason: 'Client absent',
      }),
    );
    expect(returned).toEqual([
      expect.objectContaining({ lotId: soon, quantity: 2, stockBefore: 12, stockAfter: 14 }),
    ]);
    // A vendor can't override expiry, and a lot of another product is unknown.
    await expect(
      runWrite(t.app.writes, actor, (ctx) =>
        takeStock(ctx, [{ productId: product.id, quantity: 1 }], {
          siteId: t.defaultSiteId,
          type: 'vente',
          allowExpired: true,
        }),
      ),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const other = await createProduct(t);
    await expect(
      runWrite(t.app.writes, actor, (ctx) =>
        putStock(ctx, [{ productId: other.id, lotId: soon, quantity: 1 }], {
          siteId: t.defaultSiteId,
          type: 'retour',
        }),
      ),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await ledgerProblems(t)).toEqual([]);
  });
});
