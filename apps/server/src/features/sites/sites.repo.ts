import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { sites } from '../../db/schema.ts';

export type SiteRow = typeof sites.$inferSelect;
type NewSite = typeof sites.$inferInsert;

/** Every site, or only `siteId`, by name. */
export async function selectSites(db: Db, siteId?: string): Promise<SiteRow[]> {
  return db
    .select()
    .from(sites)
    .where(siteId ? eq(sites.id, siteId) : undefined)
    .orderBy(asc(sites.name));
}

/** One site; `forUpdate` locks the row for the rest of the transaction. */
export async function findSiteRow(db: Db, id: string, forUpdate = false): Promise<SiteRow | undefined> {
  const query = db.select().from(sites).where(eq(sites.id, id));
  const [row] = forUpdate ? await query.for('update') : await query;
  return row;
}

export async function isSiteCodeTaken(db: Db, code: string): Promise<boolean> {
  const [taken] = await db.select({ id: sites.id }).from(sites).where(eq(sites.code, code));
  return taken !== undefined;
}

/** The oldest active site (where a device of a user without a site goes), if any. */
export async function firstActiveSiteId(db: Db): Promise<string | undefined> {
  const [site] = await db
    .select({ id: sites.id })
    .from(sites)
    .where(eq(sites.isActive, true))
    .orderBy(asc(sites.createdAt))
    .limit(1);
  return site?.id;
}

export async function insertSite(tx: Db, values: NewSite): Promise<SiteRow> {
  const [row] = await tx.insert(sites).values(values).returning();
  return row!;
}

/** Sets the given columns and returns the row as it is now. */
export async function updateSiteRow(tx: Db, id: string, changes: Partial<NewSite>): Promise<SiteRow> {
  const [row] = await tx.update(sites).set(changes).where(eq(sites.id, id)).returning();
  return row!;
}
