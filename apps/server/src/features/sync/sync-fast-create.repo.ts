import type { SyncMutationArgs, SyncMutationResult } from '@gapal/shared';
import { uuidv7 } from '@gapal/shared';
import { type Db, queryPrepared } from '../../db/client.ts';
import { postgresErrorCode } from '../../db/database-errors.ts';
import type { Actor } from '../../domain/actor.ts';
import { paymentStatusOf } from '../orders/order-rules.ts';

export type PricedLine = { productId: string; quantity: number; unitPrice: number };

export type FastOrder = {
  mutation: { id: string; seq: number };
  args: SyncMutationArgs['create_order'];
  lines: PricedLine[];
};

/**
 * The common case of a push, a run of orders created offline, as ONE autocommitted prepared
 * statement: it claims the device's sequences for the whole run (a conditional update of the
 * device row, which also serializes that device's retries) and inserts the orders, their items,
 * their audit rows and the stored mutation results. Same rows as `createOrder` (orders.service.ts),
 * which the sync falls back to for everything this path does not take; sync-push.test.ts checks
 * both give the same order.
 *
 * All or nothing: when the claim does not match (a retry raced this one, a local_id already
 * exists, a named client is not a live client of the site) or a unique index refuses a row,
 * nothing is written and this returns undefined; the caller then takes the general path, one
 * mutation per transaction, which tells why.
 *
 * A client an order names is taken as `activeClientForOrder` (clients/client-resolution.service.ts)
 * takes it: locked shared with the client it was merged into, if any, which must be a live client
 * of the site; the order names the survivor.
 *
 * The order numbers are taken first (`takeOrderNumbers`), as one block for the run, in their own
 * statement:
 * the site's counter row is the one row every vendor of the site writes, and holding it while
 * the orders are written would make them wait for each other. A run that is then refused leaves
 * a gap in the day's numbers (numbers are unique, not consecutive).
 */
export async function createOrdersFast(
  db: Db,
  actor: Actor,
  input: {
    deviceId: string;
    siteId: string;
    day: string;
    now: Date;
    orders: FastOrder[];
    /** The run's first order number (`takeOrderNumbers`). */
    firstNumber: number;
  },
): Promise<SyncMutationResult[] | undefined> {
  const { now, firstNumber } = input;
  const rows = input.orders.map((order, index) => orderRow(actor, input, order, now, firstNumber + index));
  const lines = input.orders.flatMap((order, index) =>
    order.lines.map((line) => ({ id: uuidv7(now.getTime()), orderId: rows[index]!.row.id, ...line })),
  );
  let created: { id: string; number: string }[];
  try {
    created = await queryPrepared(db, 'sync_create_orders', CREATE_ORDERS_SQL, [
      input.deviceId,
      input.siteId,
      actor.userId,
      now.toISOString(),
      input.day,
      input.orders[0]!.mutation.seq,
      input.orders.at(-1)!.mutation.seq,
      actor.requestId,
      actor.ip,
      rows.map(({ row }) => row.id),
      rows.map(({ row }) => row.localId),
      rows.map(({ sequenceNumber }) => sequenceNumber),
      rows.map(({ row }) => row.clientName),
      rows.map(({ row }) => row.clientPhone),
      rows.map(({ row }) => row.deliveryAddress),
      rows.map(({ row }) => row.deliveryDate),
      rows.map(({ row }) => row.priority),
      rows.map(({ row }) => row.notes),
      rows.map(({ row }) => row.paymentStatus),
      rows.map(({ row }) => row.totalAmount),
      rows.map(({ audit }) => JSON.stringify(audit)),
      rows.map(({ result }) => result.id),
      rows.map(({ result }) => result.seq),
      rows.map(({ result }) => JSON.stringify(result)),
      lines.map((line) => line.orderId),
      lines.map((line) => line.productId),
      lines.map((line) => line.quantity),
      lines.map((line) => line.unitPrice),
      lines.map((line) => line.id),
      rows.map(({ row }) => row.clientId),
    ]);
  } catch (error) {
    if (postgresErrorCode(error) === '23505') return undefined;
    throw error;
  }
  if (created.length !== rows.length) return undefined;
  const numbers = new Map(created.map((order) => [order.id, order.number]));
  return rows.map(
    ({ result }) =>
      ({
        ...result,
        order: { ...result.order, number: numbers.get(result.order.id)! },
      }) as SyncMutationResult,
  );
}

/** An order's row, its audit view and its mutation result, as the statement stores them. */
function orderRow(
  actor: Actor,
  input: { deviceId: string; siteId: string },
  { args, lines, mutation }: FastOrder,
  now: Date,
  sequenceNumber: number,
) {
  const totalAmount = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  const row = {
    id: uuidv7(now.getTime()),
    localId: args.local_id,
    siteId: input.siteId,
    createdBy: actor.userId,
    deviceId: input.deviceId,
    /** As the phone named it: the statement stores the client it is (a merged one's survivor). */
    clientId: args.client_id ?? null,
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
  // What `creationAuditView(row, lines)` records for a REST creation (no id, site, updatedAt or
  // empty field); the number and the client (the survivor of a merge) are added in SQL.
  const { id: _id, siteId: _siteId, updatedAt: _updatedAt, clientId: _clientId, ...audited } = row;
  const audit = {
    ...Object.fromEntries(Object.entries(audited).filter(([, value]) => value !== null)),
    items: lines.map((line) => ({
      product_id: line.productId,
      quantity: line.quantity,
      unit_price: line.unitPrice,
    })),
  };
  const result = {
    id: mutation.id,
    seq: mutation.seq,
    status: 'applied' as const,
    order: {
      id: row.id,
      local_id: row.localId,
      version: 1,
      delivery_status: 'nouvelle' as const,
      total_amount: totalAmount,
      paid_amount: 0,
    },
  };
  return { row, audit, result, sequenceNumber };
}

// $1 site, $2 business day, $3 how many numbers: returns the last one taken.
/** Takes `count` consecutive numbers of the site's day (one autocommitted statement); returns the first. */
export async function takeOrderNumbers(db: Db, siteId: string, day: string, count: number): Promise<number> {
  const [counter] = await queryPrepared<{ last: number }>(db, 'sync_take_numbers', TAKE_NUMBERS_SQL, [
    siteId,
    day,
    count,
  ]);
  return counter!.last - count + 1;
}

const TAKE_NUMBERS_SQL = `
INSERT INTO order_counters (site_id, day, last) VALUES ($1, $2::date, $3)
ON CONFLICT (site_id, day) DO UPDATE SET last = order_counters.last + $3
RETURNING last`;

// Planned once per connection (a named prepared statement). $1 device, $2 site, $3 user, $4 now,
// $5 business day, $6..$7 first and last sequence of the run, $8 request id, $9 ip; then one
// array per order column ($10..$24, in the order of the run), per item column ($25..$29), and the
// client each order names ($30, nulls for none).
// The server's own keys (order and item ids) are time-ordered (uuidv7, packages/shared).
// Enum columns travel as text[]: PGlite serializes an array parameter only for the array types
// it knew when it opened, and a database migrated by this very process is not one of them.
const CREATE_ORDERS_SQL = `
WITH run AS (
  SELECT * FROM unnest($10::uuid[], $11::uuid[], $12::int[], $13::text[], $14::text[], $15::text[],
    $16::date[], $17::text[], $18::text[], $19::text[], $20::int[], $21::jsonb[],
    $22::uuid[], $23::int[], $24::jsonb[], $30::uuid[]) WITH ORDINALITY
    AS o(id, local_id, n, client_name, client_phone, delivery_address, delivery_date, priority, notes,
      payment_status, total_amount, audit, mutation_id, seq, result, client_id, position)
), named AS (
  SELECT id, merged_into_id FROM clients WHERE id = ANY($30::uuid[]) FOR SHARE
), client AS (
  SELECT named.id AS requested_id, live.id
  FROM named JOIN clients live ON live.id = coalesce(named.merged_into_id, named.id)
  WHERE live.site_id = $2 AND live.is_active AND live.merged_into_id IS NULL
  FOR SHARE OF live
), claim AS (
  UPDATE devices SET last_seq = $7, last_seen_at = $4::timestamptz
  WHERE id = $1 AND last_seq = $6 - 1 AND revoked_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM orders WHERE local_id = ANY($11::uuid[]))
    AND NOT EXISTS (SELECT 1 FROM unnest($30::uuid[]) AS wanted(id)
      WHERE wanted.id IS NOT NULL AND wanted.id NOT IN (SELECT requested_id FROM client))
  RETURNING id
), created AS (
  INSERT INTO orders (id, local_id, number, site_id, created_by, device_id, client_id, client_name, client_phone,
    delivery_address, delivery_date, priority, notes, delivery_status, payment_status,
    total_amount, paid_amount, version, created_at, updated_at)
  SELECT run.id, run.local_id,
    'CMD-' || to_char($5::date, 'YYYYMMDD') || '-' || lpad(run.n::text, greatest(4, length(run.n::text)), '0'),
    $2, $3, $1, (SELECT client.id FROM client WHERE client.requested_id = run.client_id), run.client_name, run.client_phone, run.delivery_address, run.delivery_date, run.priority::priority,
    run.notes, 'nouvelle', run.payment_status::payment_status, run.total_amount, 0, 1, $4::timestamptz, $4::timestamptz
  FROM run, claim
  ORDER BY run.position
  RETURNING id, number, client_id
), items AS (
  INSERT INTO order_items (id, order_id, product_id, quantity, unit_price, subtotal)
  SELECT line.id, line.order_id, line.product_id, line.quantity, line.unit_price, line.quantity * line.unit_price
  FROM unnest($25::uuid[], $26::uuid[], $27::int[], $28::int[], $29::uuid[]) WITH ORDINALITY
    AS line(order_id, product_id, quantity, unit_price, id, position)
  WHERE EXISTS (SELECT 1 FROM claim)
  ORDER BY line.position
), audit AS (
  INSERT INTO audit_log (user_id, device_id, site_id, action, entity, entity_id, after, request_id, ip)
  SELECT $3, $1, $2, 'order.create', 'order', created.id::text,
    run.audit || jsonb_strip_nulls(jsonb_build_object('number', created.number, 'clientId', created.client_id)), $8, $9
  FROM created JOIN run ON run.id = created.id
  ORDER BY run.position
), stored AS (
  INSERT INTO sync_mutations (id, device_id, seq, name, status, result)
  SELECT run.mutation_id, $1, run.seq, 'create_order', 'applied',
    jsonb_set(run.result, '{order,number}', to_jsonb(created.number))
  FROM created JOIN run ON run.id = created.id
)
SELECT id, number FROM created`;
