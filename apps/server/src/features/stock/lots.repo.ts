import type { Lot } from '@gapal/shared';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../db/client.ts';
import { isoText } from '../../db/sql-helpers.ts';

/** A product's lots at a site (every site when none), holding stock unless `includeEmpty`. */
export async function selectProductLots(
  db: Db,
  today: string,
  filter: { productId: string; siteId: string | undefined; includeEmpty: boolean },
): Promise<Lot[]> {
  const conditions = [sql`l.product_id = ${filter.productId}::uuid`, ...siteCondition(filter.siteId)];
  if (!filter.includeEmpty) conditions.push(sql`l.quantity > 0`);
  return selectLots(db, today, conditions);
}

/**
 * Lots holding stock of products not deleted that expire on or before `horizon` (a date), and
 * only from `today` on unless `includeExpired`.
 */
export async function selectExpiringLots(
  db: Db,
  today: string,
  filter: { horizon: string; siteId: string | undefined; includeExpired: boolean },
): Promise<Lot[]> {
  const conditions = [
    sql`l.quantity > 0`,
    sql`p.deleted_at IS NULL`,
    sql`l.expiry_date <= ${filter.horizon}::date`,
    ...siteCondition(filter.siteId),
  ];
  if (!filter.includeExpired) conditions.push(sql`l.expiry_date >= ${today}::date`);
  return selectLots(db, today, conditions);
}

function siteCondition(siteId: string | undefined): SQL[] {
  return siteId ? [sql`l.site_id = ${siteId}::uuid`] : [];
}

/** Lots matching the conditions (SQL on alias `l`), first-expired-first-out. */
async function selectLots(db: Db, today: string, conditions: SQL[]): Promise<Lot[]> {
  const rows = await selectRows<Lot>(
    db,
    sql`SELECT l.id, l.product_id, p.name AS product_name, l.site_id, l.code,
               l.expiry_date::text AS expiry_date, l.quantity,
               (l.expiry_date < ${today}::date) AS is_expired,
               (l.expiry_date - ${today}::date)::int AS days_to_expiry,
               ${isoText(sql`l.created_at`)} AS created_at
        FROM lots l JOIN products p ON p.id = l.product_id
        WHERE ${sql.join(conditions, sql` AND `)}
        ORDER BY l.expiry_date, l.created_at, l.id
        LIMIT 2000`,
  );
  return rows.map((row) => ({
    ...row,
    quantity: Number(row.quantity),
    days_to_expiry: Number(row.days_to_expiry),
  }));
}
