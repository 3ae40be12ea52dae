import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { type TestUser, unique } from '../../../test/factories.ts';
import { api, type TestApp } from '../../../test/harness.ts';
import { auditLog, lots, type orders, products, stockLevels, stockMovements } from '../../db/schema.ts';
import type { Actor } from '../../domain/actor.ts';

/** The actor a request of this user would have (for calling services directly). */
export function actorOf(user: TestUser): Actor {
  return {
    userId: user.id,
    username: user.username,
    role: user.role,
    siteId: user.siteId,
    deviceId: null,
    requestId: 'test',
    ip: '127.0.0.1',
  };
}

export async function createProduct(
  t: TestApp,
  options: { unitPrice?: number; isActive?: boolean; name?: string } = {},
) {
  const [row] = await t.db
    .insert(products)
    .values({
      name: options.name ?? unique('Yaourt '),
      unit: 'pot',
      unitPrice: options.unitPrice ?? 500,
      isActive: options.isActive ?? true,
    })
    .returning();
  return row!;
}

/** A valid create body; override any field. */
export function orderBody(productIds: string[], overrides: Record<string, unknown> = {}) {
  return {
    local_id: randomUUID(),
    client_name: 'Awa Ouédraogo',
    client_phone: '+226 70 12 34 56',
    delivery_address: 'Secteur 5, Koudougou',
    items: productIds.map((id, index) => ({ product_id: id, quantity: index + 1 })),
    ...overrides,
  };
}

export async function createOrderAs(t: TestApp, token: string, productIds: string[], overrides = {}) {
  const response = await api(t, 'POST', '/api/orders/', { token, body: orderBody(productIds, overrides) });
  if (response.status !== 201)
    throw new Error(`create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function countRows(t: TestApp, table: typeof orders | typeof auditLog) {
  const [row] = await t.db.select({ n: count() }).from(table);
  return Number(row!.n);
}

export async function auditFor(t: TestApp, orderId: string) {
  return t.db.select().from(auditLog).where(eq(auditLog.entityId, orderId)).orderBy(auditLog.id);
}

export function isoDay(offsetDays: number): string {
  const day = new Date(Date.now() + offsetDays * 86_400_000);
  return day.toISOString().slice(0, 10);
}

/** Goods received through the real stock endpoint (a stock manager of the site). */
export async function receiveStock(
  t: TestApp,
  token: string,
  items: { product_id: string; quantity: number; expiry_date?: string; lot_code?: string }[],
) {
  const withExpiry = items.map((item) => ({ expiry_date: isoDay(30), ...item }));
  const response = await api(t, 'POST', '/api/stock/entry/', { token, body: { items: withExpiry } });
  if (response.status !== 201)
    throw new Error(`entry failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/**
 * Invariant 1 for each product at the site: the movements chain (each stock_before is the
 * previous stock_after), the last one equals the stock level, and the lots add up to it.
 */
export async function ledgerProblems(t: TestApp, siteId: string, productIds: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const productId of productIds) {
    const movements = await t.db
      .select()
      .from(stockMovements)
      .where(and(eq(stockMovements.productId, productId), eq(stockMovements.siteId, siteId)))
      .orderBy(asc(stockMovements.id));
    let previous = 0;
    for (const movement of movements) {
      if (movement.stockBefore !== previous) problems.push(`${productId}: chain broken at ${movement.id}`);
      previous = movement.stockAfter;
    }
    const [level] = await t.db
      .select()
      .from(stockLevels)
      .where(and(eq(stockLevels.productId, productId), eq(stockLevels.siteId, siteId)));
    if ((level?.quantity ?? 0) !== previous)
      problems.push(`${productId}: level ${level?.quantity} ≠ ledger ${previous}`);
    const [lotSum] = await t.db
      .select({ total: sql<number>`coalesce(sum(${lots.quantity}), 0)::int` })
      .from(lots)
      .where(and(eq(lots.productId, productId), eq(lots.siteId, siteId)));
    if (Number(lotSum!.total) !== previous)
      problems.push(`${productId}: lots ${lotSum!.total} ≠ ledger ${previous}`);
  }
  return problems;
}

export async function stockLevelOf(t: TestApp, siteId: string, productId: string): Promise<number> {
  const [row] = await t.db
    .select()
    .from(stockLevels)
    .where(and(eq(stockLevels.productId, productId), eq(stockLevels.siteId, siteId)));
  return row?.quantity ?? 0;
}
