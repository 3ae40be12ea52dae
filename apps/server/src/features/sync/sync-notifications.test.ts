import { describe, expect, it } from 'vitest';
import { signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { formatNumber } from '../../lib/format-number.ts';
import { catalogProduct, createArgs, mutation, push, syncClient } from './test-helpers.ts';

describe('sync push notifies the site', () => {
  const t = useTestApp({ env: { SYNC_RATE_LIMIT_PER_MINUTE: '100000' } });

  const newOrderNotices = async (token: string) => {
    const response = await api(t, 'GET', '/api/notifications/', { token });
    expect(response.status).toBe(200);
    return response.body.items.filter((item: { kind: string }) => item.kind === 'commande_nouvelle');
  };

  it('an order pushed from a phone reaches the order managers of its site, once', async () => {
    const manager = await signedInUser(t, 'gestionnaire_commandes');
    const stockManager = await signedInUser(t, 'gestionnaire_stocks');
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t, { unitPrice: 500 });
    const batch = [mutation(vendor, 'create_order', createArgs([milk.id]))];

    const [applied] = (await push(t, vendor, batch)).body.results;
    expect(applied?.status).toBe('applied');
    const [duplicate] = (await push(t, vendor, batch)).body.results;
    expect(duplicate?.status).toBe('duplicate');

    const notices = await newOrderNotices(manager.token);
    const number = applied?.order?.number ?? 'missing';
    expect(notices.filter((n: { title: string }) => n.title.includes(number))).toHaveLength(1);
    // Stock managers are not the audience of new orders.
    expect(await newOrderNotices(stockManager.token)).toHaveLength(0);
  });

  it('orders a push creates together reach the managers as one "N nouvelles commandes"', async () => {
    const manager = await signedInUser(t, 'gestionnaire_commandes');
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t, { unitPrice: 500 });
    const batch = [1, 2, 3].map(() => mutation(vendor, 'create_order', createArgs([milk.id])));

    const results = (await push(t, vendor, batch)).body.results;
    expect(results.map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);
    const numbers = results.map((result) => result.order?.number);
    const totals = results.reduce((sum, result) => sum + (result.order?.total_amount ?? 0), 0);

    const response = await api(t, 'GET', '/api/notifications/', { token: manager.token });
    const items = response.body.items as { kind: string; title: string; body: string; params: object }[];
    const batches = items.filter((item) => item.kind === 'commande_lot');
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({
      params: { count: 3, first_number: numbers[0], last_number: numbers[2], total_amount: totals },
      title: '3 nouvelles commandes',
      body: `${numbers[0]} … ${numbers[2]} · ${formatNumber(totals)}`,
    });
    // No notification per order besides it.
    const single = items.filter(
      (item) => item.kind === 'commande_nouvelle' && numbers.some((n) => item.title.includes(n ?? '?')),
    );
    expect(single).toHaveLength(0);
    // A re-sent copy of the push notifies nothing more.
    await push(t, vendor, batch);
    const again = await api(t, 'GET', '/api/notifications/', { token: manager.token });
    expect(again.body.items.filter((item: { kind: string }) => item.kind === 'commande_lot')).toHaveLength(1);
  });
});
