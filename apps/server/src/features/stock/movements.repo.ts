import type { Movement, MovementListQuery } from '@gapal/shared';
import { and, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { lots, products, stockMovements, users } from '../../db/schema.ts';
import { periodConditions } from '../../db/sql-helpers.ts';
import { toIso } from '../../lib/dates.ts';

/** The filters of the ledger list, limited to a site when one is given. */
export function movementConditions(
  query: Omit<MovementListQuery, 'format' | 'cursor' | 'limit'>,
  siteId: string | undefined,
  timeZone: string,
): SQL[] {
  const m = stockMovements;
  const conditions = periodConditions(m.createdAt, query.from, query.to, timeZone);
  if (siteId) conditions.push(eq(m.siteId, siteId));
  if (query.product_id) conditions.push(eq(m.productId, query.product_id));
  if (query.type) conditions.push(eq(m.type, query.type));
  if (query.lot_id) conditions.push(eq(m.lotId, query.lot_id));
  if (query.reference) conditions.push(eq(m.reference, query.reference));
  if (query.user_id) conditions.push(eq(m.userId, query.user_id));
  if (query.device_id) conditions.push(eq(m.deviceId, query.device_id));
  return conditions;
}

/** Newest first; `beforeId` continues a page (ids are the ledger's sequence). */
export async function selectMovements(
  db: Db,
  conditions: SQL[],
  page: { beforeId?: number; limit: number },
): Promise<Movement[]> {
  const m = stockMovements;
  const where = page.beforeId === undefined ? conditions : [...conditions, lt(m.id, page.beforeId)];
  const rows = await db
    .select({ movement: m, productName: products.name, lotCode: lots.code, username: users.username })
    .from(m)
    .innerJoin(products, eq(products.id, m.productId))
    .innerJoin(lots, eq(lots.id, m.lotId))
    .leftJoin(users, eq(users.id, m.userId))
    .where(and(...where))
    .orderBy(desc(m.id))
    .limit(page.limit);
  return rows.map(toMovementDto);
}

export async function selectMovementsByIds(db: Db, ids: number[]): Promise<Movement[]> {
  if (ids.length === 0) return [];
  const rows = await selectMovements(db, [inArray(stockMovements.id, ids)], { limit: ids.length });
  return rows.reverse();
}

function toMovementDto(row: {
  movement: typeof stockMovements.$inferSelect;
  productName: string;
  lotCode: string;
  username: string | null;
}): Movement {
  const m = row.movement;
  return {
    id: Number(m.id),
    product_id: m.productId,
    product_name: row.productName,
    site_id: m.siteId,
    lot_id: m.lotId,
    lot_code: row.lotCode,
    type: m.type,
    quantity: m.quantity,
    stock_before: m.stockBefore,
    stock_after: m.stockAfter,
    lot_before: m.lotBefore,
    lot_after: m.lotAfter,
    reference: m.reference,
    order_id: m.orderId,
    user_id: m.userId,
    username: row.username,
    device_id: m.deviceId,
    reason: m.reason,
    expired_override: m.expiredOverride,
    created_at: toIso(m.createdAt),
  };
}
