import type { Lot } from '@gapal/shared';
import { and, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { products } from '../../db/schema.ts';
import type { Actor } from '../../domain/actor.ts';
import { notFound } from '../../domain/errors.ts';
import { addDays, todayIn } from '../../lib/dates.ts';
import { scopeSite } from '../../lib/site-scope.ts';
import { selectLots } from './lots.repo.ts';

function siteCondition(siteId: string | undefined): SQL[] {
  return siteId ? [sql`l.site_id = ${siteId}::uuid`] : [];
}

/** A product's lots at the caller's site (every site for an admin who names none). */
export async function listProductLots(
  db: Db,
  actor: Actor,
  productId: string,
  query: { site_id?: string; include_empty?: boolean },
  timeZone: string,
): Promise<Lot[]> {
  const siteId = scopeSite(actor, query.site_id);
  const [product] = await db
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.id, productId), isNull(products.deletedAt)));
  if (!product) throw notFound('Produit');
  const conditions = [sql`l.product_id = ${productId}::uuid`, ...siteCondition(siteId)];
  if (!query.include_empty) conditions.push(sql`l.quantity > 0`);
  return selectLots(db, todayIn(timeZone), conditions);
}

/** Lots holding stock that expire within `days` (and, unless excluded, those already expired). */
export async function listExpiringLots(
  db: Db,
  actor: Actor,
  query: { days: number; include_expired?: boolean; site_id?: string },
  timeZone: string,
): Promise<Lot[]> {
  const siteId = scopeSite(actor, query.site_id);
  const today = todayIn(timeZone);
  const conditions = [
    sql`l.quantity > 0`,
    sql`p.deleted_at IS NULL`,
    sql`l.expiry_date <= ${addDays(today, query.days)}::date`,
    ...siteCondition(siteId),
  ];
  if (query.include_expired === false) conditions.push(sql`l.expiry_date >= ${today}::date`);
  return selectLots(db, today, conditions);
}
