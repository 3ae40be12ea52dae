import { randomUUID } from 'node:crypto';
import type { MoneyMethod } from '@gapal/shared';
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { orders, payments } from '../../db/schema.ts';

type Recorder = { recordedBy: string; deviceId: string | null };

/**
 * What an order asks, as SQL: `orderMoney`'s `due` (shared package), 0 once cancelled, else the
 * total less what came back. `ORDER_DUE_SQL` is the same text for raw statements on `o`; both are
 * checked against `orderMoney` by order-money.property.test.ts.
 */
export const ORDER_DUE_SQL =
  "(CASE WHEN o.delivery_status = 'annulee' THEN 0 ELSE o.total_amount - o.returned_amount END)";
export const orderDueSql = sql`(CASE WHEN ${orders.deliveryStatus} = 'annulee' THEN 0 ELSE ${orders.totalAmount} - ${orders.returnedAmount} END)`;

/** A refund: a negative payment of the order, with its method and reference. */
export async function insertRefund(
  tx: Db,
  refund: { orderId: string; amount: number; method: MoneyMethod; reference: string } & Recorder,
) {
  const [row] = await tx
    .insert(payments)
    .values({ ...refund, amount: -refund.amount })
    .returning();
  return row!;
}

/**
 * A credit moved from one order to another, as two rows written together: out of the source
 * (negative) and into the target (positive, naming the row it came from; unique, so a credit
 * moved out pays one order once). Each row's reference is the other order's number.
 */
export async function insertCreditTransfer(
  tx: Db,
  transfer: {
    from: { orderId: string; number: string };
    to: { orderId: string; number: string };
    amount: number;
  } & Recorder,
) {
  const outId = randomUUID();
  const common = { method: 'avoir' as const, recordedBy: transfer.recordedBy, deviceId: transfer.deviceId };
  const rows = await tx
    .insert(payments)
    .values([
      {
        ...common,
        id: outId,
        orderId: transfer.from.orderId,
        amount: -transfer.amount,
        reference: transfer.to.number,
      },
      {
        ...common,
        orderId: transfer.to.orderId,
        amount: transfer.amount,
        reference: transfer.from.number,
        creditSourceId: outId,
      },
    ])
    .returning();
  return { out: rows.find((row) => row.id === outId)!, in: rows.find((row) => row.id !== outId)! };
}

/** The client's other open orders of the site that still owe something, newest first (at most 50). */
export async function selectCreditTargets(
  db: Db,
  order: { id: string; siteId: string; clientId: string },
): Promise<string[]> {
  const rows = await db
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        eq(orders.clientId, order.clientId),
        eq(orders.siteId, order.siteId),
        ne(orders.id, order.id),
        ne(orders.deliveryStatus, 'annulee'),
        sql`${orders.paidAmount} < ${orderDueSql}`,
      ),
    )
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(50);
  return rows.map((row) => row.id);
}
