import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { payments } from '../../db/schema.ts';
import { catalogProduct, createArgs, mutation, pullAll, push, syncClient } from '../sync/test-helpers.ts';
import { receiveStock } from './test-helpers.ts';

/** The phone sees what a return did to the money, and can't pay past it. */
describe('order money through the sync', () => {
  const t = useTestApp();

  it('rejects a door payment above the balance a return lowered, and the pull carries returned and credit', async () => {
    const vendor = await syncClient(t);
    const manager = await signedInUser(t, 'gestionnaire_commandes', { siteId: vendor.siteId });
    const stocker = await signedInUser(t, 'gestionnaire_stocks', { siteId: vendor.siteId });
    const product = await catalogProduct(t, { unitPrice: 1000 });
    await receiveStock(t, stocker.token, [{ product_id: product.id, quantity: 10 }]);
    const create = createArgs([product.id]); // 2 × 1 000
    const created = await push(t, vendor, [mutation(vendor, 'create_order', create)]);
    const id = created.body.results[0]!.order!.id;
    for (const status of ['en_preparation', 'en_cours', 'livree']) {
      const moved = await api(t, 'PATCH', `/api/orders/${id}/status/`, {
        token: manager.token,
        body: { status },
      });
      expect(moved.status, `${status} ${JSON.stringify(moved.body)}`).toBe(200);
    }
    const { body: order } = await api(t, 'GET', `/api/orders/${id}/`, { token: manager.token });
    const returned = await api(t, 'POST', `/api/orders/${id}/return/`, {
      token: manager.token,
      body: { reason: 'Sachet percé', items: [{ item_id: order.items[0].id, quantity: 1 }] },
    });
    expect(returned.body).toMatchObject({ returned_amount: 1000, balance: 1000 });

    const response = await push(t, vendor, [
      mutation(vendor, 'record_payment', { local_id: create.local_id, amount: 1500, method: 'especes' }),
      mutation(vendor, 'record_payment', { local_id: create.local_id, amount: 500, method: 'avoir' }),
      mutation(vendor, 'record_payment', { local_id: create.local_id, amount: 1000, method: 'especes' }),
    ]);
    expect(response.body.results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'applied']);
    expect(response.body.results[0]!.reason).toMatchObject({
      code: 'validation_error',
      message: 'Le montant dépasse le solde restant (1 000)',
    });
    expect(response.body.results[0]!.current).toMatchObject({
      returned_amount: 1000,
      balance: 1000,
      credit: 0,
    });
    expect(response.body.results[1]!.reason).toMatchObject({ code: 'validation_error' });
    const rows = await t.db.select().from(payments).where(eq(payments.orderId, id));
    expect(rows.map((row) => row.amount)).toEqual([1000]);

    const { pages } = await pullAll(t, vendor);
    const pulled = pages
      .flatMap((page) => page.orders)
      .filter((row) => row.id === id)
      .at(-1);
    expect(pulled).toMatchObject({
      total_amount: 2000,
      returned_amount: 1000,
      paid_amount: 1000,
      balance: 0,
      credit: 0,
      payment_status: 'payee',
    });
  });
});
