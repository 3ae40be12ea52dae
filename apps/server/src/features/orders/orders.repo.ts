import type { OrderItem, OrderReturn, Payment, VoiceNote } from '@gapal/shared';
import { uuidv7 } from '@gapal/shared';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { type Db, keyIn, queryPrepared, selectRows } from '../../db/client.ts';
import {
  orderCounters,
  orderItems,
  orderReturns,
  orders,
  payments,
  products,
  sites,
  users,
} from '../../db/schema.ts';
import { isoTextRaw, jsonObjectText, jsonText } from '../../db/sql-helpers.ts';
import { auditInsertSql } from '../audit/audit.repo.ts';
import { type InsertedNotification, notificationsInsertSql } from '../notifications/notifications.repo.ts';
import { VOICE_NOTE_JSON } from '../voice-notes/voice-notes.repo.ts';
import { orderDueSql } from './order-money.repo.ts';

export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;
export type NewOrder = Omit<
  typeof orders.$inferInsert,
  'id' | 'number' | 'createdAt' | 'updatedAt' | 'version'
>;

/** An order with what its detail view shows; the collections come back as JSON in one query. */
export type OrderAggregate = {
  order: OrderRow;
  createdByName: string | null;
  items: OrderItem[];
  payments: Payment[];
  returns: OrderReturn[];
  voiceNotes: VoiceNote[];
};

export type ProductRef = { id: string; name: string; unitPrice: number; isActive: boolean };

export async function findProducts(db: Db, ids: string[]): Promise<Map<string, ProductRef>> {
  const rows = await db
    .select({
      id: products.id,
      name: products.name,
      unitPrice: products.unitPrice,
      isActive: products.isActive,
    })
    .from(products)
    .where(and(inArray(products.id, ids), sql`${products.deletedAt} IS NULL`));
  return new Map(rows.map((row) => [row.id, row]));
}

export async function findOrderIdByLocalId(db: Db, localId: string): Promise<string | undefined> {
  const [row] = await db.select({ id: orders.id }).from(orders).where(eq(orders.localId, localId));
  return row?.id;
}

/**
 * Takes the next number of the site's day and inserts the order in one statement, so the
 * counter row (the one hot spot of creation) stays locked for as short as possible.
 * Returns undefined when an order with the same `local_id` already exists: the caller
 * must then roll back, which also gives the number back.
 */
export async function insertNumberedOrder(
  tx: Db,
  day: string,
  values: NewOrder,
): Promise<OrderRow | undefined> {
  // Id and times are given here rather than defaulted, so the row is known without reading it back.
  const now = new Date();
  const row: Omit<OrderRow, 'number'> = {
    id: uuidv7(now.getTime()),
    localId: values.localId,
    siteId: values.siteId,
    createdBy: values.createdBy,
    deviceId: values.deviceId ?? null,
    clientId: values.clientId ?? null,
    clientName: values.clientName,
    clientPhone: values.clientPhone ?? null,
    deliveryAddress: values.deliveryAddress ?? null,
    deliveryDate: values.deliveryDate ?? null,
    priority: values.priority ?? 'moyenne',
    notes: values.notes ?? null,
    deliveryStatus: values.deliveryStatus ?? 'nouvelle',
    paymentStatus: values.paymentStatus ?? 'non_payee',
    totalAmount: values.totalAmount,
    paidAmount: 0,
    returnedAmount: 0,
    version: 1,
    deliveredAt: values.deliveredAt ?? null,
    cancelledAt: null,
    createdAt: now,
    updatedAt: now,
    hasVoiceNote: false,
  };
  const inserted = await selectRows<{ number: string }>(
    tx,
    sql`
    WITH counter AS (
      INSERT INTO order_counters (site_id, day, last) VALUES (${row.siteId}, ${day}, 1)
      ON CONFLICT (site_id, day) DO UPDATE SET last = order_counters.last + 1
      RETURNING last
    )
    INSERT INTO orders (id, local_id, number, site_id, created_by, device_id, client_id, client_name, client_phone,
      delivery_address, delivery_date, priority, notes, delivery_status, payment_status,
      total_amount, paid_amount, version, delivered_at, created_at, updated_at)
    SELECT ${row.id}, ${row.localId},
      'CMD-' || to_char(${day}::date, 'YYYYMMDD') || '-'
        || lpad(counter.last::text, greatest(4, length(counter.last::text)), '0'),
      ${row.siteId}, ${row.createdBy}, ${row.deviceId}, ${row.clientId}, ${row.clientName}, ${row.clientPhone},
      ${row.deliveryAddress}, ${row.deliveryDate}, ${row.priority}, ${row.notes}, ${row.deliveryStatus},
      ${row.paymentStatus}, ${row.totalAmount}, 0, 1, ${row.deliveredAt?.toISOString() ?? null}::timestamptz,
      ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
    FROM counter
    ON CONFLICT (local_id) DO NOTHING
    RETURNING number`,
  );
  const number = inserted[0]?.number;
  return number ? { ...row, number } : undefined;
}

/**
 * Takes back the day's last number after `insertNumberedOrder` found its local_id taken: only in
 * the write that took it, which holds the counter row's lock, so no later number exists.
 */
export async function giveNumberBack(tx: Db, siteId: string, day: string): Promise<void> {
  await tx
    .update(orderCounters)
    .set({ last: sql`${orderCounters.last} - 1` })
    .where(and(eq(orderCounters.siteId, siteId), eq(orderCounters.day, day)));
}

export async function insertItems(
  tx: Db,
  orderId: string,
  items: { productId: string; quantity: number; unitPrice: number }[],
): Promise<OrderItemRow[]> {
  return tx
    .insert(orderItems)
    .values(
      items.map((item) => ({
        id: uuidv7(),
        orderId,
        productId: item.productId,
        quantity: item.quantity,
        unitPrice: item.unitPrice,
        subtotal: item.quantity * item.unitPrice,
      })),
    )
    .returning();
}

// Every change of an order goes through the statements below (lock, status, read back): they are
// written out and prepared (queryPrepared) rather than built per call, since a delivery runs them
// all. `o` is the order; the columns come back as an `OrderRow`, dates as text as Drizzle reads them.
export const ORDER_ROW_COLUMNS = `o.id, o.local_id AS "localId", o.number, o.site_id AS "siteId",
  o.created_by AS "createdBy", o.device_id AS "deviceId", o.client_id AS "clientId", o.client_name AS "clientName",
  o.client_phone AS "clientPhone", o.delivery_address AS "deliveryAddress",
  o.delivery_date::text AS "deliveryDate", o.priority, o.notes, o.delivery_status AS "deliveryStatus",
  o.payment_status AS "paymentStatus", o.total_amount AS "totalAmount", o.paid_amount AS "paidAmount",
  o.returned_amount AS "returnedAmount", o.version, o.delivered_at AS "deliveredAt", o.cancelled_at AS "cancelledAt", o.created_at AS "createdAt",
  o.updated_at AS "updatedAt", o.has_voice_note AS "hasVoiceNote"`;

export async function findItems(db: Db, orderId: string): Promise<OrderItemRow[]> {
  return queryPrepared<OrderItemRow>(
    db,
    'order_items_of',
    `SELECT id, order_id AS "orderId", product_id AS "productId", quantity, unit_price AS "unitPrice",
       subtotal, returned_quantity AS "returnedQuantity"
     FROM order_items WHERE order_id = $1 ORDER BY id`,
    [orderId],
  );
}

export async function updateOrder(
  tx: Db,
  id: string,
  changes: Partial<typeof orders.$inferInsert>,
  version: number,
): Promise<OrderRow> {
  const [row] = await tx
    .update(orders)
    .set({ ...changes, version: version + 1, updatedAt: new Date() })
    .where(eq(orders.id, id))
    .returning();
  return row!;
}

const READ_ORDER_SQL = `
SELECT ${ORDER_ROW_COLUMNS}, u.full_name AS "createdByName",
  coalesce((
    SELECT json_agg(json_build_object('id', i.id, 'product_id', i.product_id, 'product_name', p.name,
      'quantity', i.quantity, 'unit_price', i.unit_price, 'subtotal', i.subtotal,
      'returned_quantity', i.returned_quantity) ORDER BY p.name, i.id)
    FROM order_items i JOIN products p ON p.id = i.product_id WHERE i.order_id = o.id), '[]'::json) AS items,
  coalesce((
    SELECT json_agg(json_build_object('id', pay.id, 'amount', pay.amount, 'method', pay.method,
      'kind', CASE WHEN pay.method = 'avoir' THEN
          CASE WHEN pay.amount < 0 THEN 'avoir_sortant' ELSE 'avoir_entrant' END
        WHEN pay.amount < 0 THEN 'remboursement' ELSE 'paiement' END,
      'reference', pay.reference, 'linked_order_id', lo.id, 'linked_order_number', lo.number,
      'recorded_by', pay.recorded_by, 'recorded_by_name', pu.full_name,
      'device_id', pay.device_id, 'device_name', pd.name,
      'created_at', ${isoTextRaw('pay.created_at')}) ORDER BY pay.created_at, pay.id)
    FROM payments pay LEFT JOIN users pu ON pu.id = pay.recorded_by
      LEFT JOIN devices pd ON pd.id = pay.device_id
      -- A credit moved: the other half of the pair (in names its source; out is named by it).
      LEFT JOIN payments lp ON pay.method = 'avoir'
        AND (lp.id = pay.credit_source_id OR lp.credit_source_id = pay.id)
      LEFT JOIN orders lo ON lo.id = lp.order_id
    WHERE pay.order_id = o.id), '[]'::json) AS payments,
  coalesce((
    SELECT json_agg(json_build_object('id', r.id, 'reason', r.reason, 'items', r.items,
      'created_by', r.created_by, 'created_at', ${isoTextRaw('r.created_at')}) ORDER BY r.created_at, r.id)
    FROM order_returns r WHERE r.order_id = o.id), '[]'::json) AS returns,
  coalesce((
    SELECT json_agg(${VOICE_NOTE_JSON} ORDER BY v.created_at, v.id)
    FROM voice_notes v WHERE v.order_id = o.id), '[]'::json) AS "voiceNotes"
FROM orders o LEFT JOIN users u ON u.id = o.created_by
WHERE ${keyIn('o.id', '$1')}
ORDER BY o.id`;

/**
 * The order with its items, payments and returns. With `lock`, the order row stays locked for
 * the rest of the transaction: every change of status, payment or content starts so.
 */
export async function readOrder(
  db: Db,
  id: string,
  options: { lock: boolean } = { lock: false },
): Promise<OrderAggregate | undefined> {
  return (await readOrders(db, [id], options))[0];
}

/** `readOrder` for several orders in one statement, in id order (the order their locks are taken in). */
export async function readOrders(
  db: Db,
  ids: string[],
  options: { lock: boolean } = { lock: false },
): Promise<OrderAggregate[]> {
  const rows = await queryPrepared<
    OrderRow & {
      createdByName: string | null;
      items: unknown;
      payments: unknown;
      returns: unknown;
      voiceNotes: unknown;
    }
  >(
    db,
    options.lock ? 'order_read_lock' : 'order_read',
    options.lock ? `${READ_ORDER_SQL} FOR UPDATE OF o` : READ_ORDER_SQL,
    [ids],
  );
  return rows.map(({ createdByName, items, payments, returns, voiceNotes, ...order }) => ({
    order,
    createdByName,
    items: parseJson(items as OrderItem[]),
    payments: parseJson(payments as Payment[]),
    returns: parseJson(returns as OrderReturn[]),
    voiceNotes: parseJson(voiceNotes as VoiceNote[]),
  }));
}

function parseJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/**
 * An order's `OrderSummary` as JSON text, built by PostgreSQL for the list: a page of 200 orders
 * goes out without being parsed into objects, mapped and serialized again in the server (the
 * list's cost, bench/RESULTS.md). The same fields as `toOrderSummary` (order-dto.ts), which the
 * single-order endpoints use; order-list.test.ts checks the two agree field for field.
 */
const ORDER_SUMMARY_JSON = jsonObjectText({
  id: jsonText.token(orders.id),
  local_id: jsonText.token(orders.localId),
  number: jsonText.string(orders.number),
  site_id: jsonText.token(orders.siteId),
  created_by: jsonText.token(orders.createdBy),
  created_by_name: jsonText.string(users.fullName),
  device_id: jsonText.token(orders.deviceId),
  client_id: jsonText.token(orders.clientId),
  client_name: jsonText.string(orders.clientName),
  client_phone: jsonText.string(orders.clientPhone),
  delivery_address: jsonText.string(orders.deliveryAddress),
  delivery_date: jsonText.date(orders.deliveryDate),
  priority: jsonText.token(orders.priority),
  notes: jsonText.string(orders.notes),
  delivery_status: jsonText.token(orders.deliveryStatus),
  payment_status: jsonText.token(orders.paymentStatus),
  total_amount: jsonText.number(orders.totalAmount),
  paid_amount: jsonText.number(orders.paidAmount),
  returned_amount: jsonText.number(orders.returnedAmount),
  balance: jsonText.number(sql`greatest(0, ${orderDueSql} - ${orders.paidAmount})`),
  credit: jsonText.number(sql`greatest(0, ${orders.paidAmount} - ${orderDueSql})`),
  version: jsonText.number(orders.version),
  delivered_at: jsonText.time(orders.deliveredAt),
  cancelled_at: jsonText.time(orders.cancelledAt),
  created_at: jsonText.time(orders.createdAt),
  updated_at: jsonText.time(orders.updatedAt),
  has_voice_note: jsonText.boolean(orders.hasVoiceNote),
});

/**
 * A page of the list: each order's summary as JSON text, with its id and sort key for the cursor.
 * Not awaited here, so the benchmark can EXPLAIN the exact statement (`.toSQL()`).
 * The limit is written into the text, not sent as a parameter (see `orderListStatement`).
 */
export function selectOrderPage(
  db: Db,
  options: {
    where: SQL | undefined;
    sortKey: SQL;
    /** Also the creation instant as text, for a cursor whose ties go by creation. */
    withCreatedAtKey?: boolean;
    orderBy: SQL[];
    limit: number;
    /**
     * Plan for the first rows (`LIMIT (SELECT n)`): see `orderListStatement`. Otherwise the limit
     * is a literal and PostgreSQL plans for exactly that many rows of its estimate.
     */
    firstRows?: boolean;
  },
) {
  if (!Number.isSafeInteger(options.limit) || options.limit < 1)
    throw new Error('limit must be a positive integer');
  // Drizzle sends a number as a parameter and writes an SQL chunk as it is.
  const literalLimit = sql.raw(
    options.firstRows ? `(SELECT ${options.limit})` : String(options.limit),
  ) as unknown as number;
  return db
    .select({
      id: orders.id,
      // Named, so the statement's rows read the same run raw (listOrdersJson) or through Drizzle.
      summaryJson: sql<string>`${ORDER_SUMMARY_JSON}`.as('summaryJson'),
      sortKey: sql<string>`(${options.sortKey})::text`.as('sortKey'),
      ...(options.withCreatedAtKey
        ? { createdAtKey: sql<string>`${orders.createdAt}::text`.as('createdAtKey') }
        : {}),
    })
    .from(orders)
    .leftJoin(users, eq(users.id, orders.createdBy))
    .where(options.where)
    .orderBy(...options.orderBy)
    .limit(literalLimit);
}

/**
 * How many orders match, counting at most `cap` of them (the list's count: a count of a whole
 * site's 100 000 orders cost 27 ms of PostgreSQL, bench/RESULTS.md).
 */
export function countOrdersQuery(db: Db, where: SQL | undefined, cap: number) {
  const matching = db
    .select({ one: sql`1`.as('one') })
    .from(orders)
    .where(where)
    .limit(cap)
    .as('matching');
  return db.select({ count: sql<number>`count(*)::int` }).from(matching);
}

/** What each lot still holds of this order's sale: sold minus already returned, per product and lot. */
export async function returnableLots(
  tx: Db,
  orderId: string,
): Promise<{ productId: string; lotId: string; quantity: number }[]> {
  const rows = await selectRows<{ product_id: string; lot_id: string; quantity: number }>(
    tx,
    sql`SELECT product_id, lot_id, (-sum(quantity))::int AS quantity
        FROM stock_movements
        WHERE order_id = ${orderId} AND type IN ('vente', 'retour')
        GROUP BY product_id, lot_id
        HAVING -sum(quantity) > 0
        ORDER BY product_id, min(id)`,
  );
  return rows.map((row) => ({
    productId: row.product_id,
    lotId: row.lot_id,
    quantity: Number(row.quantity),
  }));
}

/** Whether the site exists and is active (an admin creating an order for a site names it). */
export async function isSiteActive(db: Db, siteId: string): Promise<boolean> {
  const [site] = await db.select({ isActive: sites.isActive }).from(sites).where(eq(sites.id, siteId));
  return site?.isActive === true;
}

/** Replaces the order's items (content edits while `nouvelle`). */
export async function replaceItems(
  tx: Db,
  orderId: string,
  lines: { productId: string; quantity: number; unitPrice: number }[],
): Promise<void> {
  await tx.delete(orderItems).where(eq(orderItems.orderId, orderId));
  await insertItems(tx, orderId, lines);
}

export async function insertPayment(tx: Db, values: typeof payments.$inferInsert) {
  const [payment] = await tx.insert(payments).values(values).returning();
  return payment!;
}

/** Adds returned quantities to the order's items and records the return. */
export async function insertReturn(
  tx: Db,
  values: typeof orderReturns.$inferInsert,
  lines: { itemId: string; quantity: number }[],
) {
  for (const line of lines) {
    await tx
      .update(orderItems)
      .set({ returnedQuantity: sql`${orderItems.returnedQuantity} + ${line.quantity}` })
      .where(eq(orderItems.id, line.itemId));
  }
  const [record] = await tx.insert(orderReturns).values(values).returning();
  return record!;
}

/**
 * Moves locked orders to `status` (stamping delivery or cancellation at `at`, bumping their
 * versions) and stores their notifications and audit rows (`notificationValues`, `auditValues`)
 * in the same statement (orders/order-status-change.ts). The stored notifications come back once,
 * on the first row.
 */
export async function writeStatusRows(
  tx: Db,
  change: { ids: string[]; status: string; at: Date; notifications: string; audits: string },
): Promise<(OrderRow & { stored: InsertedNotification[] | null })[]> {
  return queryPrepared<OrderRow & { stored: InsertedNotification[] | null }>(
    tx,
    'order_write_status',
    // Data-modifying WITH: each part runs once, whether the final SELECT reads it or not.
    `WITH changed AS (
       UPDATE orders AS o SET delivery_status = $2::text::delivery_status, version = o.version + 1,
         delivered_at = CASE WHEN $2::text = 'livree' THEN $3::timestamptz ELSE o.delivered_at END,
         cancelled_at = CASE WHEN $2::text = 'annulee' THEN $3::timestamptz ELSE o.cancelled_at END,
         updated_at = $3::timestamptz
       WHERE ${keyIn('o.id', '$1')}
       RETURNING ${ORDER_ROW_COLUMNS}
     ), stored AS (${notificationsInsertSql('$4')}
     ), audited AS (${auditInsertSql('$5')})
     SELECT c.*, CASE WHEN row_number() OVER () = 1 THEN (SELECT json_agg(s) FROM stored s) END AS stored
     FROM changed c`,
    [change.ids, change.status, change.at.toISOString(), change.notifications, change.audits],
  );
}
