import { describe, expect, it } from 'vitest';
import { signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
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
});
