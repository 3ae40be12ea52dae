import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { unique } from '../../../test/factories.ts';
import { api, type TestApp } from '../../../test/harness.ts';
import { auditLog, type orders, products } from '../../db/schema.ts';

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
  const response = await api(t, 'POST', '/api/stock/entry/', { token, body: { items } });
  if (response.status !== 201)
    throw new Error(`entry failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}
