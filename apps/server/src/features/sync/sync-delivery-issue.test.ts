import type { SyncOrder } from '@gapal/shared';
import { describe, expect, it } from 'vitest';
import { signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { receiveStock } from '../orders/test-helpers.ts';
import { catalogProduct, createArgs, mutation, pullAll, push, syncClient } from './test-helpers.ts';

/** A delivery the depot refuses for lack of stock reaches the vendor's phone with the order. */
describe('sync: a refused delivery on the vendor’s order', () => {
  const t = useTestApp();

  async function toDelivery(token: string, orderId: string) {
    for (const status of ['en_preparation', 'en_cours']) {
      const moved = await api(t, 'PATCH', `/api/orders/${orderId}/status/`, { token, body: { status } });
      expect(moved.status).toBe(200);
    }
  }

  it('carries the refusal on the order in the next pull, and only on the refused order', async () => {
    const vendor = await syncClient(t);
    const manager = await signedInUser(t, 'gestionnaire_commandes');
    const stockManager = await signedInUser(t, 'gestionnaire_stocks');
    const product = await catalogProduct(t, { name: `Yaourt nature ${Date.now()}` });
    await receiveStock(t, stockManager.token, [{ product_id: product.id, quantity: 7 }]);
    const small = createArgs([product.id], { items: [{ product_id: product.id, quantity: 2 }] });
    const big = createArgs([product.id], { items: [{ product_id: product.id, quantity: 10 }] });
    const pushed = await push(t, vendor, [
      mutation(vendor, 'create_order', small),
      mutation(vendor, 'create_order', big),
    ]);
    const [smallId, bigId] = pushed.body.results.map((result) => result.order!.id);
    const { cursor } = await pullAll(t, vendor);

    for (const id of [smallId!, bigId!]) await toDelivery(manager.token, id);
    const served = await api(t, 'PATCH', `/api/orders/${smallId}/status/`, {
      token: manager.token,
      body: { status: 'livree' },
    });
    expect(served.status).toBe(200);
    const refused = await api(t, 'PATCH', `/api/orders/${bigId}/status/`, {
      token: manager.token,
      body: { status: 'livree' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('insufficient_stock');

    const { pages } = await pullAll(t, vendor, cursor);
    const orders = new Map<string, SyncOrder>();
    for (const page of pages) for (const order of page.orders) orders.set(order.id, order);
    expect(orders.get(bigId!)).toMatchObject({
      delivery_status: 'en_cours',
      delivery_issue: expect.objectContaining({ code: 'insufficient_stock' }),
    });
    expect(orders.get(bigId!)!.delivery_issue!.message).toMatch(
      /^Stock insuffisant : Yaourt nature \d+ \(demandé : 10, disponible : 5\)$/,
    );
    expect(orders.get(bigId!)!.delivery_issue!.at).toMatch(/Z$/);
    expect(orders.get(smallId!)).toMatchObject({ delivery_status: 'livree', delivery_issue: null });

    // A first sync (a new phone, a reset) carries it too.
    const fresh = await pullAll(t, vendor);
    const again = fresh.pages.flatMap((page) => page.orders).find((order) => order.id === bigId);
    expect(again?.delivery_issue?.code).toBe('insufficient_stock');
  });

  it('keeps only the latest refusal of an order', async () => {
    const vendor = await syncClient(t);
    const manager = await signedInUser(t, 'gestionnaire_commandes');
    const stockManager = await signedInUser(t, 'gestionnaire_stocks');
    const product = await catalogProduct(t);
    const create = createArgs([product.id], { items: [{ product_id: product.id, quantity: 4 }] });
    const pushed = await push(t, vendor, [mutation(vendor, 'create_order', create)]);
    const orderId = pushed.body.results[0]!.order!.id;
    await toDelivery(manager.token, orderId);
    const deliver = () =>
      api(t, 'PATCH', `/api/orders/${orderId}/status/`, { token: manager.token, body: { status: 'livree' } });
    expect((await deliver()).status).toBe(409);
    await receiveStock(t, stockManager.token, [{ product_id: product.id, quantity: 1 }]);
    expect((await deliver()).status).toBe(409);

    const { pages } = await pullAll(t, vendor);
    const order = pages.flatMap((page) => page.orders).find((candidate) => candidate.id === orderId);
    expect(order?.delivery_issue?.message).toMatch(/\(demandé : 4, disponible : 1\)$/);
  });
});
