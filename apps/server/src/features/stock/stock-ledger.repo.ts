import type { MovementType } from '@gapal/shared';
import { type Db, queryPrepared } from '../../db/client.ts';

export type LockedLot = {
  id: string;
  productId: string;
  siteId: string;
  code: string;
  expiryDate: string;
  quantity: number;
};

// Every stock change runs these statements: they are written out and prepared (queryPrepared),
// with lists passed as arrays so the text never changes.

/**
 * Locks the stock level rows of these products at the site, always in product-id order:
 * every stock change takes these locks first, so two transactions never wait on each other
 * in a cycle, and everything below a product's level (its lots, its ledger chain) is
 * serialized by this one lock. With `create`, missing rows are created at 0 first.
 */
export async function lockStockLevels(
  tx: Db,
  siteId: string,
  productIds: string[],
  options: { create: boolean },
): Promise<Map<string, number>> {
  const ids = [...new Set(productIds)].sort();
  if (ids.length === 0) return new Map();
  if (options.create) {
    await queryPrepared(
      tx,
      'ledger_create_levels',
      `INSERT INTO stock_levels (product_id, site_id, quantity)
       SELECT product_id, $1, 0 FROM unnest($2::uuid[]) AS product_id
       ON CONFLICT (product_id, site_id) DO NOTHING`,
      [siteId, ids],
    );
  }
  const rows = await queryPrepared<{ product_id: string; quantity: number }>(
    tx,
    'ledger_lock_levels',
    `SELECT product_id, quantity FROM stock_levels
     WHERE site_id = $1 AND product_id = ANY($2::uuid[])
     ORDER BY product_id
     FOR UPDATE`,
    [siteId, ids],
  );
  return new Map(rows.map((row) => [row.product_id, Number(row.quantity)]));
}

const LOT_COLUMNS = `id, product_id AS "productId", site_id AS "siteId", code,
  expiry_date::text AS "expiryDate", quantity`;

/**
 * The lots of these products at the site, first-expired-first-out. Only lots holding stock,
 * plus the ones named. Callers hold the products' stock level locks already; the row locks
 * here are a second line of defence for anything that would touch a lot directly.
 */
export async function lockLotsOfProducts(
  tx: Db,
  siteId: string,
  productIds: string[],
  namedLotIds: string[] = [],
): Promise<LockedLot[]> {
  const ids = [...new Set(productIds)];
  if (ids.length === 0) return [];
  const rows = await queryPrepared<LockedLot>(
    tx,
    'ledger_lock_lots',
    `SELECT ${LOT_COLUMNS} FROM lots
     WHERE site_id = $1 AND product_id = ANY($2::uuid[]) AND (quantity > 0 OR id = ANY($3::uuid[]))
     ORDER BY product_id, expiry_date, created_at, id
     FOR UPDATE`,
    [siteId, ids, [...new Set(namedLotIds)]],
  );
  return rows.map(normalizeLot);
}

/** Lots by id, whatever their site (the caller checks it). */
export async function findLots(tx: Db, lotIds: string[], options: { lock: boolean }): Promise<LockedLot[]> {
  const ids = [...new Set(lotIds)];
  if (ids.length === 0) return [];
  const rows = await queryPrepared<LockedLot>(
    tx,
    options.lock ? 'ledger_lock_lots_by_id' : 'ledger_find_lots_by_id',
    `SELECT ${LOT_COLUMNS} FROM lots WHERE id = ANY($1::uuid[]) ORDER BY id ${options.lock ? 'FOR UPDATE' : ''}`,
    [ids],
  );
  return rows.map(normalizeLot);
}

/** Finds a lot by its code, or creates it empty. Call under the product's stock level lock. */
export async function findOrCreateLot(
  tx: Db,
  input: { productId: string; siteId: string; code: string; expiryDate: string },
): Promise<LockedLot> {
  const inserted = await queryPrepared<LockedLot>(
    tx,
    'ledger_create_lot',
    `INSERT INTO lots (product_id, site_id, code, expiry_date, quantity) VALUES ($1, $2, $3, $4::date, 0)
     ON CONFLICT (product_id, site_id, code) DO NOTHING
     RETURNING ${LOT_COLUMNS}`,
    [input.productId, input.siteId, input.code, input.expiryDate],
  );
  if (inserted[0]) return normalizeLot(inserted[0]);
  const [existing] = await queryPrepared<LockedLot>(
    tx,
    'ledger_lock_lot_by_code',
    `SELECT ${LOT_COLUMNS} FROM lots WHERE product_id = $1 AND site_id = $2 AND code = $3 FOR UPDATE`,
    [input.productId, input.siteId, input.code],
  );
  return normalizeLot(existing!);
}

function normalizeLot(row: LockedLot): LockedLot {
  return { ...row, quantity: Number(row.quantity) };
}

export type LedgerEntry = {
  productId: string;
  lotId: string;
  quantity: number;
  stockBefore: number;
  stockAfter: number;
  lotBefore: number;
  lotAfter: number;
  expiredOverride: boolean;
};

export type LedgerWrite = {
  siteId: string;
  type: MovementType;
  reference: string | null;
  orderId: string | null;
  userId: string | null;
  deviceId: string | null;
  reason: string | null;
  /** The new quantity of each lot and of each product's level at the site. */
  lotQuantities: Map<string, number>;
  levels: Map<string, number>;
  /** The ledger rows, in chain order: each one's before is the previous one's after. */
  entries: LedgerEntry[];
};

/**
 * Writes a stock change in one statement: the lots' and levels' new quantities, and the ledger
 * rows appended in the order given (their ids follow it, so the chain reads in id order).
 */
export async function writeLedger(tx: Db, write: LedgerWrite) {
  const lots = [...write.lotQuantities];
  const levels = [...write.levels];
  const entries = write.entries;
  const rows = await queryPrepared<{
    id: number | string;
    productId: string;
    lotId: string;
    quantity: number;
    stockBefore: number;
    stockAfter: number;
  }>(tx, 'ledger_write', WRITE_LEDGER_SQL, [
    lots.map(([id]) => id),
    lots.map(([, quantity]) => quantity),
    levels.map(([productId]) => productId),
    levels.map(([, quantity]) => quantity),
    write.siteId,
    write.type,
    write.reference,
    write.orderId,
    write.userId,
    write.deviceId,
    write.reason,
    entries.map((entry) => entry.productId),
    entries.map((entry) => entry.lotId),
    entries.map((entry) => entry.quantity),
    entries.map((entry) => entry.stockBefore),
    entries.map((entry) => entry.stockAfter),
    entries.map((entry) => entry.lotBefore),
    entries.map((entry) => entry.lotAfter),
    entries.map((entry) => entry.expiredOverride),
  ]);
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

const WRITE_LEDGER_SQL = `
WITH lot_quantities AS (
  UPDATE lots AS l SET quantity = v.quantity, updated_at = now()
  FROM unnest($1::uuid[], $2::int[]) AS v(id, quantity)
  WHERE l.id = v.id
), levels AS (
  UPDATE stock_levels AS s SET quantity = v.quantity, updated_at = now()
  FROM unnest($3::uuid[], $4::int[]) AS v(product_id, quantity)
  WHERE s.product_id = v.product_id AND s.site_id = $5
)
INSERT INTO stock_movements (product_id, site_id, lot_id, type, quantity, stock_before, stock_after,
  lot_before, lot_after, reference, order_id, user_id, device_id, reason, expired_override)
SELECT m.product_id, $5, m.lot_id, $6::movement_type, m.quantity, m.stock_before, m.stock_after,
  m.lot_before, m.lot_after, $7, $8, $9, $10, $11, m.expired_override
FROM unnest($12::uuid[], $13::uuid[], $14::int[], $15::int[], $16::int[], $17::int[], $18::int[], $19::bool[])
  WITH ORDINALITY AS m(product_id, lot_id, quantity, stock_before, stock_after, lot_before, lot_after,
    expired_override, position)
ORDER BY m.position
RETURNING id, product_id AS "productId", lot_id AS "lotId", quantity, stock_before AS "stockBefore",
  stock_after AS "stockAfter"`;
