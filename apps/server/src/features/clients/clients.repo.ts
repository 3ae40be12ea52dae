import type { ClientKind, PaymentMethod } from '@gapal/shared';
import { and, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../db/client.ts';
import { clients, orders, payments, users } from '../../db/schema.ts';
import { containsPattern } from '../../db/sql-helpers.ts';
import { ORDER_DUE_SQL } from '../orders/order-money.repo.ts';
import type { OrderRow } from '../orders/orders.repo.ts';

export type ClientRow = typeof clients.$inferSelect;
export type NewClient = Omit<typeof clients.$inferInsert, 'nameKey'>;

/** A client with who created it (by name). */
export type ClientWithCreator = ClientRow & { createdByName: string | null };

/** What the client owes and when they last ordered (see `ClientListItemSchema`). */
export type ClientFigures = {
  /** Negative: credit. */
  balance: number;
  orderCount: number;
  totalAmount: number;
  returnedAmount: number;
  paidAmount: number;
  lastOrderAt: Date | null;
};

/**
 * Σ over all the client's orders of due − paid (each order's balance less its credit, as
 * `orderMoney` in the shared package: a cancelled order is due nothing, what it was paid is credit);
 * the count, total and returned over orders not cancelled, paid over all (so balance = total −
 * returned − paid still holds); the latest order of any status.
 */
const FIGURES = `
  SELECT coalesce(sum(${ORDER_DUE_SQL} - o.paid_amount), 0)::int AS balance,
    count(*) FILTER (WHERE o.delivery_status <> 'annulee')::int AS order_count,
    coalesce(sum(o.total_amount) FILTER (WHERE o.delivery_status <> 'annulee'), 0)::int AS total_amount,
    coalesce(sum(o.returned_amount) FILTER (WHERE o.delivery_status <> 'annulee'), 0)::int AS returned_amount,
    coalesce(sum(o.paid_amount), 0)::int AS paid_amount,
    max(o.created_at) AS last_order_at
  FROM orders o WHERE o.client_id = c.id`;

const CLIENT_COLUMNS = `c.id, c.site_id AS "siteId", c.name, c.name_key AS "nameKey", c.phone, c.area,
  c.address, c.kind, c.notes, c.credit_limit AS "creditLimit", c.is_active AS "isActive",
  c.merged_into_id AS "mergedIntoId", c.created_by AS "createdBy", c.device_id AS "deviceId",
  c.created_at AS "createdAt", c.updated_at AS "updatedAt", c.version, u.full_name AS "createdByName"`;

type RawFigures = {
  balance: number;
  order_count: number;
  total_amount: number;
  returned_amount: number;
  paid_amount: number;
  last_order_at: Date | string | null;
};

function figuresOf(row: RawFigures): ClientFigures {
  return {
    balance: Number(row.balance),
    orderCount: Number(row.order_count),
    totalAmount: Number(row.total_amount),
    returnedAmount: Number(row.returned_amount),
    paidAmount: Number(row.paid_amount),
    lastOrderAt: row.last_order_at === null ? null : new Date(row.last_order_at),
  };
}

/** Node-postgres and PGlite both return timestamptz as Date; the generic read keeps them so. */
function clientOf(row: ClientWithCreator & Record<string, unknown>): ClientWithCreator {
  return {
    id: row.id,
    siteId: row.siteId,
    name: row.name,
    nameKey: row.nameKey,
    phone: row.phone,
    area: row.area,
    address: row.address,
    kind: row.kind as ClientKind,
    notes: row.notes,
    creditLimit: row.creditLimit === null ? null : Number(row.creditLimit),
    isActive: row.isActive,
    mergedIntoId: row.mergedIntoId,
    createdBy: row.createdBy,
    deviceId: row.deviceId,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
    version: Number(row.version),
    createdByName: row.createdByName,
  };
}

/** One client; `forUpdate` locks its row for the rest of the transaction. */
export async function findClientRow(db: Db, id: string, forUpdate = false): Promise<ClientRow | undefined> {
  const query = db.select().from(clients).where(eq(clients.id, id));
  const [row] = forUpdate ? await query.for('update') : await query;
  return row;
}

/**
 * One client locked FOR SHARE: an order being written for it keeps a merge (FOR UPDATE) waiting
 * until it commits, so the merge moves that order too.
 */
export async function lockClientShared(tx: Db, id: string): Promise<ClientRow | undefined> {
  const [row] = await tx.select().from(clients).where(eq(clients.id, id)).for('share');
  return row;
}

/** Locks clients in id order (a merge locks two: never two merges waiting on each other). */
export async function lockClientRows(tx: Db, ids: string[]): Promise<Map<string, ClientRow>> {
  const rows = await tx
    .select()
    .from(clients)
    .where(inArray(clients.id, ids))
    .orderBy(clients.id)
    .for('update');
  return new Map(rows.map((row) => [row.id, row]));
}

/** The live client (not merged) of the site with this phone, other than `exceptId`. */
export async function findClientByPhone(
  db: Db,
  siteId: string,
  phone: string,
  exceptId?: string,
): Promise<ClientRow | undefined> {
  const [row] = await db
    .select()
    .from(clients)
    .where(
      and(
        eq(clients.siteId, siteId),
        eq(clients.phone, phone),
        isNull(clients.mergedIntoId),
        exceptId ? ne(clients.id, exceptId) : undefined,
      ),
    );
  return row;
}

export async function insertClient(tx: Db, values: NewClient): Promise<ClientRow> {
  const [row] = await tx.insert(clients).values(values).returning();
  return row!;
}

export async function updateClientRow(
  tx: Db,
  id: string,
  values: Partial<Omit<NewClient, 'id' | 'siteId' | 'createdBy' | 'createdAt'>>,
): Promise<ClientRow> {
  const [row] = await tx
    .update(clients)
    .set({ ...values, version: sql`${clients.version} + 1`, updatedAt: new Date() })
    .where(eq(clients.id, id))
    .returning();
  return row!;
}

/** Moves every order of `fromId` to `toId`; returns how many moved. */
export async function moveOrders(tx: Db, fromId: string, toId: string): Promise<number> {
  const moved = await tx
    .update(orders)
    .set({ clientId: toId })
    .where(eq(orders.clientId, fromId))
    .returning({ id: orders.id });
  return moved.length;
}

/** Clients merged into `fromId` earlier now point at `toId` (no chains to follow). */
export async function repointMerged(tx: Db, fromId: string, toId: string): Promise<void> {
  await tx.update(clients).set({ mergedIntoId: toId }).where(eq(clients.mergedIntoId, fromId));
}

/** The client with its creator's name and its figures. */
export async function readClient(
  db: Db,
  id: string,
): Promise<{ client: ClientWithCreator; figures: ClientFigures } | undefined> {
  const [row] = await selectRows<ClientWithCreator & RawFigures>(
    db,
    sql`SELECT ${sql.raw(CLIENT_COLUMNS)}, f.*
      FROM clients c LEFT JOIN users u ON u.id = c.created_by
      CROSS JOIN LATERAL (${sql.raw(FIGURES)}) f
      WHERE c.id = ${id}`,
  );
  return row ? { client: clientOf(row), figures: figuresOf(row) } : undefined;
}

export type ClientPageFilter = {
  siteId?: string;
  isActive: boolean;
  kind?: ClientKind;
  /** Folded as the names are (`foldClientName`). */
  nameSearch?: string;
  /** The digits of the search, when it has some. */
  phoneDigits?: string;
};

export type ClientPageSort = {
  sort: 'name' | 'last_order_at';
  direction: 'asc' | 'desc';
  after?: { key: string; id: string };
  limit: number;
};

/** One page of the directory, `limit + 1` rows (the extra one says a next page exists). */
export async function selectClientPage(
  db: Db,
  filter: ClientPageFilter,
  page: ClientPageSort,
): Promise<Array<{ client: ClientWithCreator; figures: ClientFigures; sortKey: string }>> {
  const conditions = [sql`c.is_active = ${filter.isActive}`];
  if (filter.siteId) conditions.push(sql`c.site_id = ${filter.siteId}`);
  if (filter.kind) conditions.push(sql`c.kind = ${filter.kind}`);
  const search = [];
  if (filter.nameSearch) search.push(sql`c.name_key LIKE ${containsPattern(filter.nameSearch)}`);
  if (filter.phoneDigits) search.push(sql`c.phone LIKE ${containsPattern(filter.phoneDigits)}`);
  if (search.length > 0) conditions.push(sql`(${sql.join(search, sql` OR `)})`);
  // Never-ordered clients sort as the earliest instant: last when newest first.
  const key =
    page.sort === 'name'
      ? sql.raw('x.name_key')
      : sql.raw(`coalesce(x.last_order_at, '-infinity'::timestamptz)`);
  const cast = page.sort === 'name' ? sql.raw('text') : sql.raw('timestamptz');
  const direction = sql.raw(page.direction === 'asc' ? 'ASC' : 'DESC');
  const after = page.after
    ? sql`WHERE (${key}, x.id) ${sql.raw(page.direction === 'asc' ? '>' : '<')} (${page.after.key}::${cast}, ${page.after.id}::uuid)`
    : sql``;
  const rows = await selectRows<ClientWithCreator & RawFigures & { sort_key: string }>(
    db,
    sql`SELECT x.*, ${key}::text AS sort_key FROM (
        SELECT ${sql.raw(CLIENT_COLUMNS)}, c.name_key, f.*
        FROM clients c LEFT JOIN users u ON u.id = c.created_by
        CROSS JOIN LATERAL (${sql.raw(FIGURES)}) f
        WHERE ${sql.join(conditions, sql` AND `)}
      ) x
      ${after}
      ORDER BY ${key} ${direction}, x.id ${direction}
      LIMIT ${sql.raw(String(page.limit + 1))}`,
  );
  return rows.map((row) => ({ client: clientOf(row), figures: figuresOf(row), sortKey: row.sort_key }));
}

/** The client's newest orders (any status), with their creator's name. */
export async function selectClientOrders(
  db: Db,
  clientId: string,
  limit: number,
): Promise<Array<{ order: OrderRow; createdByName: string | null }>> {
  return db
    .select({ order: orders, createdByName: users.fullName })
    .from(orders)
    .leftJoin(users, eq(users.id, orders.createdBy))
    .where(eq(orders.clientId, clientId))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit);
}

export type ClientPaymentRow = {
  id: string;
  orderId: string;
  orderNumber: string;
  amount: number;
  method: PaymentMethod;
  reference: string | null;
  createdAt: Date;
};

/** The payments on the client's orders, newest first. */
export async function selectClientPayments(
  db: Db,
  clientId: string,
  limit: number,
): Promise<ClientPaymentRow[]> {
  return db
    .select({
      id: payments.id,
      orderId: payments.orderId,
      orderNumber: orders.number,
      amount: payments.amount,
      // Typed as the API's methods: what the table may hold beyond them is the money part's to show.
      method: sql<PaymentMethod>`${payments.method}`,
      reference: payments.reference,
      createdAt: payments.createdAt,
    })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(eq(orders.clientId, clientId))
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(limit);
}

export type StatementRow = {
  kind: 'order' | 'return' | 'payment';
  at: Date;
  orderId: string;
  orderNumber: string;
  method: PaymentMethod | null;
  reference: string | null;
  /** Signed as it counts for the client: + an order or a refund, − a return or money received. */
  amount: number;
  /** For a payment row: its own amount (negative for a refund or a credit moved out). */
  paymentAmount: number | null;
};

/**
 * A statement's figures for a period: what was owed before its first day and the lines of the
 * period, oldest first: orders taken (not cancelled: they are due nothing), their returns (at the
 * order's prices), the payment rows of all the client's orders, cancelled ones too (money in,
 * refunds, credits moved between the client's orders): the closing balance is the client's.
 */
export async function selectStatement(
  db: Db,
  clientId: string,
  period: { from: string; to: string; timeZone: string },
): Promise<{ opening: number; lines: StatementRow[] }> {
  // The period's inclusive calendar days in the business time zone, as instants.
  const start = sql`(${period.from}::date::timestamp AT TIME ZONE ${period.timeZone})`;
  const end = sql`((${period.to}::date + 1)::timestamp AT TIME ZONE ${period.timeZone})`;
  const lines = sql`
    SELECT 'order' AS kind, o.created_at AS at, o.id AS order_id, o.number AS order_number,
      NULL::payment_method AS method, NULL AS reference, o.total_amount AS amount,
      NULL::int AS payment_amount, o.id AS line_id
    FROM orders o WHERE o.client_id = ${clientId} AND o.delivery_status <> 'annulee'
    UNION ALL
    SELECT 'return', r.created_at, o.id, o.number, NULL, r.reason,
      -(SELECT coalesce(sum((x->>'quantity')::int * i.unit_price), 0)
        FROM jsonb_array_elements(r.items) x JOIN order_items i ON i.id = (x->>'item_id')::uuid)::int,
      NULL, r.id
    FROM order_returns r JOIN orders o ON o.id = r.order_id
    WHERE o.client_id = ${clientId} AND o.delivery_status <> 'annulee'
    UNION ALL
    SELECT 'payment', p.created_at, o.id, o.number, p.method, p.reference, -p.amount, p.amount, p.id
    FROM payments p JOIN orders o ON o.id = p.order_id
    WHERE o.client_id = ${clientId}`;
  const [opening] = await selectRows<{ opening: number }>(
    db,
    sql`SELECT coalesce(sum(l.amount), 0)::int AS opening FROM (${lines}) l WHERE l.at < ${start}`,
  );
  const rows = await selectRows<{
    kind: 'order' | 'return' | 'payment';
    at: Date | string;
    order_id: string;
    order_number: string;
    method: PaymentMethod | null;
    reference: string | null;
    amount: number;
    payment_amount: number | null;
  }>(
    db,
    sql`SELECT l.* FROM (${lines}) l WHERE l.at >= ${start} AND l.at < ${end}
        ORDER BY l.at, array_position(ARRAY['order', 'return', 'payment'], l.kind), l.line_id`,
  );
  return {
    opening: Number(opening?.opening ?? 0),
    lines: rows.map((line) => ({
      kind: line.kind,
      at: new Date(line.at),
      orderId: line.order_id,
      orderNumber: line.order_number,
      method: line.method,
      reference: line.reference,
      amount: Number(line.amount),
      paymentAmount: line.payment_amount === null ? null : Number(line.payment_amount),
    })),
  };
}

/**
 * The site's clients as the sync pull carries them, with their figures: every active one for a
 * first sync, or those of `ids` (of any state: the caller sends the others as removals).
 */
export async function selectSyncClients(
  db: Db,
  siteId: string,
  ids?: string[],
): Promise<Array<{ client: ClientWithCreator; figures: ClientFigures }>> {
  const which = ids
    ? sql`c.id IN (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql`c.is_active`;
  const rows = await selectRows<ClientWithCreator & RawFigures>(
    db,
    sql`SELECT ${sql.raw(CLIENT_COLUMNS)}, f.*
      FROM clients c LEFT JOIN users u ON u.id = c.created_by
      CROSS JOIN LATERAL (${sql.raw(FIGURES)}) f
      WHERE c.site_id = ${siteId} AND ${which}
      ORDER BY c.name_key, c.id`,
  );
  return rows.map((row) => ({ client: clientOf(row), figures: figuresOf(row) }));
}
