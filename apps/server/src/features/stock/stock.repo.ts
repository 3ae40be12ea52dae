import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { products, sites } from '../../db/schema.ts';

/** Whether a site exists and is active, for a stock operation there (undefined: no such site). */
export async function siteActivity(db: Db, siteId: string): Promise<{ isActive: boolean } | undefined> {
  const [site] = await db.select({ isActive: sites.isActive }).from(sites).where(eq(sites.id, siteId));
  return site;
}

/** The products among `ids` that exist and are not deleted, with their shelf life. */
export async function findLiveProducts(
  db: Db,
  ids: string[],
): Promise<Map<string, { id: string; shelfLifeDays: number | null }>> {
  const rows = await db
    .select({ id: products.id, shelfLifeDays: products.shelfLifeDays })
    .from(products)
    .where(and(inArray(products.id, ids), isNull(products.deletedAt)));
  return new Map(rows.map((row) => [row.id, row]));
}
