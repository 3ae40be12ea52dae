import type { DeliveryStatus, OrderListFilter, PaymentStatus } from '@gapal/shared';
import { and, eq, gte, ilike, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { orderItems, orders, products, sites, users } from '../../db/schema.ts';
import { containsPattern, periodConditions } from '../../db/sql-helpers.ts';
import { orderDueSql } from '../orders/order-money.repo.ts';

/** The order-list filters as SQL, on a period already checked and a site already scoped. */
export function orderReportConditions(
  filter: Omit<OrderListFilter, 'from' | 'to' | 'site_id'>,
  period: { from: string; to: string },
  siteId: string | undefined,
  timeZone: string,
): SQL[] {
  const conditions = periodConditions(orders.createdAt, period.from, period.to, timeZone);
  if (siteId) conditions.push(eq(orders.siteId, siteId));
  if (filter.created_by) conditions.push(eq(orders.createdBy, filter.created_by));
  if (filter.delivery_status) conditions.push(eq(orders.deliveryStatus, filter.delivery_status));
  if (filter.payment_status) conditions.push(eq(orders.paymentStatus, filter.payment_status));
  if (filter.priority) conditions.push(eq(orders.priority, filter.priority));
  if (filter.delivery_from) conditions.push(gte(orders.deliveryDate, filter.delivery_from));
  if (filter.delivery_to) conditions.push(lte(orders.deliveryDate, filter.delivery_to));
  if (filter.search) {
    const pattern = containsPattern(filter.search);
    conditions.push(
      or(
        ilike(orders.clientName, pattern),
        ilike(orders.clientPhone, pattern),
        ilike(orders.number, pattern),
      )!,
    );
  }
  return conditions;
}

/** The same conditions, on cancelled orders only (the PDF's list of cancellations). */
export function cancelledOrderConditions(where: SQL[]): SQL[] {
  return [...where, eq(orders.deliveryStatus, 'annulee')];
}

const isLive = sql`${orders.deliveryStatus} <> 'annulee'`;
const isCancelled = sql`${orders.deliveryStatus} = 'annulee'`;
/** Sums come back as bigint (text on some drivers): always read them as numbers. */
const total = (expression: SQL) => sql`coalesce(sum(${expression}), 0)::bigint`.mapWith(Number);
const totalIf = (expression: SQL, condition: SQL) =>
  sql`coalesce(sum(${expression}) FILTER (WHERE ${condition}), 0)::bigint`.mapWith(Number);
const countAll = () => sql`count(*)::int`.mapWith(Number);
const countIf = (condition: SQL) => sql`(count(*) FILTER (WHERE ${condition}))::int`.mapWith(Number);

export async function selectOrderTotals(db: Db, where: SQL[]) {
  const [row] = await db
    .select({
      orders: countAll(),
      // The per-order columns summed (orderMoney): what the orders ask net of returns (a cancelled
      // one nothing), what they hold net of refunds and credits moved, what is left to collect and
      // what is owed back; revenue − paid = balance − credit.
      revenue: total(orderDueSql),
      paid: total(sql`${orders.paidAmount}`),
      balance: total(sql`greatest(0, ${orderDueSql} - ${orders.paidAmount})`),
      credit: total(sql`greatest(0, ${orders.paidAmount} - ${orderDueSql})`),
      deliveredOrders: countIf(sql`${orders.deliveryStatus} = 'livree'`),
      deliveredAmount: totalIf(sql`${orders.totalAmount}`, sql`${orders.deliveryStatus} = 'livree'`),
      cancelledOrders: countIf(isCancelled),
      cancelledAmount: totalIf(sql`${orders.totalAmount}`, isCancelled),
    })
    .from(orders)
    .where(and(...where));
  const [returned] = await db
    .select({ amount: total(sql`${orderItems.returnedQuantity} * ${orderItems.unitPrice}`) })
    .from(orderItems)
    .innerJoin(orders, eq(orders.id, orderItems.orderId))
    .where(and(...where, isLive));
  return { ...row!, returnedAmount: returned!.amount };
}

export async function selectOrdersByDay(db: Db, where: SQL[], timeZone: string) {
  const day = sql<string>`to_char((${orders.createdAt} AT TIME ZONE ${timeZone})::date, 'YYYY-MM-DD')`;
  return db
    .select({
      day,
      orders: countAll(),
      amount: total(sql`${orders.totalAmount}`),
      revenue: total(orderDueSql),
      cancelledOrders: countIf(isCancelled),
    })
    .from(orders)
    .where(and(...where))
    .groupBy(sql`1`)
    .orderBy(sql`1`);
}

export async function selectOrdersByStatus(db: Db, where: SQL[]) {
  return db
    .select({ status: orders.deliveryStatus, orders: countAll(), amount: total(sql`${orders.totalAmount}`) })
    .from(orders)
    .where(and(...where))
    .groupBy(orders.deliveryStatus)
    .orderBy(orders.deliveryStatus) as Promise<{ status: DeliveryStatus; orders: number; amount: number }[]>;
}

export async function selectOrdersByPaymentStatus(db: Db, where: SQL[]) {
  return db
    .select({
      status: orders.paymentStatus,
      orders: countAll(),
      amount: total(sql`${orders.totalAmount}`),
      paid: total(sql`${orders.paidAmount}`),
    })
    .from(orders)
    .where(and(...where))
    .groupBy(orders.paymentStatus)
    .orderBy(orders.paymentStatus) as Promise<
    { status: PaymentStatus; orders: number; amount: number; paid: number }[]
  >;
}

export async function selectOrdersByVendor(db: Db, where: SQL[]) {
  return db
    .select({
      userId: orders.createdBy,
      name: sql<string>`min(${users.fullName})`,
      orders: countAll(),
      amount: total(sql`${orders.totalAmount}`),
      revenue: total(orderDueSql),
      paid: total(sql`${orders.paidAmount}`),
      cancelledOrders: countIf(isCancelled),
    })
    .from(orders)
    .innerJoin(users, eq(users.id, orders.createdBy))
    .where(and(...where))
    .groupBy(orders.createdBy);
}

/** Quantities and amounts sold per product, from the lines of orders that are not cancelled. */
export async function selectOrdersByProduct(db: Db, where: SQL[]) {
  return db
    .select({
      productId: orderItems.productId,
      name: sql<string>`min(${products.name})`,
      unit: sql<string>`min(${products.unit})`,
      quantity: total(sql`${orderItems.quantity}`),
      returnedQuantity: total(sql`${orderItems.returnedQuantity}`),
      amount: total(sql`${orderItems.subtotal}`),
    })
    .from(orderItems)
    .innerJoin(orders, eq(orders.id, orderItems.orderId))
    .innerJoin(products, eq(products.id, orderItems.productId))
    .where(and(...where, isLive))
    .groupBy(orderItems.productId);
}

export type OrderReportRow = Awaited<ReturnType<typeof selectOrderBatch>>[number];

/**
 * One batch of the order list in creation order. Keyset on (created_at, id): the key travels as
 * PostgreSQL text so microseconds survive, and no row is skipped or repeated between batches.
 */
export async function selectOrderBatch(
  db: Db,
  where: SQL[],
  after: { key: string; id: string } | null,
  limit: number,
) {
  const keyset = after
    ? [sql`(${orders.createdAt}, ${orders.id}) > (${after.key}::timestamptz, ${after.id}::uuid)`]
    : [];
  return (
    db
      .select({
        id: orders.id,
        key: sql<string>`${orders.createdAt}::text`,
        number: orders.number,
        siteName: sites.name,
        createdAt: orders.createdAt,
        vendor: users.fullName,
        clientName: orders.clientName,
        clientPhone: orders.clientPhone,
        deliveryDate: orders.deliveryDate,
        deliveryStatus: orders.deliveryStatus,
        paymentStatus: orders.paymentStatus,
        totalAmount: orders.totalAmount,
        returnedAmount: orders.returnedAmount,
        paidAmount: orders.paidAmount,
        // Money given back (refunds, not credits moved to another order): `paid` is net of it.
        refundedAmount: sql<number>`(SELECT coalesce(-sum(p.amount), 0)::int FROM payments p
          WHERE p.order_id = ${orders.id} AND p.amount < 0 AND p.method <> 'avoir')`.mapWith(Number),
        deliveredAt: orders.deliveredAt,
        cancelledAt: orders.cancelledAt,
      })
      .from(orders)
      .innerJoin(users, eq(users.id, orders.createdBy))
      .innerJoin(sites, eq(sites.id, orders.siteId))
      .where(and(...where, ...keyset))
      // NULLS FIRST matches the (created_at DESC NULLS LAST, id DESC NULLS LAST) indexes read
      // backwards: each batch is an index range scan, not a sort of the whole period.
      .orderBy(sql`${orders.createdAt} ASC NULLS FIRST`, sql`${orders.id} ASC NULLS FIRST`)
      .limit(limit)
  );
}

/** The whole selection, batch after batch; only one batch is in memory at a time. */
export async function* orderBatches(
  db: Db,
  where: SQL[],
  batchSize = 1000,
): AsyncGenerator<OrderReportRow[]> {
  let after: { key: string; id: string } | null = null;
  for (;;) {
    const rows = await selectOrderBatch(db, where, after, batchSize);
    if (rows.length > 0) yield rows;
    if (rows.length < batchSize) return;
    const last = rows.at(-1)!;
    after = { key: last.key, id: last.id };
  }
}
