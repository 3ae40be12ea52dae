import type { MovementType } from '@gapal/shared';
import { type Db, keyIn, queryPrepared } from '../../db/client.ts';

export type LockedLot = {
  id: string;
  productId: string;
  siteId: string;
  code: string;
  expiryDate: string;
  quantity: number;
};

// Every stock change runs these statements: they are written out and prepared (queryPrepared),
// with lists passed as arrays so the text never changes. Enums go as text (see sync-fast-create.repo.ts).

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
): Promise<void> {
  const ids = [...new Set(productIds)].sort();
  if (ids.length === 0) return;
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
  await queryPrepared(
    tx,
    'ledger_lock_levels',
    `SELECT 1 FROM stock_levels
     WHERE site_id = $1 AND ${keyIn('product_id', '$2')}
     ORDER BY product_id
     FOR UPDATE`,
    [siteId, ids],
  );
}

const LOT_COLUMNS = `id, product_id AS "productId", site_id AS "siteId", code,
  expiry_date::text AS "expiryDate", quantity`;

/** Lots by id, whatever their site (the caller checks it). */
export async function findLots(tx: Db, lotIds: string[], options: { lock: boolean }): Promise<LockedLot[]> {
  const ids = [...new Set(lotIds)];
  if (ids.length === 0) return [];
  const rows = await queryPrepared<LockedLot>(
    tx,
    options.lock ? 'ledger_lock_lots_by_id' : 'ledger_find_lots_by_id',
    `SELECT ${LOT_COLUMNS} FROM lots WHERE ${keyIn('id', '$1')} ORDER BY id ${options.lock ? 'FOR UPDATE' : ''}`,
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

export type LedgerChange = {
  productId: string;
  lotId: string;
  /** Signed: positive in, negative out. */
  delta: number;
  expiredOverride: boolean;
};

export type LedgerMeta = {
  siteId: string;
  type: MovementType;
  reference: string | null;
  orderId: string | null;
  userId: string | null;
  deviceId: string | null;
  reason: string | null;
};

export type LedgerRow = {
  id: number;
  orderId: string | null;
  productId: string;
  lotId: string;
  quantity: number;
  stockBefore: number;
  stockAfter: number;
  expiredOverride: boolean;
};

const LEDGER_ROW_COLUMNS = `id, order_id AS "orderId", product_id AS "productId", lot_id AS "lotId", quantity,
  stock_before AS "stockBefore", stock_after AS "stockAfter", expired_override AS "expiredOverride"`;

/**
 * Appends the changes to the ledger in the order given, with the lots' and levels' new
 * quantities, in one statement (`ledger_write`, db/functions/stock-ledger.sql: each movement's
 * before is the previous one's after). The caller holds the products' stock level locks.
 */
export async function writeLedger(tx: Db, meta: LedgerMeta, changes: LedgerChange[]): Promise<LedgerRow[]> {
  const rows = await queryPrepared<LedgerRow>(
    tx,
    'ledger_write',
    `SELECT ${LEDGER_ROW_COLUMNS}
     FROM ledger_write($1, $2::text::movement_type, $3, $4::uuid[], $5::uuid[], $6::int[], $7::bool[],
       $8::text[], $9::uuid[], $10::uuid[], $11::uuid[])`,
    [
      meta.siteId,
      meta.type,
      meta.reason,
      changes.map((change) => change.productId),
      changes.map((change) => change.lotId),
      changes.map((change) => change.delta),
      changes.map((change) => change.expiredOverride),
      changes.map(() => meta.reference),
      changes.map(() => meta.orderId),
      changes.map(() => meta.userId),
      changes.map(() => meta.deviceId),
    ],
  );
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** The products' names by id (an error's words: a refused exit names what is missing). */
export async function productNames(db: Db, productIds: string[]): Promise<Map<string, string>> {
  const rows = await queryPrepared<{ id: string; name: string }>(
    db,
    'ledger_product_names',
    `SELECT id, name FROM products WHERE ${keyIn('id', '$1')}`,
    [[...new Set(productIds)]],
  );
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** A movement of `ledger_take_stock`, with its lot and product as the audit and stock alerts need them. */
export type TakenRow = LedgerRow & {
  lotCode: string;
  lotExpiry: string;
  product: { name: string; unit: string; minStockLevel: number };
};

export type Shortage = { product_id: string; requested: number; available: number };

/** One document's exit: served whole or refused whole. `lotId` null serves a line from any lot. */
export type StockExitGroup = {
  reference: string | null;
  orderId: string | null;
  userId: string | null;
  deviceId: string | null;
  allowExpired: boolean;
  lines: { productId: string; quantity: number; lotId: string | null }[];
};

/** Per group given, in the same order: its movements (ledger order), or what was missing. */
export type StockExitResult = Array<{ taken: TakenRow[] } | { shortages: Shortage[] }>;

/**
 * Takes stock out for groups in one statement (`ledger_take_stock`,
 * db/functions/stock-ledger.sql): locks, first-expired-first-out, one ledger write for the served
 * groups. Raises GP002 (lot not found) or GP003 (lot expired); the service turns them into errors.
 */
export async function takeStockRows(
  tx: Db,
  common: { siteId: string; type: MovementType; reason: string | null; writeOff: boolean; today: string },
  groups: StockExitGroup[],
): Promise<StockExitResult> {
  const lines = groups.flatMap((group, index) => group.lines.map((line) => ({ ...line, group: index + 1 })));
  const rows = await queryPrepared<
    LedgerRow & {
      lotCode: string;
      lotExpiry: string;
      name: string;
      unit: string;
      minStockLevel: number;
      grp: number;
      shortages: Shortage[] | string | null;
    }
  >(
    tx,
    'ledger_take_stock',
    `SELECT ${LEDGER_ROW_COLUMNS}, lot_code AS "lotCode", lot_expiry AS "lotExpiry", product_name AS name,
       product_unit AS unit, min_stock_level AS "minStockLevel", grp, shortages
     FROM ledger_take_stock($1, $2::text::movement_type, $3, $4, $5::date, $6::text[], $7::uuid[], $8::uuid[],
       $9::uuid[], $10::bool[], $11::int[], $12::uuid[], $13::int[], $14::uuid[])`,
    [
      common.siteId,
      common.type,
      common.reason,
      common.writeOff,
      common.today,
      groups.map((group) => group.reference),
      groups.map((group) => group.orderId),
      groups.map((group) => group.userId),
      groups.map((group) => group.deviceId),
      groups.map((group) => group.allowExpired),
      lines.map((line) => line.group),
      lines.map((line) => line.productId),
      lines.map((line) => line.quantity),
      lines.map((line) => line.lotId),
    ],
  );
  const taken: TakenRow[][] = groups.map(() => []);
  const shortagesOf = new Map<number, Shortage[]>();
  for (const { name, unit, minStockLevel, grp, shortages, ...row } of rows) {
    const group = Number(grp) - 1;
    if (shortages !== null) {
      shortagesOf.set(group, typeof shortages === 'string' ? JSON.parse(shortages) : shortages);
    } else {
      taken[group]!.push({
        ...row,
        id: Number(row.id),
        product: { name, unit, minStockLevel: Number(minStockLevel) },
      });
    }
  }
  const result: StockExitResult = taken.map((rowsOfGroup, group) => {
    const shortages = shortagesOf.get(group);
    return shortages ? { shortages } : { taken: rowsOfGroup };
  });
  return result;
}
