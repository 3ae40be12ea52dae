import type { Lot } from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { notFound } from '../../domain/errors.ts';
import { addDays, todayIn } from '../../lib/dates.ts';
import { scopeSite } from '../../lib/site-scope.ts';
import { productExists } from '../catalog/products.repo.ts';
import { selectExpiringLots, selectProductLots } from './lots.repo.ts';

/** A product's lots at the caller's site (every site for an admin who names none). */
export async function listProductLots(
  db: Db,
  actor: Actor,
  productId: string,
  query: { site_id?: string; include_empty?: boolean },
  timeZone: string,
): Promise<Lot[]> {
  const siteId = scopeSite(actor, query.site_id);
  if (!(await productExists(db, productId))) throw notFound('Produit');
  return selectProductLots(db, todayIn(timeZone), {
    productId,
    siteId,
    includeEmpty: query.include_empty === true,
  });
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
  return selectExpiringLots(db, today, {
    horizon: addDays(today, query.days),
    siteId,
    includeExpired: query.include_expired !== false,
  });
}
