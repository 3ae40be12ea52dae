import { count, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { categories, products, sites, users } from '../db/schema.ts';

/** The first site created, if any. */
export async function findFirstSite(db: Db): Promise<string | undefined> {
  const [existing] = await db.select({ id: sites.id }).from(sites).orderBy(sites.createdAt).limit(1);
  return existing?.id;
}

/** Creates the site unless its code exists (another process got there first); returns its id. */
export async function insertSiteOnce(
  db: Db,
  site: { name: string; code: string; address: string },
): Promise<string> {
  const [created] = await db.insert(sites).values(site).onConflictDoNothing().returning({ id: sites.id });
  if (created) return created.id;
  const [raced] = await db.select({ id: sites.id }).from(sites).where(eq(sites.code, site.code));
  return raced!.id;
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ value: count() }).from(users);
  return row?.value ?? 0;
}

export async function insertUsers(db: Db, values: (typeof users.$inferInsert)[]): Promise<{ id: string }[]> {
  return db.insert(users).values(values).returning({ id: users.id });
}

export async function findUserByUsername(db: Db, username: string) {
  const [user] = await db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(eq(users.username, username));
  return user;
}

/** Which of `usernames` exist. */
export async function existingUsernames(db: Db, usernames: string[]): Promise<Set<string>> {
  const rows = await db
    .select({ username: users.username })
    .from(users)
    .where(inArray(users.username, usernames));
  return new Set(rows.map((row) => row.username));
}

/** A category and its products. */
export async function insertCategoryWithProducts(
  db: Db,
  name: string,
  items: Omit<typeof products.$inferInsert, 'categoryId'>[],
): Promise<void> {
  const [category] = await db.insert(categories).values({ name }).returning({ id: categories.id });
  await db.insert(products).values(items.map((item) => ({ ...item, categoryId: category!.id })));
}

export async function listProductsByName(db: Db) {
  return db.select().from(products).orderBy(products.name);
}
