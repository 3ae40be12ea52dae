import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/harness.ts';
import { catalogProduct, createArgs, mutation, push, syncClient } from './test-helpers.ts';

/**
 * A phone on 2G whose answer is late sends the same push again while the first is still being
 * applied. The second waits for the device's lock; when it gets it, it must see what the first
 * stored (a duplicate of an applied mutation), not a sequence that moved under it
 * (`seq_out_of_order`, which the phone would show as refused for an order that went through).
 * On PostgreSQL the copies run at once; on PGlite (one connection) one after another.
 */
describe('sync push: the same push sent again while the first is applied', () => {
  const t = useTestApp({ poolSize: 12, env: { SYNC_RATE_LIMIT_PER_MINUTE: '100000' } });

  it('answers every copy with the first outcome, applied or duplicate, never a refusal', async () => {
    const product = await catalogProduct(t);
    for (let round = 0; round < 5; round += 1) {
      const client = await syncClient(t);
      const args = createArgs([product.id]);
      // Past the creation (the fast path), two mutations of the general path, each under the lock.
      const batch = [
        mutation(client, 'create_order', args),
        mutation(client, 'update_order', { local_id: args.local_id, notes: 'Livrer avant midi' }),
        mutation(client, 'cancel_order', { local_id: args.local_id }),
      ];
      const answers = await Promise.all(Array.from({ length: 6 }, () => push(t, client, batch)));
      for (const answer of answers) {
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        const outcomes = answer.body.results.map((result) =>
          result.status === 'duplicate' ? result.original_status : result.status,
        );
        expect(outcomes, JSON.stringify(answer.body.results)).toEqual(['applied', 'applied', 'applied']);
      }
    }
  });
});
