import { createHash } from 'node:crypto';
import { ORDER_SORTS, type OrderListFilter, type OrderListQuery } from '@gapal/shared';
import { and, eq, gte, ilike, lte, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Db, queryPrepared } from '../../db/client.ts';
import { orders } from '../../db/schema.ts';
import type { Actor } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { decodeCursor, encodeCursor, withCursorKey } from '../../lib/cursor.ts';
import { periodConditions } from '../../lib/period.ts';
import { scopeSite } from '../../lib/site-scope.ts';
import { countOrdersQuery, selectOrderPage } from './orders.repo.ts';

/**
 * Each sort is an expression plus the type its cursor value is cast back to. The cursor
 * carries the value as PostgreSQL text, so timestamps keep their microseconds and keyset
 * pages never skip or repeat a row. `id` breaks ties.
 */
const SORTS = {
  created_at: { expression: sql`${orders.createdAt}`, cast: sql.raw('timestamptz') },
  // Orders without a delivery date sort last in ascending order.
  delivery_date: {
    expression: sql`coalesce(${orders.deliveryDate}, 'infinity'::date)`,
    cast: sql.raw('date'),
  },
  priority: { expression: sql`${orders.priority}`, cast: sql.raw('priority') },
  total_amount: { expression: sql`${orders.totalAmount}`, cast: sql.raw('integer') },
  delivery_status: { expression: sql`${orders.deliveryStatus}`, cast: sql.raw('delivery_status') },
} satisfies Record<(typeof ORDER_SORTS)[number], { expression: SQL; cast: SQL }>;

const CursorSchema = z.object({
  sort: z.enum(ORDER_SORTS),
  direction: z.enum(['asc', 'desc']),
  key: z.string().max(64),
  id: z.uuid(),
});

/** Vendors see their own orders, other roles their site's, the admin every site (or the one asked). */
function scopeConditions(actor: Actor, filter: OrderListFilter, timeZone: string): SQL[] {
  const conditions: SQL[] = [];
  const siteId = scopeSite(actor, filter.site_id);
  if (siteId) conditions.push(eq(orders.siteId, siteId));
  if (actor.role === 'vendeur') conditions.push(eq(orders.createdBy, actor.userId));
  if (filter.created_by) conditions.push(eq(orders.createdBy, filter.created_by));
  if (filter.delivery_status) conditions.push(eq(orders.deliveryStatus, filter.delivery_status));
  if (filter.payment_status) conditions.push(eq(orders.paymentStatus, filter.payment_status));
  if (filter.priority) conditions.push(eq(orders.priority, filter.priority));
  if (filter.delivery_from && filter.delivery_to && filter.delivery_from > filter.delivery_to) {
    throw new AppError('validation_error', 'La date de début est après la date de fin', {
      fields: [{ field: 'delivery_from', message: 'après la date de fin' }],
    });
  }
  if (filter.delivery_from) conditions.push(gte(orders.deliveryDate, filter.delivery_from));
  if (filter.delivery_to) conditions.push(lte(orders.deliveryDate, filter.delivery_to));
  conditions.push(...periodConditions(orders.createdAt, filter.from, filter.to, timeZone));
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, '\\$&')}%`;
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

/**
 * The page statement for a caller and query (exported for the benchmark's EXPLAIN). Its plans on
 * 1 M orders are in bench/RESULTS.md: every common filter is an index scan under 1 ms.
 */
export function buildOrderListQuery(db: Db, actor: Actor, query: OrderListQuery, timeZone: string) {
  const conditions = scopeConditions(actor, query, timeZone);
  const sort = SORTS[query.sort];
  const isDesc = query.direction === 'desc';
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor, CursorSchema);
    if (cursor.sort !== query.sort || cursor.direction !== query.direction) {
      throw new AppError('validation_error', 'Le curseur ne correspond pas au tri demandé', {
        fields: [{ field: 'cursor', message: 'tri différent' }],
      });
    }
    const after = sql`(${cursor.key}::${sort.cast}, ${cursor.id}::uuid)`;
    conditions.push(
      isDesc
        ? sql`(${sort.expression}, ${orders.id}) < ${after}`
        : sql`(${sort.expression}, ${orders.id}) > ${after}`,
    );
  }
  // The indexes are `created_at DESC NULLS LAST, id DESC NULLS LAST` (Drizzle's `.desc()`).
  // PostgreSQL matches an index to ORDER BY including the NULLS placement, even on NOT NULL
  // columns: plain `DESC` (NULLS FIRST) would sort the whole site instead of reading the index.
  const direction = (column: SQL | typeof orders.id) =>
    isDesc ? sql`${column} desc nulls last` : sql`${column} asc nulls first`;
  return selectOrderPage(db, {
    where: and(...conditions),
    sortKey: sort.expression,
    orderBy: [direction(sort.expression), direction(orders.id)],
    limit: query.limit + 1,
  });
}

/**
 * A page of the list as the JSON text of `pageOf(OrderSummarySchema)`: the summaries come from
 * PostgreSQL as JSON (orders.repo.ts) and are joined as they are.
 */
export async function listOrdersJson(
  db: Db,
  actor: Actor,
  query: OrderListQuery,
  timeZone: string,
): Promise<string> {
  // Run as a prepared statement named after its text: each shape of list (filters, sort, cursor)
  // is planned once per connection, which costs more than reading the page itself.
  const statement = buildOrderListQuery(db, actor, query, timeZone).toSQL();
  const name = `order_list_${createHash('sha1').update(statement.sql).digest('base64url')}`;
  const rows = await withCursorKey(
    query.cursor,
    queryPrepared<{ id: string; summaryJson: string; sortKey: string }>(
      db,
      name,
      statement.sql,
      statement.params,
    ),
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? encodeCursor({ sort: query.sort, direction: query.direction, key: last.sortKey, id: last.id })
      : null;
  return `{"items":[${page.map((row) => row.summaryJson).join(',')}],"next_cursor":${JSON.stringify(nextCursor)}}`;
}

export function buildOrderCountQuery(db: Db, actor: Actor, filter: OrderListFilter, timeZone: string) {
  return countOrdersQuery(db, and(...scopeConditions(actor, filter, timeZone)));
}

export async function countOrders(
  db: Db,
  actor: Actor,
  filter: OrderListFilter,
  timeZone: string,
): Promise<{ count: number }> {
  const [row] = await buildOrderCountQuery(db, actor, filter, timeZone);
  return { count: Number(row?.count ?? 0) };
}
