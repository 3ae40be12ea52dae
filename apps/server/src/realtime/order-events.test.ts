import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSite, signedInUser } from '../../test/factories.ts';
import { api, useTestApp } from '../../test/harness.ts';
import { products } from '../db/schema.ts';
import { createOrderAs, createProduct, receiveStock } from '../features/orders/test-helpers.ts';
import { sleep, useSockets } from './test-helpers.ts';

/** The orders API, end to end: each change pushes its notification to the right sockets. */
describe('order and stock events through the API', () => {
  const t = useTestApp();
  const { connect } = useSockets(t);

  const about = (orderId: string, kind: string) => (m: { type: string; notification?: any }) =>
    m.type === 'notification' && m.notification.kind === kind && m.notification.data.order_id === orderId;

  it('create, status change, payment and delivery notify vendor, managers and stock managers', async () => {
    const vendor = await signedInUser(t, 'vendeur');
    const otherVendor = await signedInUser(t, 'vendeur');
    const manager = await signedInUser(t, 'gestionnaire_commandes');
    const stock = await signedInUser(t, 'gestionnaire_stocks');
    const otherSite = await createSite(t);
    const managerElsewhere = await signedInUser(t, 'gestionnaire_commandes', { siteId: otherSite.id });
    const on = {
      vendor: await connect(vendor.token),
      otherVendor: await connect(otherVendor.token),
      manager: await connect(manager.token),
      stock: await connect(stock.token),
      managerElsewhere: await connect(managerElsewhere.token),
    };

    const product = await createProduct(t);
    await t.db.update(products).set({ minStockLevel: 5 }).where(eq(products.id, product.id));
    await receiveStock(t, stock.token, [{ product_id: product.id, quantity: 6 }]);

    const order = await createOrderAs(t, vendor.token, [product.id], {
      items: [{ product_id: product.id, quantity: 4 }],
    });
    const created = await on.manager.waitFor(about(order.id, 'commande_nouvelle'));
    expect((created as any).notification.title).toContain(order.number);

    const preparing = await api(t, 'PATCH', `/api/orders/${order.id}/status/`, {
      token: manager.token,
      body: { status: 'en_preparation', version: order.version },
    });
    expect(preparing.status).toBe(200);
    await on.vendor.waitFor(about(order.id, 'commande_statut'));
    await on.manager.waitFor(about(order.id, 'commande_statut'));

    const paid = await api(t, 'PATCH', `/api/orders/${order.id}/payment/`, {
      token: manager.token,
      body: { amount: 1000, method: 'orange_money', reference: 'OM123', version: preparing.body.version },
    });
    expect(paid.status).toBe(200);
    await on.vendor.waitFor(about(order.id, 'paiement_enregistre'));

    let version = paid.body.version;
    for (const status of ['en_cours', 'livree']) {
      const moved = await api(t, 'PATCH', `/api/orders/${order.id}/status/`, {
        token: manager.token,
        body: { status, version },
      });
      expect(moved.status).toBe(200);
      version = moved.body.version;
    }
    // 6 → 2 units, under the threshold of 5: the stock manager hears of it.
    const low = await on.stock.waitFor(
      (m) =>
        m.type === 'notification' &&
        m.notification.kind === 'stock_bas' &&
        m.notification.data.product_id === product.id,
    );
    expect((low as any).notification.data.quantity).toBe(2);

    await sleep(200);
    expect(on.vendor.messages.some(about(order.id, 'commande_nouvelle'))).toBe(false);
    expect(on.stock.notifications().some((n) => n.data.order_id === order.id)).toBe(false);
    for (const socket of [on.otherVendor, on.managerElsewhere]) {
      expect(socket.notifications()).toEqual([]);
    }
    expect(
      on.vendor
        .notifications()
        .filter((n) => n.data.order_id === order.id)
        .map((n) => n.kind),
    ).toEqual(['commande_statut', 'paiement_enregistre', 'commande_statut', 'commande_statut']);
  });

  it('a manual stock exit that empties a product tells the stock managers it is out', async () => {
    const stock = await signedInUser(t, 'gestionnaire_stocks');
    const vendor = await signedInUser(t, 'vendeur');
    const on = { stock: await connect(stock.token), vendor: await connect(vendor.token) };
    const product = await createProduct(t);
    await receiveStock(t, stock.token, [{ product_id: product.id, quantity: 3 }]);
    const exit = await api(t, 'POST', '/api/stock/exit/', {
      token: stock.token,
      body: { items: [{ product_id: product.id, quantity: 3 }], reason: 'casse' },
    });
    expect(exit.status).toBe(201);
    const out = await on.stock.waitFor(
      (m) => m.type === 'notification' && m.notification.data.product_id === product.id,
    );
    expect((out as any).notification.kind).toBe('rupture_stock');
    await sleep(200);
    expect(on.vendor.notifications()).toEqual([]);
  });

  it('a refused change notifies no one', async () => {
    const vendor = await signedInUser(t, 'vendeur');
    const manager = await signedInUser(t, 'gestionnaire_commandes');
    const socket = await connect(manager.token);
    const product = await createProduct(t);
    const order = await createOrderAs(t, vendor.token, [product.id]);
    await socket.waitFor(about(order.id, 'commande_nouvelle'));
    // A stale version is refused (409) and rolls back: no status notification.
    const refused = await api(t, 'PATCH', `/api/orders/${order.id}/status/`, {
      token: manager.token,
      body: { status: 'annulee', version: order.version + 5 },
    });
    expect(refused.status).toBe(409);
    await sleep(200);
    expect(socket.messages.some(about(order.id, 'commande_statut'))).toBe(false);
  });
});
