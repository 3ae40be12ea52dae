import { randomUUID } from 'node:crypto';
import type { SyncMutationArgs, SyncMutationResult } from '@gapal/shared';
import { type Db, queryPrepared } from '../../db/client.ts';
import type { Actor } from '../../http/auth.ts';
import { paymentStatusOf } from '../orders/order-rules.ts';

export type PricedLine = { productId: string; quantity: number; unitPrice: number };

/**
 * The common case of a push, an order created offline, as ONE autocommitted statement: it claims
 * the device's next sequence (a conditional update of the device row, which also serializes that
 * device's retries), takes the order number, inserts the order, its items, its audit row and the
 * stored mutation result. Same rows as `createOrder` (orders.service.ts), which the sync falls back
 * to for everything this path does not take; sync.test.ts checks both give the same order.
 *
 * Returns undefined when the claim did not match (not the next sequence, or the local_id already
 * exists): nothing was written and the caller takes the general path, which tells why.
 * A unique violation (the same local_id or mutation id committed meanwhile) throws 23505.
 */
export async function createOrderFast(
  db: Db,
  actor: Actor,
  input: {
    deviceId: string;
    siteId: string;
    day: string;
    mutation: { id: string; seq: number };
    args: SyncMutationArgs['create_order'];
    lines: PricedLine[];
  },
): Promise<SyncMutationResult | undefined> {
  const { args, lines, mutation } = input;
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
  const rows = await queryPrepared<{ number: string }>(db, 'sync_create_order', CREATE_ORDER_SQL, [
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
  ]);
  const number = rows[0]?.number;
  if (!number) return undefined;
  return { ...result, status: 'applied', order: { ...result.order, number } } as SyncMutationResult;
}

// Planned once per connection (a named prepared statement): planning this many CTEs costs more
// than running them. $1 seq, $2 now, $3 device, $4 local_id, $5 site, $6 business day.
const CREATE_ORDER_SQL = `
WITH claim AS (
  UPDATE devices SET last_seq = $1, last_seen_at = $2::timestamptz
  WHERE id = $3 AND last_seq = $1 - 1 AND revoked_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM orders WHERE local_id = $4)
  RETURNING id
), counter AS (
  INSERT INTO order_counters (site_id, day, last) SELECT $5, $6::date, 1 FROM claim
  ON CONFLICT (site_id, day) DO UPDATE SET last = order_counters.last + 1
  RETURNING last
), created AS (
  INSERT INTO orders (id, local_id, number, site_id, created_by, device_id, client_name, client_phone,
    delivery_address, delivery_date, priority, notes, delivery_status, payment_status,
    total_amount, paid_amount, version, created_at, updated_at)
  SELECT $7, $4,
    'CMD-' || to_char($6::date, 'YYYYMMDD') || '-'
      || lpad(counter.last::text, greatest(4, length(counter.last::text)), '0'),
    $5, $8, $3, $9, $10, $11, $12::date, $13::priority, $14, 'nouvelle', $15::payment_status,
    $16, 0, 1, $2::timestamptz, $2::timestamptz
  FROM counter
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
