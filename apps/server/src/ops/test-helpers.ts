import { expect } from 'vitest';
import { signedInUser } from '../../test/factories.ts';
import { api, type TestApp } from '../../test/harness.ts';
import { createOrderAs, createProduct, receiveStock } from '../features/orders/test-helpers.ts';

/** A small business day through the API: stock received, orders taken, delivered, paid, cancelled. */
export async function seedBusinessDay(t: TestApp): Promise<void> {
  const stock = await signedInUser(t, 'gestionnaire_stocks');
  const manager = await signedInUser(t, 'gestionnaire_commandes');
  const products = [await createProduct(t, { unitPrice: 500 }), await createProduct(t, { unitPrice: 750 })];
  const ids = products.map((product) => product.id);
  await receiveStock(t, stock.token, [
    { product_id: ids[0]!, quantity: 40, lot_code: 'L1' },
    { product_id: ids[0]!, quantity: 25, lot_code: 'L2', expiry_date: '2099-01-01' },
    { product_id: ids[1]!, quantity: 30, lot_code: 'L1' },
  ]);
  const orders = [];
  for (let i = 0; i < 5; i += 1) orders.push(await createOrderAs(t, manager.token, ids));
  const move = async (id: string, status: string) => {
    const response = await api(t, 'PATCH', `/api/orders/${id}/status/`, {
      token: manager.token,
      body: { status },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  };
  for (const order of orders.slice(0, 3)) {
    for (const status of ['en_preparation', 'en_cours', 'livree']) await move(order.id, status);
  }
  await move(orders[3].id, 'annulee');
  const paid = await api(t, 'PATCH', `/api/orders/${orders[0].id}/payment/`, {
    token: manager.token,
    body: { amount: 1000, method: 'orange_money', reference: 'OM-123' },
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
}
