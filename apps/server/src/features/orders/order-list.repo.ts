import { createHash } from 'node:crypto';
import {
  ORDER_COUNT_CAP,
  ORDER_SORTS,
  type OrderCount,
  type OrderListFilter,
  type OrderListQuery,
  type OrderVendor,
} from '@gapal/shared';
import { and, eq, fillPlaceholders, gte, ilike, lte, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Db, queryPrepared } from '../../db/client.ts';
import { orderSearchKey, orders, users } from '../../db/schema.ts';
import { containsPattern, periodConditions } from '../../db/sql-helpers.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError } from '../../domain/errors.ts';
import { decodeCursor, encodeCursor, withCursorKey } from '../../lib/cursor.ts';
import { assertPeriod } from '../../lib/period.ts';
import { scopeSite } from '../../lib/site-scope.ts';
import { searchIndexWord } from './order-search.repo.ts';
import { countOrdersQuery, selectOrderPage } from './orders.repo.ts';

/**
 * Each sort is an expression plus the type its cursor value is cast back to. The cursor
 * carries the value as PostgreSQL text, so timestamps keep their microseconds and keyset
 * pages never skip or repeat a row. Within a key the newest order comes first (oldest first
 * ascending), then `id` breaks ties: the order each sort's index (site, key, created_at, id) gives.
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
  /** The row's creation instant, for the sorts other than `created_at` (their first tie-break). */
  at: z.string().max(64).optional(),
  id: z.uuid(),
});

/** Whether the sort breaks its ties by creation before the id (every sort but the creation's own). */
const tiesByCreation = (sort: OrderListQuery['sort']) => sort !== 'created_at';

/**
 * A list statement's values by placeholder name. Which names are present is the statement's
 * shape: its text is built once per shape (and sort) and then only run with new values, since
 * building it with the query builder cost the server more than PostgreSQL spends on the page.
 */
type ListValues = Record<string, unknown>;

/** Vendors see their own orders, other roles their site's, the admin every site (or the one asked). */
function filterValues(
  actor: Actor,
  filter: OrderListFilter,
  timeZone: string,
  searchWord: string | undefined,
): ListValues {
  const values: ListValues = {};
  const siteId = scopeSite(actor, filter.site_id);
  if (siteId) values.siteId = siteId;
  const creatorIds = creatorsOf(actor, filter.created_by);
  if (creatorIds) values.creatorIds = creatorIds;
  if (filter.delivery_status) values.deliveryStatus = filter.delivery_status;
  if (filter.payment_status) values.paymentStatus = filter.payment_status;
  if (filter.priority) values.priority = filter.priority;
  assertPeriod(filter.delivery_from, filter.delivery_to, 'delivery_from');
  if (filter.delivery_from) values.deliveryFrom = filter.delivery_from;
  if (filter.delivery_to) values.deliveryTo = filter.delivery_to;
  assertPeriod(filter.from, filter.to);
  if (filter.from) values.from = filter.from;
  if (filter.to) values.to = filter.to;
  if (filter.from || filter.to) values.timeZone = timeZone;
  if (filter.search) values.search = containsPattern(filter.search);
  if (filter.search && searchWord) values.searchWord = containsPattern(searchWord);
  return values;
}

/**
 * Whose orders the list is limited to: a vendor's own (asking for another vendor's gives none),
 * or the vendor asked for. At most one id, so ordering by it first changes nothing (see
 * `orderListStatement`).
 */
function creatorsOf(actor: Actor, createdBy: string | undefined): string[] | undefined {
  if (actor.role === 'vendeur') return createdBy && createdBy !== actor.userId ? [] : [actor.userId];
  return createdBy ? [createdBy] : undefined;
}

/** The conditions for the values present, each value a placeholder of the same name. */
function filterConditions(values: ListValues): SQL[] {
  const has = (name: string) => name in values;
  const value = (name: string) => sql.placeholder(name);
  // The filters' values as the planner sees a generic plan's parameters, in its first (custom)
  // plans too: the page's limit is planned for the first rows (`orderListStatement`), so a custom
  // plan costs in proportion to the rows its values are expected to match, and one for a rare
  // value costs less than the generic plan. PostgreSQL then never kept the generic plan and
  // planned each page anew (`payment_status=partielle`: 20 custom plans in 20 runs, about 0.4 ms
  // each); the plan read was the same.
  const opaque = (name: string, type: string) => sql`(SELECT ${value(name)}::${sql.raw(type)})`;
  const conditions: SQL[] = [];
  if (has('siteId')) {
    // A vendor's orders and a search are read from an index that does not lead with the site
    // (`orders_creator_created_idx`, the trigram index): there the site is checked on each row
    // found, as a function call, which is no index condition and which PostgreSQL estimates at a
    // third of the rows whatever its statistics (the same answer: `uuid_eq` is `=` on uuids).
    // Written `site_id = $n`, on orders not analyzed yet, PostgreSQL took a site for 0.5 % of the
    // orders, ANDed a bitmap of the whole site (`orders_site_number_key`, every order) with the
    // vendor's or the search's and sorted all it found (15 ms for a vendor on 112 000 orders,
    // 0.5 ms now); and with the site's 0.5 % the vendor's page looked too small to walk in order.
    const siteChecked = has('creatorIds') || has('search');
    conditions.push(
      siteChecked
        ? sql`uuid_eq(${orders.siteId}, ${opaque('siteId', 'uuid')})`
        : eq(orders.siteId, opaque('siteId', 'uuid')),
    );
  }
  // `= ANY`, not `=`: see orderListStatement. (The cast makes `ANY` read an array, not a subquery.)
  if (has('creatorIds'))
    conditions.push(sql`${orders.createdBy} = ANY(${opaque('creatorIds', 'uuid[]')}::uuid[])`);
  if (has('deliveryStatus'))
    conditions.push(eq(orders.deliveryStatus, opaque('deliveryStatus', 'delivery_status')));
  if (has('paymentStatus'))
    conditions.push(eq(orders.paymentStatus, opaque('paymentStatus', 'payment_status')));
  if (has('priority')) conditions.push(eq(orders.priority, opaque('priority', 'priority')));
  // On the sort's expression, so the range reads the delivery date's index; an order without a
  // date (infinity there) is in no range.
  const deliveryDay = SORTS.delivery_date.expression;
  if (has('deliveryFrom')) {
    conditions.push(gte(deliveryDay, value('deliveryFrom')), sql`${orders.deliveryDate} IS NOT NULL`);
  }
  if (has('deliveryTo')) conditions.push(lte(deliveryDay, value('deliveryTo')));
  conditions.push(
    ...periodConditions(
      orders.createdAt,
      has('from') ? value('from') : undefined,
      has('to') ? value('to') : undefined,
      value('timeZone'),
    ),
  );
  if (has('search')) {
    // The three fields in one text read the trigram index (`orderSearchKey`), for the whole
    // search or its rarest word (order-search.repo.ts); each field again, so that text spanning two
    // of them is no match.
    conditions.push(
      ilike(orderSearchKey(orders), value(has('searchWord') ? 'searchWord' : 'search')),
      or(
        ilike(orders.clientName, value('search')),
        ilike(orders.clientPhone, value('search')),
        ilike(orders.number, value('search')),
      )!,
    );
  }
  return conditions;
}

type Statement = { name: string; sql: string; params: unknown[] };
const statements = new Map<string, Statement>();

/** The statement for this shape, built on first use; its values are filled in per call. */
function statementFor(
  key: string,
  values: ListValues,
  build: () => { sql: string; params: unknown[] },
): Statement {
  let statement = statements.get(key);
  if (!statement) {
    const built = build();
    statement = {
      // Prepared under a name derived from its text: planned once per connection.
      name: `order_list_${createHash('sha1').update(built.sql).digest('base64url')}`,
      ...built,
    };
    // Shapes are few in practice (filters × sorts); the bound only guards against a flood.
    if (statements.size >= 1_000) statements.clear();
    statements.set(key, statement);
  }
  // A search is planned for its own text on every run (an unnamed statement, empty name): whether
  // reading the trigram index and sorting its matches or reading the list's index in order and
  // filtering is cheaper depends on how many orders the text matches (a few hundred for a name,
  // most of the site for `CMD-`), which a generic plan can't see (on 1 M orders a kept generic
  // plan sorted 981 000 matches for `CMD-2026`: 2.4 s).
  const name = 'search' in values ? '' : statement.name;
  return { ...statement, name, params: fillPlaceholders(statement.params, values) };
}

const shapeOf = (values: ListValues) => Object.keys(values).sort().join(',');

/**
 * The page statement for a caller and query, with its values (also run by the benchmark's
 * EXPLAIN). Its plans on 1 M orders are in bench/RESULTS.md: every common filter is an index
 * scan under 1 ms.
 */
export function orderListStatement(
  db: Db,
  actor: Actor,
  query: OrderListQuery,
  timeZone: string,
  searchWord?: string,
): Statement {
  const values = filterValues(actor, query, timeZone, searchWord);
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor, CursorSchema);
    if (
      cursor.sort !== query.sort ||
      cursor.direction !== query.direction ||
      (cursor.at === undefined) === tiesByCreation(query.sort)
    ) {
      throw new AppError('validation_error', 'Le curseur ne correspond pas au tri demandé', {
        fields: [{ field: 'cursor', message: 'tri différent', code: 'cursor_other_sort' }],
      });
    }
    values.cursorKey = cursor.key;
    if (cursor.at !== undefined) values.cursorAt = cursor.at;
    values.cursorId = cursor.id;
  }
  // The limit is written into the statement (it is one of a few page sizes): with `LIMIT $n`
  // PostgreSQL's generic plan assumes a tenth of the table comes back, so it planned every
  // execution anew (0.5 ms, as much as running the page); written in the statement, the generic
  // plan is as cheap as a custom one and is kept after the fifth run.
  //
  // Written `LIMIT (SELECT n)` (but for a search): PostgreSQL does not read the value while
  // planning and costs the page as the first tenth of the rows it expects (at least one), so
  // walking the index that gives the page's order (its filter's columns, then the sort's:
  // `orders_site_priority_created_idx` for `priority=haute`) and stopping costs less than reading
  // every match and sorting them, even when the estimate is wrong. With a literal limit the plan
  // followed the estimate: on orders bulk-loaded and not analyzed yet, PostgreSQL took
  // `site_id = $1` and `priority = $2` for 0.5 % each (3 orders where 33 000 match), read them
  // all through a bitmap and sorted them: 98 ms a page on 112 000 orders, 0.6 ms now. The
  // margin grows with the estimate: a third there (3 rows expected), a tenth from about 400 000
  // orders; under about 40 000 (one row expected) the two plans cost the same, on a table small
  // enough for either. A search is the exception: whether sorting what the trigram index finds
  // or walking the list's index is cheaper depends on its text, planned each time (`statementFor`).
  const limit = query.limit + 1;
  return statementFor(`page:${query.sort}:${query.direction}:${limit}:${shapeOf(values)}`, values, () => {
    const conditions = filterConditions(values);
    const sort = SORTS[query.sort];
    const isDesc = query.direction === 'desc';
    const byCreation = tiesByCreation(query.sort);
    const keys: SQL[] = [
      sort.expression,
      ...(byCreation ? [sql`${orders.createdAt}`] : []),
      sql`${orders.id}`,
    ];
    if ('cursorKey' in values) {
      const after = sql.join(
        [
          sql`${sql.placeholder('cursorKey')}::${sort.cast}`,
          ...(byCreation ? [sql`${sql.placeholder('cursorAt')}::timestamptz`] : []),
          sql`${sql.placeholder('cursorId')}::uuid`,
        ],
        sql`, `,
      );
      const row = sql.join(keys, sql`, `);
      conditions.push(isDesc ? sql`(${row}) < (${after})` : sql`(${row}) > (${after})`);
    }
    // The indexes are `created_at DESC NULLS LAST, id DESC NULLS LAST` (Drizzle's `.desc()`).
    // PostgreSQL matches an index to ORDER BY including the NULLS placement, even on NOT NULL
    // columns: plain `DESC` (NULLS FIRST) would sort the whole site instead of reading the index.
    const direction = (column: SQL) =>
      isDesc ? sql`${column} desc nulls last` : sql`${column} asc nulls first`;
    // One vendor's orders: read from `orders_creator_created_idx` (created_by, created_at DESC,
    // id DESC), whatever the vendor. With `created_by = $n` the prepared statement's generic plan
    // walked the whole site's `orders_created_idx` filtering on the vendor, which only pays when
    // the vendor has many recent orders: for one with three, a page read all 1 M orders (250 ms).
    // `= ANY` keeps the vendor out of the planner's constants, so ordering by it first (the same
    // order, since there is one vendor) is an order only that index gives without a sort.
    const byCreator =
      'creatorIds' in values
        ? [isDesc ? sql`${orders.createdBy} asc nulls last` : sql`${orders.createdBy} desc nulls first`]
        : [];
    return selectOrderPage(db, {
      where: and(...conditions),
      sortKey: sort.expression,
      withCreatedAtKey: byCreation,
      orderBy: [...byCreator, ...keys.map(direction)],
      limit,
      firstRows: !('search' in values),
    }).toSQL();
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
  const statement = orderListStatement(db, actor, query, timeZone, await searchIndexWord(db, query.search));
  const rows = await withCursorKey(
    query.cursor,
    queryPrepared<{ id: string; summaryJson: string; sortKey: string; createdAtKey?: string }>(
      db,
      statement.name,
      statement.sql,
      statement.params,
    ),
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? encodeCursor({
          sort: query.sort,
          direction: query.direction,
          key: last.sortKey,
          at: last.createdAtKey,
          id: last.id,
        })
      : null;
  return `{"items":[${page.map((row) => row.summaryJson).join(',')}],"next_cursor":${JSON.stringify(nextCursor)}}`;
}

/** The count statement for a caller and filter, with its values (as `orderListStatement`). */
export function orderCountStatement(
  db: Db,
  actor: Actor,
  filter: OrderListFilter,
  timeZone: string,
  searchWord?: string,
): Statement {
  const values = filterValues(actor, filter, timeZone, searchWord);
  return statementFor(`count:${shapeOf(values)}`, values, () =>
    countOrdersQuery(db, and(...filterConditions(values)), ORDER_COUNT_CAP + 1).toSQL(),
  );
}

/**
 * The list's count, exact up to `ORDER_COUNT_CAP` orders; beyond, that number with `capped` (the
 * dashboard says "plus de 10 000"): counting a site's 100 000 new orders cost PostgreSQL 27 ms.
 */
export async function countOrders(
  db: Db,
  actor: Actor,
  filter: OrderListFilter,
  timeZone: string,
): Promise<OrderCount> {
  const statement = orderCountStatement(
    db,
    actor,
    filter,
    timeZone,
    await searchIndexWord(db, filter.search),
  );
  const [row] = await queryPrepared<{ count: number }>(db, statement.name, statement.sql, statement.params);
  const counted = Number(row?.count ?? 0);
  return { count: Math.min(counted, ORDER_COUNT_CAP), capped: counted > ORDER_COUNT_CAP };
}

/**
 * The vendors the list can be filtered by (`created_by`): those of the caller's site, or for the
 * admin of every site (or the one asked). Deactivated vendors stay, since their orders do.
 */
export async function listOrderVendors(
  db: Db,
  actor: Actor,
  requestedSiteId?: string,
): Promise<OrderVendor[]> {
  const siteId = scopeSite(actor, requestedSiteId);
  return db
    .select({ id: users.id, full_name: users.fullName, site_id: users.siteId, is_active: users.isActive })
    .from(users)
    .where(and(eq(users.role, 'vendeur'), siteId ? eq(users.siteId, siteId) : undefined))
    .orderBy(users.fullName, users.id);
}
