import { randomUUID } from 'node:crypto';
import type { SyncMutationArgs, SyncMutationResult } from '@gapal/shared';
import { type Db, inPreparedTransaction, type PreparedQuery, queryPrepared } from '../../db/client.ts';
import type { Actor } from '../../http/auth.ts';
import { postgresErrorCode } from '../../http/errors.ts';
import { paymentStatusOf } from '../orders/order-rules.ts';

export type PricedLine = { productId: string; quantity: number; unitPrice: number };

export type FastOrder = {
  mutation: { id: string; seq: number };
  args: SyncMutationArgs['create_order'];
  lines: PricedLine[];
};

/**
 * The common case of a push, a run of orders created offline, in ONE transaction of one prepared
 * statement per order: each statement claims the device's next sequence (a conditional update of
 * the device row, which also serializes that device's retries), inserts the order, its items, its
 * audit row and the stored mutation result. Same rows as `createOrder` (orders.service.ts), which
 * the sync falls back to for everything this path does not take; sync-push.test.ts checks both
 * give the same order.
 *
 * All or nothing: when any claim does not match (a retry raced this one, a local_id already
 * exists) or a unique index refuses a row, everything is rolled back and this returns undefined;
 * the caller then takes the general path, one mutation at a time, which tells why.
 *
 * The order numbers are taken first, as one block for the run, in their own short transaction:
 * the site's counter row is the one row every vendor of the site writes, and holding it until a
 * whole batch commits would make them wait for each other. A rolled-back run leaves a gap in
 * the day's numbers (numbers are unique, not consecutive).
 */
export async function createOrdersFast(
  db: Db,
  actor: Actor,
  input: { deviceId: string; siteId: string; day: string; orders: FastOrder[] },
): Promise<SyncMutationResult[] | undefined> {
  const [counter] = await queryPrepared<{ last: number }>(db, 'sync_take_numbers', TAKE_NUMBERS_SQL, [
    input.siteId,
    input.day,
    input.orders.length,
  ]);
  const firstNumber = counter!.last - input.orders.length + 1;
  try {
    return await inPreparedTransaction(db, async (query) => {
      const results: SyncMutationResult[] = [];
      for (const [index, order] of input.orders.entries()) {
        const result = await insertOrder(query, actor, input, order, firstNumber + index);
        if (!result) throw new FastPathDeclined();
        results.push(result);
      }
      return results;
    });
  } catch (error) {
    if (error instanceof FastPathDeclined || postgresErrorCode(error) === '23505') return undefined;
    throw error;
  }
}

class FastPathDeclined extends Error {}

async function insertOrder(
  query: PreparedQuery,
  actor: Actor,
  input: { deviceId: string; siteId: string; day: string },
  { args, lines, mutation }: FastOrder,
  sequenceNumber: number,
): Promise<SyncMutationResult | undefined> {
  const now = new Date();
  const totalAmount = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  const row = {
    id: randomUUID(),
    localId: args.local_id,
    siteId: input.siteId,
    createdBy: actor.userId,
    deviceId: input.deviceId,
    clientName: args.client_name,
    clientPhone: args.client_phone ?? null,
    deliveryAddress: args.delivery_address ?? null,
    deliveryDate: args.delivery_date ?? null,
    priority: args.priority ?? 'moyenne',
    notes: args.notes ?? null,
    deliveryStatus: 'nouvelle' as const,
    paymentStatus: paymentStatusOf(0, totalAmount),
    totalAmount,
    paidAmount: 0,
    version: 1,
    deliveredAt: null,
    cancelledAt: null,
    createdAt: now,
    updatedAt: now,
  };
  // What `auditView(row, lines)` records for a REST creation; the number is added in SQL.
  const auditAfter = {
    ...row,
    items: lines.map((line) => ({
      product_id: line.productId,
      quantity: line.quantity,
      unit_price: line.unitPrice,
    })),
  };
  const result = {
    id: mutation.id,
    seq: mutation.seq,
    status: 'applied',
    order: {
      id: row.id,
      local_id: row.localId,
      version: 1,
      delivery_status: 'nouvelle',
      total_amount: totalAmount,
      paid_amount: 0,
    },
  };
  const at = now.toISOString();
  const rows = await query<{ number: string }>('sync_create_order', CREATE_ORDER_SQL, [
    mutation.seq,
    at,
    input.deviceId,
    row.localId,
    row.siteId,
    input.day,
    row.id,
    row.createdBy,
    row.clientName,
    row.clientPhone,
    row.deliveryAddress,
    row.deliveryDate,
    row.priority,
    row.notes,
    row.paymentStatus,
    totalAmount,
    `{${lines.map((line) => line.productId).join(',')}}`,
    `{${lines.map((line) => line.quantity).join(',')}}`,
    `{${lines.map((line) => line.unitPrice).join(',')}}`,
    actor.userId,
    JSON.stringify(auditAfter),
    actor.requestId,
    actor.ip,
    mutation.id,
    JSON.stringify(result),
    sequenceNumber,
  ]);
  const number = rows[0]?.number;
  if (!number) return undefined;
  return { ...result, status: 'applied', order: { ...result.order, number } } as SyncMutationResult;
}

// $1 site, $2 business day, $3 how many numbers: returns the last one taken.
const TAKE_NUMBERS_SQL = `
INSERT INTO order_counters (site_id, day, last) VALUES ($1, $2::date, $3)
ON CONFLICT (site_id, day) DO UPDATE SET last = order_counters.last + $3
RETURNING last`;

// Planned once per connection (a named prepared statement): planning this many CTEs costs more
// than running them. $1 seq, $2 now, $3 device, $4 local_id, $5 site, $6 business day,
// $26 the order's number in the day (formatted as `createOrder` does).
const CREATE_ORDER_SQL = `
WITH claim AS (
  UPDATE devices SET last_seq = $1, last_seen_at = $2::timestamptz
  WHERE id = $3 AND last_seq = $1 - 1 AND revoked_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM orders WHERE local_id = $4)
  RETURNING id
), created AS (
  INSERT INTO orders (id, local_id, number, site_id, created_by, device_id, client_name, client_phone,
    delivery_address, delivery_date, priority, notes, delivery_status, payment_status,
    total_amount, paid_amount, version, created_at, updated_at)
  SELECT $7, $4,
    'CMD-' || to_char($6::date, 'YYYYMMDD') || '-' || lpad($26::text, greatest(4, length($26::text)), '0'),
    $5, $8, $3, $9, $10, $11, $12::date, $13::priority, $14, 'nouvelle', $15::payment_status,
    $16, 0, 1, $2::timestamptz, $2::timestamptz
  FROM claim
  RETURNING id, number
), items AS (
  INSERT INTO order_items (order_id, product_id, quantity, unit_price, subtotal)
  SELECT created.id, line.product_id, line.quantity, line.unit_price, line.quantity * line.unit_price
  FROM created, unnest($17::uuid[], $18::int[], $19::int[]) AS line(product_id, quantity, unit_price)
), audit AS (
  INSERT INTO audit_log (user_id, device_id, site_id, action, entity, entity_id, after, request_id, ip)
  SELECT $20, $3, $5, 'order.create', 'order', created.id::text,
    $21::jsonb || jsonb_build_object('number', created.number), $22, $23
  FROM created
), stored AS (
  INSERT INTO sync_mutations (id, device_id, seq, name, status, result)
  SELECT $24, $3, $1, 'create_order', 'applied',
    jsonb_set($25::jsonb, '{order,number}', to_jsonb(created.number))
  FROM created
)
SELECT number FROM created`;
