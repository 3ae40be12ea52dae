import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/harness.ts';
import { orders } from '../db/schema.ts';
import { catalogProduct, createArgs, mutation, push, syncClient } from '../features/sync/test-helpers.ts';

describe('sync rate limit and metrics', () => {
  const t = useTestApp({ env: { SYNC_RATE_LIMIT_PER_MINUTE: '3' } });

  it('limits pushes per device, not per IP, and a refused push writes nothing', async () => {
    const product = await catalogProduct(t);
    const phone = await syncClient(t);
    for (let i = 0; i < 3; i += 1) {
      const response = await push(t, phone, []);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    }
    const ordersBefore = (await t.db.select({ n: count() }).from(orders))[0]!.n;
    const limited = await push(t, phone, [mutation(phone, 'create_order', createArgs([product.id]))]);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect((await t.db.select({ n: count() }).from(orders))[0]!.n).toBe(ordersBefore);

    // Another phone behind the same carrier NAT (same IP here) is not held back.
    const other = await syncClient(t);
    const allowed = await push(t, other, [mutation(other, 'create_order', createArgs([product.id]))]);
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
    expect(allowed.body.results[0]!.status).toBe('applied');
  });

  it('counts applied and rejected mutations in /metrics', async () => {
    const product = await catalogProduct(t);
    const phone = await syncClient(t);
    const response = await push(t, phone, [
      mutation(phone, 'create_order', createArgs([product.id])),
      mutation(phone, 'cancel_order', { local_id: crypto.randomUUID() }),
    ]);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.results.map((result) => result.status)).toEqual(['applied', 'rejected']);
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/gapal_sync_mutations_total\{name="create_order",result="applied"\} [1-9]/);
    expect(text).toMatch(/gapal_sync_mutations_total\{name="cancel_order",result="rejected"\} 1/);
  });
});
