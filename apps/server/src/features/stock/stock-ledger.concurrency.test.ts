import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { selectRows } from '../../db/client.ts';
import { stockLevels } from '../../db/schema.ts';
import { addDays, todayIn } from '../../lib/dates.ts';
import { createProduct, ledgerProblems, receive } from './test-helpers.ts';

const POOL = 40;
const EXITS = 240;
const ENTRIES = 24;
const INITIAL = 150;

/** Small deterministic generator, so a failure replays the same way. */
function random(seed: number) {
  let state = seed;
  return (max: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    // The low bits of this generator cycle quickly; the high ones don't.
    return (state >>> 16) % max;
  };
}

describe('stock ledger under concurrency', () => {
  // On PostgreSQL: 40 connections really in parallel. On PGlite transactions run one at a time,
  // so the same test checks the bookkeeping without the races.
  const t = useTestApp({ poolSize: POOL });

  it('hammering exits on 3 products loses no update, never goes negative, never deadlocks', async () => {
    const { token } = await signedInUser(t, 'gestionnaire_stocks');
    const today = todayIn(t.config.timeZone);
    const products = [await createProduct(t), await createProduct(t), await createProduct(t)];
    for (const product of products) {
      await receive(t, token, [
        { product_id: product.id, quantity: INITIAL / 3, lot_code: 'A', expiry_date: addDays(today, 1) },
        { product_id: product.id, quantity: INITIAL / 3, lot_code: 'B', expiry_date: addDays(today, 2) },
        { product_id: product.id, quantity: INITIAL / 3, lot_code: 'C', expiry_date: addDays(today, 3) },
      ]);
    }

    const next = random(20_261_121);
    const requests: Array<
      Promise<{
        kind: 'exit' | 'entry';
        status: number;
        items: Array<{ product_id: string; quantity: number }>;
        body: any;
      }>
    > = [];
    for (let i = 0; i < EXITS + ENTRIES; i += 1) {
      // Several products per request, in shuffled order: a wrong lock order would deadlock here.
      const chosen = [...products].sort(() => next(3) - 1).slice(0, 1 + next(3));
      const isEntry = i % Math.floor((EXITS + ENTRIES) / ENTRIES) === 0;
      const items = chosen.map((product) => ({
        product_id: product.id,
        quantity: 1 + next(isEntry ? 5 : 4),
      }));
      const kind = isEntry ? ('entry' as const) : ('exit' as const);
      const body = isEntry
        ? {
            reference: `BL-${i}`,
            items: items.map((item) => ({ ...item, lot_code: 'D', expiry_date: addDays(today, 4) })),
          }
        : { reason: 'charge', reference: `EXIT-${i}`, items };
      requests.push(
        api(t, 'POST', `/api/stock/${kind}/`, { token, body }).then((response) => ({
          kind,
          status: response.status,
          items,
          body: response.body,
        })),
      );
    }
    const results = await Promise.all(requests);

    const unexpected = results.filter((r) => r.status !== 201 && !(r.kind === 'exit' && r.status === 409));
    expect(unexpected.map((r) => [r.status, r.body])).toEqual([]);
    const refused = results.filter((r) => r.status === 409);
    expect(refused.every((r) => r.body.error.code === 'insufficient_stock')).toBe(true);
    // Demand is well above supply: the race to zero really happened.
    expect(refused.length).toBeGreaterThan(0);

    for (const product of products) {
      const delta = (kind: 'exit' | 'entry') =>
        results
          .filter((r) => r.kind === kind && r.status === 201)
          .flatMap((r) => r.items)
          .filter((item) => item.product_id === product.id)
          .reduce((sum, item) => sum + item.quantity, 0);
      const [level] = await t.db
        .select({ quantity: stockLevels.quantity })
        .from(stockLevels)
        .where(and(eq(stockLevels.productId, product.id), eq(stockLevels.siteId, t.defaultSiteId)));
      expect(level!.quantity).toBe(INITIAL + delta('entry') - delta('exit'));
      expect(level!.quantity).toBeGreaterThanOrEqual(0);
    }
    expect(await ledgerProblems(t)).toEqual([]);

    if (t.isPostgres) {
      const [row] = await selectRows<{ connections: number }>(
        t.db,
        sql`SELECT count(*)::int AS connections FROM pg_stat_activity WHERE datname = current_database()`,
      );
      // The pool keeps its idle connections for a while: at least 32 were opened for the burst.
      expect(row!.connections).toBeGreaterThanOrEqual(32);
    }
  });
});
