import type { OutboxEntry } from '@gapal/sync-client';
import { describe, expect, it } from 'vitest';
import { announceSavedOrder, forgetSavedOrders, savedOrders } from './saved-orders.ts';

const product = {
  id: '0b7f1c8e-2f4a-4c2e-9a51-3d1f0e6b7a10',
  name: 'Lait caillé 1 L',
  unit_price: 750,
};
const creation = (localId: string, client: string): OutboxEntry =>
  ({
    seq: 1,
    id: '5d0a0c2e-7e1b-4a3f-8c6d-1b2e3f4a5b6c',
    name: 'create_order',
    client_time: '2026-12-07T10:00:00.000Z',
    status: 'pending',
    args: { local_id: localId, client_name: client, items: [{ product_id: product.id, quantity: 2 }] },
  }) as OutboxEntry;

describe('orders just saved', () => {
  it('shows a new order priced from the catalog until the list has read it', () => {
    const localId = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
    announceSavedOrder([creation(localId, 'Boutique Awa')], [product as never]);
    const [saved] = savedOrders();
    expect(saved?.order).toMatchObject({
      local_id: localId,
      client_name: 'Boutique Awa',
      total_amount: 1500,
      delivery_status: 'nouvelle',
    });
    expect(saved?.productNames.get(product.id)).toBe('Lait caillé 1 L');

    forgetSavedOrders(new Set(['another-order']));
    expect(savedOrders()).toHaveLength(1);
    forgetSavedOrders(new Set([localId]));
    expect(savedOrders()).toHaveLength(0);
  });
});
