import type { Product, ProductSort } from '@gapal/shared';
import { and, eq, isNull, ne, type SQL, sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../db/client.ts';
import { products } from '../../db/schema.ts';
import { containsPattern, isoText } from '../../db/sql-helpers.ts';
import { addDays } from '../../lib/dates.ts';

/** Where and when stock figures are computed: a site (undefined = every site) and a horizon. */
export type StockView = { siteId: string | undefined; today: string; expiringDays: number };

export type ProductFilter = {
  ids?: string[];
  search?: string;
  categoryId?: string;
  isActive?: boolean;
  belowThreshold?: boolean;
};

type ProductRow = Omit<Product, 'is_below_threshold'> & { sort_key: unknown; cursor_key: string };

const SORT_KEYS: Record<string, { key: SQL; cast: SQL }> = {
  name: { key: sql`lower(p.name)`, cast: sql`text` },
  unit_price: { key: sql`p.unit_price`, cast: sql`int` },
  stock: { key: sql`s.qty`, cast: sql`int` },
  created_at: { key: sql`p.created_at`, cast: sql`timestamptz` },
};

/**
 * Products with their stock at a site: on hand, expiring within the horizon, already expired.
 * Keyset-paginated on (sort key, id); a descending sort flips both.
 */
export async function selectProducts(
  db: Db,
  view: StockView,
  filter: ProductFilter,
  page: { sort: ProductSort; after?: { k: string; id: string }; limit: number } = {
    sort: 'name',
    limit: 10_000,
  },
): Promise<Array<Product & { cursor_key: string }>> {
  const descending = page.sort.startsWith('-');
  const { key, cast } = SORT_KEYS[page.sort.replace(/^-/, '')]!;
  const site = (alias: SQL) => (view.siteId ? sql` AND ${alias}.site_id = ${view.siteId}::uuid` : sql``);
  const horizon = addDays(view.today, view.expiringDays);

  const conditions: SQL[] = [sql`p.deleted_at IS NULL`];
  if (filter.ids)
    conditions.push(
      sql`p.id IN (${sql.join(
        filter.ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    );
  if (filter.search) {
    conditions.push(
      sql`(p.name ILIKE ${containsPattern(filter.search)} OR p.barcode LIKE ${`${filter.search.replace(/[\\%_]/g, '\\$&')}%`})`,
    );
  }
  if (filter.categoryId) conditions.push(sql`p.category_id = ${filter.categoryId}::uuid`);
  if (filter.isActive !== undefined) conditions.push(sql`p.is_active = ${filter.isActive}`);
  if (filter.belowThreshold) conditions.push(sql`s.qty < p.min_stock_level`);

  const after = page.after
    ? descending
      ? sql`WHERE (q.sort_key, q.id) < (${page.after.k}::${cast}, ${page.after.id}::uuid)`
      : sql`WHERE (q.sort_key, q.id) > (${page.after.k}::${cast}, ${page.after.id}::uuid)`
    : sql``;
  const direction = descending ? sql`DESC` : sql`ASC`;

  const rows = await selectRows<ProductRow>(
    db,
    sql`SELECT * FROM (
          SELECT p.id, p.name, p.category_id, c.name AS category_name, p.unit, p.unit_price, p.barcode,
                 p.min_stock_level, p.shelf_life_days, p.is_active,
                 s.qty AS stock_quantity, e.expiring AS expiring_quantity, e.expired AS expired_quantity,
                 ${isoText(sql`p.created_at`)} AS created_at, ${isoText(sql`p.updated_at`)} AS updated_at,
                 ${key} AS sort_key, (${key})::text AS cursor_key
          FROM products p
          LEFT JOIN categories c ON c.id = p.category_id
          LEFT JOIN LATERAL (
            SELECT COALESCE(sum(sl.quantity), 0)::int AS qty FROM stock_levels sl
            WHERE sl.product_id = p.id${site(sql`sl`)}
          ) s ON true
          LEFT JOIN LATERAL (
            SELECT
              COALESCE(sum(l.quantity) FILTER (WHERE l.expiry_date >= ${view.today}::date
                AND l.expiry_date <= ${horizon}::date), 0)::int AS expiring,
              COALESCE(sum(l.quantity) FILTER (WHERE l.expiry_date < ${view.today}::date), 0)::int AS expired
            FROM lots l WHERE l.product_id = p.id AND l.quantity > 0${site(sql`l`)}
          ) e ON true
          WHERE ${sql.join(conditions, sql` AND `)}
        ) q
        ${after}
        ORDER BY q.sort_key ${direction}, q.id ${direction}
        LIMIT ${page.limit}`,
  );
  return rows.map(({ sort_key: _sortKey, ...row }) => {
    const stock = Number(row.stock_quantity);
    return {
      ...row,
      unit_price: Number(row.unit_price),
      min_stock_level: Number(row.min_stock_level),
      shelf_life_days: row.shelf_life_days === null ? null : Number(row.shelf_life_days),
      stock_quantity: stock,
      expiring_quantity: Number(row.expiring_quantity),
      expired_quantity: Number(row.expired_quantity),
      is_below_threshold: stock < Number(row.min_stock_level),
    };
  });
}

/** A product's row as stored (the audit trail keeps it before and after a change). */
export type ProductRecord = typeof products.$inferSelect;
type NewProduct = typeof products.$inferInsert;

export async function insertProduct(tx: Db, values: NewProduct): Promise<ProductRecord> {
  const [row] = await tx.insert(products).values(values).returning();
  return row!;
}

/** A product not deleted, locked for the rest of the transaction. */
export async function lockProduct(tx: Db, id: string): Promise<ProductRecord | undefined> {
  const [row] = await tx
    .select()
    .from(products)
    .where(and(eq(products.id, id), isNull(products.deletedAt)))
    .for('update');
  return row;
}

/** Sets the given columns and returns the row as it is now. */
export async function updateProductRow(
  tx: Db,
  id: string,
  changes: Partial<NewProduct>,
): Promise<ProductRecord> {
  const [row] = await tx.update(products).set(changes).where(eq(products.id, id)).returning();
  return row!;
}

/** Whether a product not deleted (other than `exceptId`) has this barcode. */
export async function isBarcodeTaken(db: Db, barcode: string, exceptId?: string): Promise<boolean> {
  const [taken] = await db
    .select({ id: products.id })
    .from(products)
    .where(
      and(
        eq(products.barcode, barcode),
        isNull(products.deletedAt),
        exceptId ? ne(products.id, exceptId) : undefined,
      ),
    );
  return taken !== undefined;
}

/** Whether a product exists and is not deleted. */
export async function productExists(db: Db, id: string): Promise<boolean> {
  const [row] = await db
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.id, id), isNull(products.deletedAt)));
  return row !== undefined;
}
