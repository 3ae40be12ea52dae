import type { SyncCategory, SyncOrder, SyncProduct, SyncStream } from '@gapal/shared';
import { and, eq, inArray, notInArray, or, type SQL, sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../db/client.ts';
import { categories, orderDeliveryIssues, orders } from '../../db/schema.ts';
import { isoText } from '../../db/sql-helpers.ts';
import { toIso } from '../../lib/dates.ts';
import { toOrderSummary } from '../orders/order-dto.ts';

/**
 * The log position below which every transaction of THIS database has ended: the oldest
 * transaction still running in the current snapshot, ignoring those positively known to belong
 * to another database of the cluster (transaction ids are cluster-wide, and another database's
 * long writer must not stall every phone). An id whose owner can't be told is kept: safe side.
 */
export const SYNC_HORIZON = sql`(SELECT least(pg_snapshot_xmax(snap.s)::text::bigint,
    (SELECT min(x::text::bigint) FROM pg_snapshot_xip(snap.s) AS x
      WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
        WHERE a.backend_xid IS NOT NULL AND a.datname IS DISTINCT FROM current_database()
          AND a.backend_xid::text::bigint = (x::text::bigint & 4294967295))))
  FROM (SELECT pg_current_snapshot() AS s) snap)`;

/** Whose data a device pulls: its site's catalog and stock, and its orders (a vendor: only their own). */
export type PullScope = { siteId: string; ownerId: string | null };

/** A position in the change log; rows at or after it are still to be read. */
export type LogPosition = { txid: number; id: number };

/** The log's streams: the phone's (`SyncStream`) and the clients', sent apart (`clients`, `deleted_clients`). */
export type LogStream = SyncStream | 'client';

export type ChangeRef = { txid: number; id: number; stream: LogStream; entityIds: string[] };

/**
 * The changes visible to the scope from `from`, in log order, never past the oldest transaction
 * still running: its rows (and those of anything that commits after it) come at or after `xmin`,
 * so a cursor handed out from this page can't be overtaken by a late commit. `limit` counts log
 * rows; a row names one entity or, written by one statement, several (`entity_ids`).
 */
export async function selectChanges(
  db: Db,
  scope: PullScope,
  from: LogPosition,
  limit: number,
): Promise<{ xmin: number; changes: ChangeRef[] }> {
  const rows = await selectRows<{
    xmin: string | number;
    txid: string | number | null;
    id: string | number | null;
    stream: LogStream | null;
    entity_id: string | null;
  }>(
    db,
    sql`WITH snap AS (SELECT ${SYNC_HORIZON} AS xmin)
        SELECT snap.xmin, c.txid, c.id, c.stream, e.entity_id
        FROM snap LEFT JOIN LATERAL (
          SELECT c.txid, c.id, c.stream, c.entity_id, c.entity_ids FROM sync_changes c
          WHERE (c.txid, c.id) >= (${from.txid}::bigint, ${from.id}::bigint) AND c.txid < snap.xmin
            AND (c.stream = 'category'
              OR (c.stream = 'product' AND (c.site_id IS NULL OR c.site_id = ${scope.siteId}::uuid))
              OR (c.stream = 'order' AND c.site_id = ${scope.siteId}::uuid
                  AND (${scope.ownerId}::uuid IS NULL OR c.user_id = ${scope.ownerId}::uuid))
              OR (c.stream = 'client' AND c.site_id = ${scope.siteId}::uuid))
          ORDER BY c.txid, c.id
          LIMIT ${limit}
        ) c ON true
        LEFT JOIN LATERAL unnest(array_prepend(c.entity_id, coalesce(c.entity_ids, '{}'::uuid[])))
          WITH ORDINALITY AS e(entity_id, n) ON true
        ORDER BY c.txid, c.id, e.n`,
  );
  const changes: ChangeRef[] = [];
  for (const row of rows) {
    if (row.id === null || row.entity_id === null) continue;
    const last = changes.at(-1);
    const txid = Number(row.txid);
    const id = Number(row.id);
    if (last && last.txid === txid && last.id === id) last.entityIds.push(row.entity_id);
    else changes.push({ txid, id, stream: row.stream!, entityIds: [row.entity_id] });
  }
  return { xmin: Number(rows[0]!.xmin), changes };
}

/** The oldest running transaction now: the log position a snapshot read now is complete up to. */
export async function currentXmin(db: Db): Promise<number> {
  const [row] = await selectRows<{ xmin: string | number }>(db, sql`SELECT ${SYNC_HORIZON} AS xmin`);
  return Number(row!.xmin);
}

export async function selectCategories(db: Db, ids?: string[]): Promise<SyncCategory[]> {
  const rows = await db
    .select()
    .from(categories)
    .where(ids ? inArray(categories.id, ids) : undefined)
    .orderBy(categories.name);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    updated_at: toIso(row.updatedAt),
  }));
}

/** Products with their stock at the site; with `ids`, soft-deleted ones too (they become tombstones). */
export async function selectProducts(
  db: Db,
  siteId: string,
  ids?: string[],
): Promise<Array<SyncProduct & { deleted: boolean }>> {
  const where = ids ? sql`p.id = ANY(${`{${ids.join(',')}}`}::uuid[])` : sql`p.deleted_at IS NULL`;
  const rows = await selectRows<
    Omit<SyncProduct, 'stock_quantity'> & { stock_quantity: number | string; deleted: boolean }
  >(
    db,
    sql`SELECT p.id, p.name, p.category_id, p.unit, p.unit_price, p.barcode, p.min_stock_level, p.is_active,
          p.deleted_at IS NOT NULL AS deleted,
          coalesce(s.quantity, 0) AS stock_quantity,
          (SELECT min(l.expiry_date)::text FROM lots l
            WHERE l.product_id = p.id AND l.site_id = ${siteId}::uuid AND l.quantity > 0) AS nearest_expiry,
          ${isoText(sql`p.updated_at`)} AS updated_at
        FROM products p
        LEFT JOIN stock_levels s ON s.product_id = p.id AND s.site_id = ${siteId}::uuid
        WHERE ${where}
        ORDER BY p.name, p.id`,
  );
  return rows.map((row) => ({ ...row, stock_quantity: Number(row.stock_quantity) }));
}

/**
 * The scope's orders: by id for a page of changes, or for a first sync every open order and
 * those that changed in the last `recentDays` days (older closed ones are history, not work).
 */
export async function selectOrders(
  db: Db,
  scope: PullScope,
  filter: { ids: string[] } | { recentDays: number },
): Promise<SyncOrder[]> {
  const conditions: (SQL | undefined)[] = [
    eq(orders.siteId, scope.siteId),
    scope.ownerId ? eq(orders.createdBy, scope.ownerId) : undefined,
  ];
  if ('ids' in filter) conditions.push(inArray(orders.id, filter.ids));
  else {
    conditions.push(
      or(
        notInArray(orders.deliveryStatus, ['livree', 'annulee']),
        sql`${orders.updatedAt} > now() - make_interval(days => ${filter.recentDays})`,
      ),
    );
  }
  const rows = await db
    .select({
      order: orders,
      items: sql<SyncOrder['items'] | string>`coalesce((
        SELECT json_agg(json_build_object('product_id', i.product_id, 'quantity', i.quantity,
          'unit_price', i.unit_price, 'subtotal', i.subtotal, 'returned_quantity', i.returned_quantity)
          ORDER BY i.id)
        FROM order_items i WHERE i.order_id = "orders"."id"), '[]'::json)`,
      issue: {
        code: orderDeliveryIssues.code,
        message: orderDeliveryIssues.message,
        at: sql<string | null>`${isoText(sql`${orderDeliveryIssues.createdAt}`)}`,
      },
    })
    .from(orders)
    .leftJoin(orderDeliveryIssues, eq(orderDeliveryIssues.orderId, orders.id))
    .where(and(...conditions))
    .orderBy(orders.createdAt, orders.id);
  return rows.map((row) => {
    const { created_by_name: _name, ...summary } = toOrderSummary(row.order, null);
    // Drizzle gives a left-joined object as null when none of its columns matched.
    const issue = row.issue as { code: string | null; message: string | null; at: string | null } | null;
    return {
      ...summary,
      items: typeof row.items === 'string' ? JSON.parse(row.items) : row.items,
      delivery_issue:
        issue?.code && issue.message && issue.at
          ? { code: issue.code, message: issue.message, at: issue.at }
          : null,
    };
  });
}

/** Drops log rows older than the retention; cursors older than it get a reset instead. */
export async function pruneChanges(db: Db, olderThanDays: number): Promise<number> {
  const rows = await selectRows<{ n: number }>(
    db,
    sql`WITH gone AS (DELETE FROM sync_changes WHERE created_at < now() - make_interval(days => ${olderThanDays})
        RETURNING 1) SELECT count(*)::int AS n FROM gone`,
  );
  return Number(rows[0]?.n ?? 0);
}
