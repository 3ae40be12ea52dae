import type { Lot } from '@gapal/shared';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../db/client.ts';
import { isoText } from '../../db/sql-helpers.ts';

/** Lots matching the conditions (SQL on alias `l`), first-expired-first-out. */
export async function selectLots(db: Db, today: string, conditions: SQL[]): Promise<Lot[]> {
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
