import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { clients, orders, payments, sites } from '../../db/schema.ts';

/**
 * Delivered orders with money still owed (`total − returned − paid > 0`): the client has the
 * goods, the balance is a debt. Orders not yet delivered are not receivables, even when unpaid.
 * The client is the directory's when the order has one (its current name and phone).
 */
export async function selectOpenBalances(
  db: Db,
  filter: { siteId: string | undefined; createdBy: string | undefined },
  today: string,
  timeZone: string,
) {
  const conditions: SQL[] = [
    eq(orders.deliveryStatus, 'livree'),
    sql`${orders.paidAmount} < ${orders.totalAmount} - ${orders.returnedAmount}`,
  ];
  if (filter.siteId) conditions.push(eq(orders.siteId, filter.siteId));
  if (filter.createdBy) conditions.push(eq(orders.createdBy, filter.createdBy));
  const deliveredOn = sql`(coalesce(${orders.deliveredAt}, ${orders.createdAt}) AT TIME ZONE ${timeZone})::date`;
  return db
    .select({
      id: orders.id,
      number: orders.number,
      siteName: sites.name,
      clientId: orders.clientId,
      clientName: sql<string>`coalesce(${clients.name}, ${orders.clientName})`,
      clientPhone: sql<string | null>`coalesce(${clients.phone}, ${orders.clientPhone})`,
      totalAmount: orders.totalAmount,
      returnedAmount: orders.returnedAmount,
      paidAmount: orders.paidAmount,
      deliveredAt: sql<Date>`coalesce(${orders.deliveredAt}, ${orders.createdAt})`.mapWith(orders.createdAt),
      ageDays: sql`(${today}::date - ${deliveredOn})::int`.mapWith(Number),
    })
    .from(orders)
    .innerJoin(sites, eq(sites.id, orders.siteId))
    .leftJoin(clients, eq(clients.id, orders.clientId))
    .where(and(...conditions))
    .orderBy(asc(orders.createdAt), asc(orders.id));
}

export type PaymentLine = {
  orderId: string;
  amount: number;
  method: (typeof payments.$inferSelect)['method'];
  createdAt: Date;
};

/** The payments of these orders, oldest first (partial payments are shown on the report). */
export async function selectPaymentsOf(db: Db, orderIds: string[]): Promise<PaymentLine[]> {
  const lines: PaymentLine[] = [];
  for (let index = 0; index < orderIds.length; index += 1000) {
    const rows = await db
      .select({
        orderId: payments.orderId,
        amount: payments.amount,
        method: payments.method,
        createdAt: payments.createdAt,
      })
      .from(payments)
      .where(inArray(payments.orderId, orderIds.slice(index, index + 1000)))
      .orderBy(asc(payments.createdAt), asc(payments.id));
    lines.push(...rows);
  }
  return lines;
}
