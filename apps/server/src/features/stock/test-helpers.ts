import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { unique } from '../../../test/factories.ts';
import { api, type TestApp } from '../../../test/harness.ts';
import { selectRows } from '../../db/client.ts';
import { products } from '../../db/schema.ts';

export async function createProduct(
  t: TestApp,
  values: Partial<typeof products.$inferInsert> = {},
): Promise<{ id: string; name: string }> {
  const [row] = await t.db
    .insert(products)
    .values({ name: unique('Produit '), unit: 'pot', unitPrice: 250, shelfLifeDays: 10, ...values })
    .returning();
  return { id: row!.id, name: row!.name };
}

type EntryItem = {
  product_id: string;
  quantity: number;
  lot_code?: string;
  expiry_date?: string;
  allow_past_expiry?: boolean;
};

/** Receives goods through the API and fails the test if the entry is refused. */
export async function receive(t: TestApp, token: string, items: EntryItem[], siteId?: string) {
  const response = await api(t, 'POST', '/api/stock/entry/', {
    token,
    body: { items, reference: 'BL-TEST', ...(siteId ? { site_id: siteId } : {}) },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.movements as Array<{ id: number; lot_id: string; quantity: number }>;
}

export type LedgerProblem = { kind: string; detail: unknown };

/**
 * Invariant 1 and 2 checked straight on the tables: stock = sum of movements = sum of lots,
 * each movement's before is the previous after (per product-site and per lot), nothing negative.
 */
export async function ledgerProblems(t: TestApp): Promise<LedgerProblem[]> {
  const problems: LedgerProblem[] = [];
  const levelVsMovements = await selectRows(
    t.db,
    sql`SELECT s.product_id, s.site_id, s.quantity, COALESCE(m.total, 0)::int AS total, COALESCE(l.total, 0)::int AS lots
        FROM stock_levels s
        LEFT JOIN (SELECT product_id, site_id, sum(quantity) AS total FROM stock_movements GROUP BY 1, 2) m
          ON m.product_id = s.product_id AND m.site_id = s.site_id
        LEFT JOIN (SELECT product_id, site_id, sum(quantity) AS total FROM lots GROUP BY 1, 2) l
          ON l.product_id = s.product_id AND l.site_id = s.site_id
        WHERE s.quantity <> COALESCE(m.total, 0) OR s.quantity <> COALESCE(l.total, 0) OR s.quantity < 0`,
  );
  for (const row of levelVsMovements) problems.push({ kind: 'level', detail: row });
  const brokenChain = await selectRows(
    t.db,
    sql`SELECT id, product_id, stock_before, previous_after FROM (
          SELECT id, product_id, stock_before,
                 lag(stock_after) OVER (PARTITION BY product_id, site_id ORDER BY id) AS previous_after
          FROM stock_movements) c
        WHERE stock_before <> COALESCE(previous_after, 0)`,
  );
  for (const row of brokenChain) problems.push({ kind: 'chain', detail: row });
  const brokenLotChain = await selectRows(
    t.db,
    sql`SELECT id, lot_id FROM (
          SELECT id, lot_id, lot_before, lag(lot_after) OVER (PARTITION BY lot_id ORDER BY id) AS previous_after
          FROM stock_movements) c
        WHERE lot_before <> COALESCE(previous_after, 0)`,
  );
  for (const row of brokenLotChain) problems.push({ kind: 'lot-chain', detail: row });
  const lotVsMovements = await selectRows(
    t.db,
    sql`SELECT l.id, l.quantity, COALESCE(sum(m.quantity), 0)::int AS total FROM lots l
        LEFT JOIN stock_movements m ON m.lot_id = l.id
        GROUP BY l.id, l.quantity HAVING l.quantity <> COALESCE(sum(m.quantity), 0) OR l.quantity < 0`,
  );
  for (const row of lotVsMovements) problems.push({ kind: 'lot', detail: row });
  return problems;
}
