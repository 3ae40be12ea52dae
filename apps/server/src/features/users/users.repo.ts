import type { User } from '@gapal/shared';
import { and, asc, eq, ilike, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { users } from '../../db/schema.ts';
import { containsPattern } from '../../db/sql-helpers.ts';

export type UserRow = typeof users.$inferSelect;
type NewUser = typeof users.$inferInsert;

export type UserFilter = { role?: User['role']; siteId?: string; isActive?: boolean; search?: string };

/** Users matching every given filter, by username. */
export async function selectUsers(db: Db, filter: UserFilter): Promise<UserRow[]> {
  const conditions: SQL[] = [];
  if (filter.role) conditions.push(eq(users.role, filter.role));
  if (filter.siteId) conditions.push(eq(users.siteId, filter.siteId));
  if (filter.isActive !== undefined) conditions.push(eq(users.isActive, filter.isActive));
  if (filter.search) {
    const pattern = containsPattern(filter.search);
    conditions.push(or(ilike(users.username, pattern), ilike(users.fullName, pattern))!);
  }
  return db
    .select()
    .from(users)
    .where(and(...conditions))
    .orderBy(asc(users.username));
}

/** One user; `forUpdate` locks the row for the rest of the transaction. */
export async function findUserRow(db: Db, id: string, forUpdate = false): Promise<UserRow | undefined> {
  const query = db.select().from(users).where(eq(users.id, id));
  const [row] = forUpdate ? await query.for('update') : await query;
  return row;
}

/** The user signing in with this username, whatever its case. */
export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.username}) = ${username.toLowerCase()}`);
  return row;
}

export async function isUsernameTaken(db: Db, username: string): Promise<boolean> {
  const [taken] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.username}) = ${username.toLowerCase()}`);
  return taken !== undefined;
}

export async function insertUser(tx: Db, values: NewUser): Promise<UserRow> {
  const [row] = await tx.insert(users).values(values).returning();
  return row!;
}

/** Sets the given columns (and `updated_at` when given) and returns the row as it is now. */
export async function updateUserRow(tx: Db, id: string, changes: Partial<NewUser>): Promise<UserRow> {
  const [row] = await tx.update(users).set(changes).where(eq(users.id, id)).returning();
  return row!;
}

export async function setLastLogin(tx: Db, id: string, at: Date): Promise<void> {
  await tx.update(users).set({ lastLoginAt: at }).where(eq(users.id, id));
}
