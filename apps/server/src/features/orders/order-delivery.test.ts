import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDevice, createSite, signedInUser, tokenFor } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { orders, stockLevels, stockMovements } from '../../db/schema.ts';
import {
  auditFor,
  countRows,
  createOrderAs,
  createProduct,
  isoDay,
  orderBody,
  receiveStock,
} from './test-helpers.ts';

describe('order delivery, direct sale and returns', () => {
  const t = useTestApp({ poolSize: 20 });

  async function setup() {
    const site = await createSite(t);
    const stocker = await signedInUser(t, 'gestionnaire_stocks', { siteId: site.id });
    const manager = await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id });
    const vendor = await signedInUser(t, 'vendeur', { siteId: site.id });
    const level = async (productId: string) => {
      const [row] = await t.db
        .select()
        .from(stockLevels)
        .where(and(eq(stockLevels.productId, productId), eq(stockLevels.siteId, site.id)));
      return row?.quantity ?? 0;
    };
    const move = (orderId: string, status: string, token = manager.token) =>
      api(t, 'PATCH', `/api/orders/${orderId}/status/`, { token, body: { status } });
    const toEnCours = async (orderId: string) => {
      for (const status of ['en_preparation', 'en_cours'])
        expect((await move(orderId, status)).status).toBe(200);
    };
    return { site, stocker, manager, vendor, level, move, toEnCours };
  }

  it('takes the stock first-expired-first-out when the order is delivered, in vente movements', async () => {
    const s = await setup();
    const device = await createDevice(t, s.manager.user, s.site.id);
    const managerOnDevice = await tokenFor(t, s.manager.user, device.id);
    const product = await createProduct(t, { unitPrice: 400 });
    await receiveStock(t, s.stocker.token, [
      { product_id: product.id, quantity: 5, expiry_date: isoDay(20), lot_code: 'LATE' },
      { product_id: product.id, quantity: 4, expiry_date: isoDay(5), lot_code: 'EARLY' },
    ]);
    const order = await createOrderAs(t, s.vendor.token, [product.id], {
      items: [{ product_id: product.id, quantity: 6 }],
    });
    await s.toEnCours(order.id);
    expect(await s.level(product.id)).toBe(9);
    const delivered = await s.move(order.id, 'livree', managerOnDevice);
    expect(delivered.status).toBe(200);
    expect(delivered.body.delivery_status).toBe('livree');
    expect(delivered.body.delivered_at).toBeTypeOf('string');
    expect(await s.level(product.id)).toBe(3);

    const movements = await t.db
      .select()
      .from(stockMovements)
      .where(eq(stockMovements.orderId, order.id))
      .orderBy(asc(stockMovements.id));
    expect(movements.map((m) => [m.type, m.quantity, m.reference])).toEqual([
      ['vente', -4, order.number],
      ['vente', -2, order.number],
    ]);
    expect(movements.every((m) => m.userId === s.manager.user.id && m.deviceId === device.id)).toBe(true);
    expect((await auditFor(t, order.id)).map((row) => row.action).at(-1)).toBe('order.status');
  });

  it('refuses a delivery short of stock with the shortage per product, changing nothing', async () => {
    const s = await setup();
    const plenty = await createProduct(t);
    const scarce = await createProduct(t);
    await receiveStock(t, s.stocker.token, [
      { product_id: plenty.id, quantity: 10 },
      { product_id: scarce.id, quantity: 2 },
    ]);
    const order = await createOrderAs(t, s.vendor.token, [plenty.id], {
      items: [
        { product_id: plenty.id, quantity: 3 },
        { product_id: scarce.id, quantity: 5 },
      ],
    });
    await s.toEnCours(order.id);
    const auditBefore = (await auditFor(t, order.id)).length;
    const response = await s.move(order.id, 'livree');
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('insufficient_stock');
    expect(response.body.error.details.shortages).toEqual([
      { product_id: scarce.id, requested: 5, available: 2, product_name: scarce.name },
    ]);
    // The message names what is missing: the dashboard and the vendor app show it as is.
    expect(response.body.error.message).toBe(
      `Stock insuffisant : ${scarce.name} (demandé : 5, disponible : 2)`,
    );
    expect(await s.level(plenty.id)).toBe(10);
    expect(await s.level(scarce.id)).toBe(2);
    const [row] = await t.db.select().from(orders).where(eq(orders.id, order.id));
    expect(row!.deliveryStatus).toBe('en_cours');
    expect(row!.version).toBe(3);
    expect(await t.db.select().from(stockMovements).where(eq(stockMovements.orderId, order.id))).toEqual([]);
    expect((await auditFor(t, order.id)).length).toBe(auditBefore);
  });

  it('never takes stock twice: a retried delivery gets 409 invalid_transition', async () => {
    const s = await setup();
    const product = await createProduct(t);
    await receiveStock(t, s.stocker.token, [{ product_id: product.id, quantity: 10 }]);
    const order = await createOrderAs(t, s.vendor.token, [product.id], {
      items: [{ product_id: product.id, quantity: 3 }],
    });
    await s.toEnCours(order.id);
    expect((await s.move(order.id, 'livree')).status).toBe(200);
    const again = await s.move(order.id, 'livree');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_transition');
    expect(await s.level(product.id)).toBe(7);
    expect((await s.move(order.id, 'annulee')).status).toBe(409);
  });

  it('delivers once when two managers click at the same moment', async () => {
    const s = await setup();
    const other = await signedInUser(t, 'gestionnaire_commandes', { siteId: s.site.id });
    const product = await createProduct(t);
    await receiveStock(t, s.stocker.token, [{ product_id: product.id, quantity: 100 }]);
    const order = await createOrderAs(t, s.vendor.token, [product.id], {
      items: [{ product_id: product.id, quantity: 4 }],
    });
    await s.toEnCours(order.id);
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => s.move(order.id, 'livree', i % 2 ? other.token : s.manager.token)),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    expect(
      responses.filter((r) => r.status === 409).every((r) => r.body.error.code === 'invalid_transition'),
    ).toBe(true);
    expect(await s.level(product.id)).toBe(96);
    expect(await t.db.select().from(stockMovements).where(eq(stockMovements.orderId, order.id))).toHaveLength(
      1,
    );
  });

  it('sells directly: the order is created delivered and the stock leaves in the same transaction', async () => {
    const s = await setup();
    const product = await createProduct(t, { unitPrice: 250 });
    await receiveStock(t, s.stocker.token, [{ product_id: product.id, quantity: 5 }]);
    const body = orderBody([product.id], {
      direct_sale: true,
      items: [{ product_id: product.id, quantity: 2 }],
    });
    const responses = await Promise.all(
      Array.from({ length: 3 }, () => api(t, 'POST', '/api/orders/', { token: s.vendor.token, body })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    const order = responses[0]!.body;
    expect(order.delivery_status).toBe('livree');
    expect(order.total_amount).toBe(500);
    expect(await s.level(product.id)).toBe(3);
    const audit = await auditFor(t, order.id);
    expect(audit.map((row) => row.action)).toEqual(['order.direct_sale']);

    const ordersBefore = await countRows(t, orders);
    const tooMuch = await api(t, 'POST', '/api/orders/', {
      token: s.vendor.token,
      body: orderBody([product.id], { direct_sale: true, items: [{ product_id: product.id, quantity: 4 }] }),
    });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error.code).toBe('insufficient_stock');
    expect(await countRows(t, orders)).toBe(ordersBefore);
    expect(await s.level(product.id)).toBe(3);
    // The refused sale gave its number back: the next order follows the direct sale.
    const next = await createOrderAs(t, s.vendor.token, [product.id]);
    expect(Number(next.number.split('-')[2])).toBe(Number(order.number.split('-')[2]) + 1);
  });

  it('puts returned goods back into the lots they came from and records the return', async () => {
    const s = await setup();
    const product = await createProduct(t);
    await receiveStock(t, s.stocker.token, [
      { product_id: product.id, quantity: 2, expiry_date: isoDay(3), lot_code: 'A' },
      { product_id: product.id, quantity: 10, expiry_date: isoDay(30), lot_code: 'B' },
    ]);
    const order = await createOrderAs(t, s.manager.token, [product.id], {
      direct_sale: true,
      items: [{ product_id: product.id, quantity: 5 }],
    });
    expect(await s.level(product.id)).toBe(7);
    const itemId = order.items[0].id;
    const ret = (quantity: number, reason = 'Pots abîmés') =>
      api(t, 'POST', `/api/orders/${order.id}/return/`, {
        token: s.manager.token,
        body: { reason, items: [{ item_id: itemId, quantity }] },
      });
    const first = await ret(4);
    expect(first.status).toBe(200);
    expect(first.body.items[0].returned_quantity).toBe(4);
    expect(first.body.returns).toHaveLength(1);
    expect(first.body.returns[0]).toMatchObject({
      reason: 'Pots abîmés',
      items: [{ item_id: itemId, quantity: 4 }],
    });
    expect(await s.level(product.id)).toBe(11);

    const movements = await t.db
      .select()
      .from(stockMovements)
      .where(eq(stockMovements.orderId, order.id))
      .orderBy(asc(stockMovements.id));
    const sold = movements.filter((m) => m.type === 'vente');
    const back = movements.filter((m) => m.type === 'retour');
    expect(back.reduce((sum, m) => sum + m.quantity, 0)).toBe(4);
    const soldFrom = new Map(sold.map((m) => [m.lotId, -m.quantity]));
    for (const m of back) expect(m.quantity).toBeLessThanOrEqual(soldFrom.get(m.lotId)!);
    expect(back.every((m) => m.reference === order.number && m.reason === 'Pots abîmés')).toBe(true);

    // Only what is left may come back; a bad line writes nothing.
    const tooMany = await ret(2);
    expect(tooMany.status).toBe(400);
    const unknown = await api(t, 'POST', `/api/orders/${order.id}/return/`, {
      token: s.manager.token,
      body: { reason: 'x', items: [{ item_id: randomUUID(), quantity: 1 }] },
    });
    expect(unknown.status).toBe(400);
    expect(await s.level(product.id)).toBe(11);
    expect((await ret(1)).status).toBe(200);
    expect(await s.level(product.id)).toBe(12);
    expect((await auditFor(t, order.id)).filter((row) => row.action === 'order.return')).toHaveLength(2);
  });

  it('refuses a return on an order not delivered, and from a vendor', async () => {
    const s = await setup();
    const product = await createProduct(t);
    const order = await createOrderAs(t, s.vendor.token, [product.id]);
    const body = { reason: 'x', items: [{ item_id: order.items[0].id, quantity: 1 }] };
    const response = await api(t, 'POST', `/api/orders/${order.id}/return/`, {
      token: s.manager.token,
      body,
    });
    expect(response.status).toBe(409);
    const vendor = await api(t, 'POST', `/api/orders/${order.id}/return/`, { token: s.vendor.token, body });
    expect(vendor.status).toBe(403);
    const empty = await api(t, 'POST', `/api/orders/${order.id}/return/`, {
      token: s.manager.token,
      body: { reason: 'x', items: [] },
    });
    expect(empty.status).toBe(400);
  });
});
