import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSite, signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { auditLog, orders, stockMovements } from '../../db/schema.ts';
import { createOrderAs, createProduct, ledgerProblems, receiveStock, stockLevelOf } from './test-helpers.ts';

describe('concurrent deliveries on hot products', () => {
  const t = useTestApp({ poolSize: 40 });

  it('32 parallel deliveries sharing 3 products: stock = initial − delivered, nothing twice, refused ones leave no trace', async () => {
    const site = await createSite(t);
    const stocker = await signedInUser(t, 'gestionnaire_stocks', { siteId: site.id });
    const manager = await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id });
    const products = await Promise.all([createProduct(t), createProduct(t), createProduct(t)]);
    const initial = [40, 35, 45];
    // Two lots each, so deliveries cross lot boundaries too.
    await receiveStock(
      t,
      stocker.token,
      products.flatMap((product, i) => [
        { product_id: product.id, quantity: initial[i]! - 10, lot_code: 'L1' },
        { product_id: product.id, quantity: 10, lot_code: 'L2', expiry_date: '2099-01-01' },
      ]),
    );

    // Demand (32 orders × 1..3 units of each) exceeds stock, so some deliveries must be refused.
    const created = [];
    for (let i = 0; i < 32; i += 1) {
      const order = await createOrderAs(t, manager.token, [products[0]!.id], {
        items: products.map((product, p) => ({ product_id: product.id, quantity: 1 + ((i + p) % 3) })),
      });
      for (const status of ['en_preparation', 'en_cours']) {
        await api(t, 'PATCH', `/api/orders/${order.id}/status/`, { token: manager.token, body: { status } });
      }
      created.push(order);
    }
    const auditBefore = await t.db
      .select()
      .from(auditLog)
      .where(
        inArray(
          auditLog.entityId,
          created.map((o) => o.id),
        ),
      );

    const responses = await Promise.all(
      created.map((order) =>
        api(t, 'PATCH', `/api/orders/${order.id}/status/`, {
          token: manager.token,
          body: { status: 'livree' },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const refused = created.filter((_, i) => statuses[i] === 409);
    const delivered = created.filter((_, i) => statuses[i] === 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(delivered.length).toBeGreaterThan(0);
    for (const [i, response] of responses.entries()) {
      if (statuses[i] === 409) expect(response.body.error.code).toBe('insufficient_stock');
    }

    // Stock ends exactly at initial − delivered.
    for (const [p, product] of products.entries()) {
      const taken = delivered.reduce(
        (sum, order) =>
          sum + order.items.find((item: { product_id: string }) => item.product_id === product.id).quantity,
        0,
      );
      expect(await stockLevelOf(t, site.id, product.id)).toBe(initial[p]! - taken);
    }
    expect(
      await ledgerProblems(
        t,
        site.id,
        products.map((p) => p.id),
      ),
    ).toEqual([]);

    // Each delivered order has its sale movements once; refused ones have none and did not move.
    for (const order of delivered) {
      const movements = await t.db.select().from(stockMovements).where(eq(stockMovements.orderId, order.id));
      const perProduct = new Map<string, number>();
      for (const m of movements) perProduct.set(m.productId, (perProduct.get(m.productId) ?? 0) - m.quantity);
      for (const item of order.items) expect(perProduct.get(item.product_id)).toBe(item.quantity);
    }
    const refusedIds = refused.map((o) => o.id);
    if (refusedIds.length > 0) {
      expect(
        await t.db.select().from(stockMovements).where(inArray(stockMovements.orderId, refusedIds)),
      ).toEqual([]);
      const rows = await t.db.select().from(orders).where(inArray(orders.id, refusedIds));
      expect(rows.every((row) => row.deliveryStatus === 'en_cours' && row.version === 3)).toBe(true);
    }
    const auditAfter = await t.db
      .select()
      .from(auditLog)
      .where(
        inArray(
          auditLog.entityId,
          created.map((o) => o.id),
        ),
      );
    expect(auditAfter.length - auditBefore.length).toBe(delivered.length);
  });
});
