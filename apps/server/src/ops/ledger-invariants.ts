import { sql } from 'drizzle-orm';
import { type Db, selectRows } from '../db/client.ts';

export type LedgerProblem = {
  kind: 'level' | 'chain' | 'lot-chain' | 'lot' | 'order' | 'delivery';
  detail: unknown;
};

/**
 * Invariants 1 and 2 and whole orders, read straight from the tables (after a restore, a crash or
 * in a bench): for each product+site the stock level = sum of movements = sum of lots; each
 * movement's `stock_before` / `lot_before` is the previous `*_after`; nothing negative; every
 * order has items and its total is the sum of their subtotals; a delivered order took its items
 * from stock exactly once (sales = items), any other order took nothing.
 */
export async function findLedgerProblems(db: Db): Promise<LedgerProblem[]> {
  const problems: LedgerProblem[] = [];
  const push = (kind: LedgerProblem['kind'], rows: unknown[]) => {
    for (const detail of rows) problems.push({ kind, detail });
  };
  push(
    'level',
    await selectRows(
      db,
      sql`SELECT k.product_id, k.site_id, COALESCE(s.quantity, 0) AS level, COALESCE(m.total, 0)::int AS movements,
                 COALESCE(l.total, 0)::int AS lots
          FROM (SELECT product_id, site_id FROM stock_levels
                UNION SELECT product_id, site_id FROM stock_movements
                UNION SELECT product_id, site_id FROM lots) k
          LEFT JOIN stock_levels s ON s.product_id = k.product_id AND s.site_id = k.site_id
          LEFT JOIN (SELECT product_id, site_id, sum(quantity) AS total FROM stock_movements GROUP BY 1, 2) m
            ON m.product_id = k.product_id AND m.site_id = k.site_id
          LEFT JOIN (SELECT product_id, site_id, sum(quantity) AS total FROM lots GROUP BY 1, 2) l
            ON l.product_id = k.product_id AND l.site_id = k.site_id
          WHERE COALESCE(s.quantity, 0) <> COALESCE(m.total, 0) OR COALESCE(s.quantity, 0) <> COALESCE(l.total, 0)
             OR COALESCE(s.quantity, 0) < 0`,
    ),
  );
  push(
    'chain',
    await selectRows(
      db,
      sql`SELECT id, product_id, site_id, stock_before, previous_after FROM (
            SELECT id, product_id, site_id, stock_before,
                   lag(stock_after) OVER (PARTITION BY product_id, site_id ORDER BY id) AS previous_after
            FROM stock_movements) c
          WHERE stock_before <> COALESCE(previous_after, 0)`,
    ),
  );
  push(
    'lot-chain',
    await selectRows(
      db,
      sql`SELECT id, lot_id, lot_before, previous_after FROM (
            SELECT id, lot_id, lot_before, lag(lot_after) OVER (PARTITION BY lot_id ORDER BY id) AS previous_after
            FROM stock_movements) c
          WHERE lot_before <> COALESCE(previous_after, 0)`,
    ),
  );
  push(
    'lot',
    await selectRows(
      db,
      sql`SELECT l.id, l.quantity, COALESCE(sum(m.quantity), 0)::int AS movements FROM lots l
          LEFT JOIN stock_movements m ON m.lot_id = l.id
          GROUP BY l.id, l.quantity HAVING l.quantity <> COALESCE(sum(m.quantity), 0) OR l.quantity < 0`,
    ),
  );
  push(
    'order',
    await selectRows(
      db,
      sql`SELECT o.id, o.number, o.total_amount, COALESCE(sum(i.subtotal), 0)::int AS items_total,
                 count(i.id)::int AS items
          FROM orders o LEFT JOIN order_items i ON i.order_id = o.id
          GROUP BY o.id HAVING count(i.id) = 0 OR o.total_amount <> COALESCE(sum(i.subtotal), 0)`,
    ),
  );
  push(
    'delivery',
    await selectRows(
      db,
      sql`SELECT o.id, o.number, o.delivery_status, COALESCE(i.quantity, 0)::int AS items, COALESCE(m.sold, 0)::int AS sold
          FROM orders o
          LEFT JOIN (SELECT order_id, sum(quantity) AS quantity FROM order_items GROUP BY 1) i ON i.order_id = o.id
          LEFT JOIN (SELECT order_id, -sum(quantity) AS sold FROM stock_movements WHERE type = 'vente' GROUP BY 1) m
            ON m.order_id = o.id
          WHERE COALESCE(m.sold, 0) <> CASE WHEN o.delivery_status = 'livree' THEN COALESCE(i.quantity, 0) ELSE 0 END`,
    ),
  );
  return problems;
}

const COUNTED_TABLES = [
  'sites',
  'users',
  'devices',
  'products',
  'lots',
  'stock_levels',
  'stock_movements',
  'orders',
  'order_items',
  'payments',
  'audit_log',
] as const;

/** Row counts of the business tables, to compare a restored copy with its source. */
export async function countBusinessRows(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of COUNTED_TABLES) {
    const [row] = await selectRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`,
    );
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}
