import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/harness.ts';
import { catalogProduct, createArgs, mutation, push, syncClient } from './test-helpers.ts';

// The first `npm start` migrates an empty embedded database and serves phones at once: the
// prepared statements must not depend on what PGlite knew when it opened the database.
describe('sync push on a freshly installed embedded database', () => {
  const t = useTestApp({ freshEmbedded: true });

  it('applies a run of creations with every priority', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t, { unitPrice: 250 });
    const batch = ['basse', 'moyenne', 'haute'].map((priority) =>
      mutation(vendor, 'create_order', createArgs([milk.id], { priority })),
    );
    const response = await push(t, vendor, batch);
    expect(response.status).toBe(200);
    expect(response.body.results.map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);
    expect(response.body.last_seq).toBe(3);
  });
});
