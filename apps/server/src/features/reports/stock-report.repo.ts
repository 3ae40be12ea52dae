import { sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../db/client.ts';
import { isoText } from '../../db/sql-helpers.ts';

/** The first instant after `date` in the business time zone. */
function endOfDay(date: string, timeZone: string) {
  return sql`((${date}::date + 1)::timestamp AT TIME ZONE ${timeZone})`;
}

const siteFilter = (column: string, siteId: string | undefined) =>
  siteId ? sql`AND ${sql.raw(column)} = ${siteId}` : sql``;

export type ProductStockRow = {
  site_name: string;
  site_id: string;
  product_id: string;
  name: string;
  unit: string;
  category: string | null;
  unit_price: number;
  min_stock_level: number;
  is_active: boolean;
  quantity: number;
};

/**
 * Stock per product and site as it stood at the end of `date`: the `stock_after` of the last
 * movement up to then (the ledger chains, so there is nothing to replay). One index probe per
 * product and site, backwards on (product_id, site_id, id).
 */
export async function selectProductStockAt(
  db: Db,
  siteId: string | undefined,
  date: string,
  timeZone: string,
): Promise<ProductStockRow[]> {
  return selectRows<ProductStockRow>(
    db,
    sql`SELECT sl.site_id, s.name AS site_name, p.id AS product_id, p.name, p.unit, c.name AS category, p.unit_price,
               p.min_stock_level, (p.is_active AND p.deleted_at IS NULL) AS is_active, last.stock_after AS quantity
        FROM stock_levels sl
        JOIN products p ON p.id = sl.product_id
        JOIN sites s ON s.id = sl.site_id
        LEFT JOIN categories c ON c.id = p.category_id
        CROSS JOIN LATERAL (
          SELECT m.stock_after FROM stock_movements m
          WHERE m.product_id = sl.product_id AND m.site_id = sl.site_id AND m.created_at < ${endOfDay(date, timeZone)}
          ORDER BY m.id DESC LIMIT 1
        ) last
        WHERE true ${siteFilter('sl.site_id', siteId)}
        ORDER BY p.name, p.id, sl.site_id`,
  );
}

export type LotStockRow = {
  site_name: string;
  site_id: string;
  product_id: string;
  product_name: string;
  unit_price: number;
  lot_id: string;
  code: string;
  expiry_date: string;
  quantity: number;
  days_to_expiry: number;
};

/** Lots holding stock at the end of `date`, from each lot's last `lot_after`; soonest expiry first. */
export async function selectLotStockAt(
  db: Db,
  siteId: string | undefined,
  date: string,
  timeZone: string,
): Promise<LotStockRow[]> {
  return selectRows<LotStockRow>(
    db,
    sql`SELECT l.site_id, s.name AS site_name, p.id AS product_id, p.name AS product_name, p.unit_price, l.id AS lot_id, l.code,
               to_char(l.expiry_date, 'YYYY-MM-DD') AS expiry_date, last.lot_after AS quantity,
               (l.expiry_date - ${date}::date)::int AS days_to_expiry
        FROM lots l
        JOIN products p ON p.id = l.product_id
        JOIN sites s ON s.id = l.site_id
        CROSS JOIN LATERAL (
          SELECT m.lot_after FROM stock_movements m
          WHERE m.lot_id = l.id AND m.created_at < ${endOfDay(date, timeZone)}
          ORDER BY m.id DESC LIMIT 1
        ) last
        WHERE last.lot_after > 0 ${siteFilter('l.site_id', siteId)}
        ORDER BY l.expiry_date, p.name, l.code`,
  );
}

export type LossRow = {
  site_name: string;
  movement_id: number;
  created_at: string;
  site_id: string;
  product_id: string;
  product_name: string;
  unit_price: number;
  lot_code: string;
  quantity: number;
  reason: string | null;
  username: string | null;
};

/** Write-offs (`perte`) of the period, oldest first; quantities positive. */
export async function selectLosses(
  db: Db,
  siteId: string | undefined,
  period: { from: string; to: string },
  timeZone: string,
): Promise<LossRow[]> {
  return selectRows<LossRow>(
    db,
    sql`SELECT m.id::int AS movement_id, ${isoText(sql`m.created_at`)} AS created_at, m.site_id, s.name AS site_name,
               p.id AS product_id,
               p.name AS product_name, p.unit_price, l.code AS lot_code, (-m.quantity)::int AS quantity, m.reason,
               u.username
        FROM stock_movements m
        JOIN products p ON p.id = m.product_id
        JOIN lots l ON l.id = m.lot_id
        JOIN sites s ON s.id = m.site_id
        LEFT JOIN users u ON u.id = m.user_id
        WHERE m.type = 'perte'
          AND m.created_at >= (${period.from}::date::timestamp AT TIME ZONE ${timeZone})
          AND m.created_at < ${endOfDay(period.to, timeZone)}
          ${siteFilter('m.site_id', siteId)}
        ORDER BY m.id`,
  );
}
