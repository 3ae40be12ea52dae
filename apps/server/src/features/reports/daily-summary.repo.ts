import type { DeliveryStatus, PaymentMethod } from '@gapal/shared';
import { and, type Column, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { orders, payments } from '../../db/schema.ts';
import { periodConditions } from '../../db/sql-helpers.ts';

const amount = (expression: SQL) => sql`coalesce(sum(${expression}), 0)::bigint`.mapWith(Number);
const counted = () => sql`count(*)::int`.mapWith(Number);

function day(column: Column, date: string, timeZone: string, siteId: string | undefined): SQL[] {
  const conditions = periodConditions(column, date, date, timeZone);
  if (siteId) conditions.push(eq(orders.siteId, siteId));
  return conditions;
}

/** Orders taken during the day, per delivery status (as they stand now). */
export async function selectDayOrders(db: Db, date: string, timeZone: string, siteId: string | undefined) {
  return db
    .select({ status: orders.deliveryStatus, orders: counted(), amount: amount(sql`${orders.totalAmount}`) })
    .from(orders)
    .where(and(...day(orders.createdAt, date, timeZone, siteId)))
    .groupBy(orders.deliveryStatus)
    .orderBy(orders.deliveryStatus) as Promise<{ status: DeliveryStatus; orders: number; amount: number }[]>;
}

export async function selectDayDeliveries(
  db: Db,
  date: string,
  timeZone: string,
  siteId: string | undefined,
) {
  const [row] = await db
    .select({ count: counted(), amount: amount(sql`${orders.totalAmount}`) })
    .from(orders)
    .where(and(...day(orders.deliveredAt, date, timeZone, siteId), eq(orders.deliveryStatus, 'livree')));
  return row!;
}

export async function selectDayCancellations(
  db: Db,
  date: string,
  timeZone: string,
  siteId: string | undefined,
) {
  const [row] = await db
    .select({ count: counted() })
    .from(orders)
    .where(and(...day(orders.cancelledAt, date, timeZone, siteId)));
  return row!.count;
}

/**
 * Money received during the day, per method, whatever the day of the order. A credit moved
 * between orders (`avoir`) is no money in; refunds (negative) are counted apart.
 */
export async function selectDayCollections(
  db: Db,
  date: string,
  timeZone: string,
  siteId: string | undefined,
) {
  const conditions = periodConditions(payments.createdAt, date, date, timeZone);
  if (siteId) conditions.push(eq(orders.siteId, siteId));
  conditions.push(sql`${payments.amount} > 0`, sql`${payments.method} <> 'avoir'`);
  return db
    .select({ method: payments.method, count: counted(), amount: amount(sql`${payments.amount}`) })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(and(...conditions))
    .groupBy(payments.method) as Promise<{ method: PaymentMethod; count: number; amount: number }[]>;
}

/** Money given back during the day: refunds (negative payments other than a credit moved). */
export async function selectDayRefunds(db: Db, date: string, timeZone: string, siteId: string | undefined) {
  const conditions = periodConditions(payments.createdAt, date, date, timeZone);
  if (siteId) conditions.push(eq(orders.siteId, siteId));
  conditions.push(sql`${payments.amount} < 0`, sql`${payments.method} <> 'avoir'`);
  const [row] = await db
    .select({ count: counted(), amount: amount(sql`-${payments.amount}`) })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(and(...conditions));
  return row!;
}
