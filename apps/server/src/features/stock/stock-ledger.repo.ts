import type { MovementType } from '@gapal/shared';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../db/client.ts';
import { stockMovements } from '../../db/schema.ts';

export type LockedLot = {
  id: string;
  productId: string;
  siteId: string;
  code: string;
  expiryDate: string;
  quantity: number;
};

const list = (values: SQL[]) => sql.join(values, sql`, `);
const uuidList = (ids: string[]) => list(ids.map((id) => sql`${id}::uuid`));

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
    await tx.execute(sql`
      INSERT INTO stock_levels (product_id, site_id, quantity)
      VALUES ${list(ids.map((id) => sql`(${id}::uuid, ${siteId}::uuid, 0)`))}
      ON CONFLICT (product_id, site_id) DO NOTHING`);
  }
  const rows = await selectRows<{ product_id: string; quantity: number }>(
    tx,
    sql`SELECT product_id, quantity FROM stock_levels
        WHERE site_id = ${siteId}::uuid AND product_id IN (${uuidList(ids)})
        ORDER BY product_id
        FOR UPDATE`,
  );
  return new Map(rows.map((row) => [row.product_id, Number(row.quantity)]));
}

const LOT_COLUMNS = sql`id, product_id AS "productId", site_id AS "siteId", code,
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
  const named = namedLotIds.length > 0 ? sql` OR id IN (${uuidList([...new Set(namedLotIds)])})` : sql``;
  const rows = await selectRows<LockedLot>(
    tx,
    sql`SELECT ${LOT_COLUMNS} FROM lots
        WHERE site_id = ${siteId}::uuid AND product_id IN (${uuidList(ids)}) AND (quantity > 0${named})
        ORDER BY product_id, expiry_date, created_at, id
        FOR UPDATE`,
  );
  return rows.map(normalizeLot);
}

/** Lots by id, whatever their site (the caller checks it). */
export async function findLots(tx: Db, lotIds: string[], options: { lock: boolean }): Promise<LockedLot[]> {
  const ids = [...new Set(lotIds)];
  if (ids.length === 0) return [];
  const rows = await selectRows<LockedLot>(
    tx,
    sql`SELECT ${LOT_COLUMNS} FROM lots WHERE id IN (${uuidList(ids)})
        ORDER BY id ${options.lock ? sql`FOR UPDATE` : sql``}`,
  );
  return rows.map(normalizeLot);
}

/** Finds a lot by its code, or creates it empty. Call under the product's stock level lock. */
export async function findOrCreateLot(
  tx: Db,
  input: { productId: string; siteId: string; code: string; expiryDate: string },
): Promise<LockedLot> {
  const inserted = await selectRows<LockedLot>(
    tx,
    sql`INSERT INTO lots (product_id, site_id, code, expiry_date, quantity)
        VALUES (${input.productId}::uuid, ${input.siteId}::uuid, ${input.code}, ${input.expiryDate}::date, 0)
        ON CONFLICT (product_id, site_id, code) DO NOTHING
        RETURNING ${LOT_COLUMNS}`,
  );
  if (inserted[0]) return normalizeLot(inserted[0]);
  const [existing] = await selectRows<LockedLot>(
    tx,
    sql`SELECT ${LOT_COLUMNS} FROM lots
        WHERE product_id = ${input.productId}::uuid AND site_id = ${input.siteId}::uuid AND code = ${input.code}
        FOR UPDATE`,
  );
  return normalizeLot(existing!);
}

function normalizeLot(row: LockedLot): LockedLot {
  return { ...row, quantity: Number(row.quantity) };
}

export async function writeLotQuantities(tx: Db, quantities: Map<string, number>): Promise<void> {
  if (quantities.size === 0) return;
  const values = [...quantities].map(([id, quantity]) => sql`(${id}::uuid, ${quantity}::int)`);
  await tx.execute(sql`
    UPDATE lots AS l SET quantity = v.quantity, updated_at = now()
    FROM (VALUES ${list(values)}) AS v(id, quantity)
    WHERE l.id = v.id`);
}

export async function writeStockLevels(tx: Db, siteId: string, levels: Map<string, number>): Promise<void> {
  if (levels.size === 0) return;
  const values = [...levels].map(([id, quantity]) => sql`(${id}::uuid, ${quantity}::int)`);
  await tx.execute(sql`
    UPDATE stock_levels AS s SET quantity = v.quantity, updated_at = now()
    FROM (VALUES ${list(values)}) AS v(product_id, quantity)
    WHERE s.product_id = v.product_id AND s.site_id = ${siteId}::uuid`);
}

export type MovementInsert = {
  productId: string;
  siteId: string;
  lotId: string;
  type: MovementType;
  quantity: number;
  stockBefore: number;
  stockAfter: number;
  lotBefore: number;
  lotAfter: number;
  reference: string | null;
  orderId: string | null;
  userId: string | null;
  deviceId: string | null;
  reason: string | null;
  expiredOverride: boolean;
};

/** Appends to the ledger; ids come out in the order given, so the chain reads in id order. */
export async function insertMovements(tx: Db, rows: MovementInsert[]) {
  if (rows.length === 0) return [];
  return tx.insert(stockMovements).values(rows).returning({
    id: stockMovements.id,
    productId: stockMovements.productId,
    lotId: stockMovements.lotId,
    quantity: stockMovements.quantity,
    stockBefore: stockMovements.stockBefore,
    stockAfter: stockMovements.stockAfter,
  });
}
