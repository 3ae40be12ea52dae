import { randomUUID } from 'node:crypto';
import type { SyncMutationArgs, SyncMutationResult } from '@gapal/shared';
import { sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../db/client.ts';
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
  const rows = await selectRows<{ number: string }>(
    db,
    sql`
    WITH claim AS (
      UPDATE devices SET last_seq = ${mutation.seq}, last_seen_at = ${at}::timestamptz
      WHERE id = ${input.deviceId} AND last_seq = ${mutation.seq - 1} AND revoked_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM orders WHERE local_id = ${row.localId})
      RETURNING id
    ), counter AS (
      INSERT INTO order_counters (site_id, day, last) SELECT ${row.siteId}, ${input.day}, 1 FROM claim
      ON CONFLICT (site_id, day) DO UPDATE SET last = order_counters.last + 1
      RETURNING last
    ), created AS (
      INSERT INTO orders (id, local_id, number, site_id, created_by, device_id, client_name, client_phone,
        delivery_address, delivery_date, priority, notes, delivery_status, payment_status,
        total_amount, paid_amount, version, created_at, updated_at)
      SELECT ${row.id}, ${row.localId},
        'CMD-' || to_char(${input.day}::date, 'YYYYMMDD') || '-'
          || lpad(counter.last::text, greatest(4, length(counter.last::text)), '0'),
        ${row.siteId}, ${row.createdBy}, ${row.deviceId}, ${row.clientName}, ${row.clientPhone},
        ${row.deliveryAddress}, ${row.deliveryDate}, ${row.priority}, ${row.notes}, 'nouvelle',
        ${row.paymentStatus}, ${totalAmount}, 0, 1, ${at}::timestamptz, ${at}::timestamptz
      FROM counter
      RETURNING id, number
    ), items AS (
      INSERT INTO order_items (order_id, product_id, quantity, unit_price, subtotal)
      SELECT created.id, line.product_id, line.quantity, line.unit_price, line.quantity * line.unit_price
      FROM created,
        unnest(${`{${lines.map((line) => line.productId).join(',')}}`}::uuid[],
               ${`{${lines.map((line) => line.quantity).join(',')}}`}::int[],
               ${`{${lines.map((line) => line.unitPrice).join(',')}}`}::int[])
          AS line(product_id, quantity, unit_price)
    ), audit AS (
      INSERT INTO audit_log (user_id, device_id, site_id, action, entity, entity_id, after, request_id, ip)
      SELECT ${actor.userId}, ${input.deviceId}, ${row.siteId}, 'order.create', 'order', created.id::text,
        ${JSON.stringify(auditAfter)}::jsonb || jsonb_build_object('number', created.number),
        ${actor.requestId}, ${actor.ip}
      FROM created
    ), stored AS (
      INSERT INTO sync_mutations (id, device_id, seq, name, status, result)
      SELECT ${mutation.id}, ${input.deviceId}, ${mutation.seq}, 'create_order', 'applied',
        jsonb_set(${JSON.stringify(result)}::jsonb, '{order,number}', to_jsonb(created.number))
      FROM created
    )
    SELECT number FROM created`,
  );
  const number = rows[0]?.number;
  if (!number) return undefined;
  return { ...result, status: 'applied', order: { ...result.order, number } } as SyncMutationResult;
}
