import type { Notification, NotificationKind, NotificationParams } from '@gapal/shared';
import { and, desc, eq, gt, inArray, lte, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Db, keyIn, queryPrepared, selectRows } from '../../db/client.ts';
import { lots, notificationReads, notifications, products } from '../../db/schema.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { toIso } from '../../lib/dates.ts';
import type { Audience, ChannelMember } from '../../realtime/channels.ts';
import { notificationText } from './notification-text.ts';

export type NotificationRow = typeof notifications.$inferSelect;

export type NewNotification = {
  kind: NotificationKind;
  audience: Audience;
  data?: Record<string, unknown>;
  /** What its text is made of, by kind: the French `title`/`body` are written from them when read (notification-text.ts). */
  params?: NotificationParams;
  /** Notifications that must exist once (per lot and threshold…): a second insert is skipped. */
  dedupeKey?: string;
};

/** The API's notification: the stored code and parameters, and the French text written from them. */
export function toNotificationDto(row: NotificationRow, readAt: Date | null = null): Notification {
  const kind = row.kind as NotificationKind;
  const params = row.params as NotificationParams;
  const data = row.data as Record<string, unknown>;
  return {
    id: String(row.id),
    kind,
    code: kind,
    params,
    ...notificationText(kind, params, data),
    site_id: row.siteId,
    data,
    created_at: toIso(row.createdAt),
    read_at: toIso(readAt),
  };
}

/**
 * Inserts in the caller's transaction; returns the rows actually written (those whose dedupe
 * key already existed are skipped, also when another process inserts them at the same moment).
 */
export async function insertNotifications(tx: Db, items: NewNotification[]): Promise<NotificationRow[]> {
  if (items.length === 0) return [];
  const rows = await queryPrepared<InsertedNotification>(
    tx,
    'notifications_insert',
    notificationsInsertSql('$1'),
    [notificationValues(items)],
  );
  return rows.map(toStoredNotification);
}

/**
 * The insert of `insertNotifications`, for a statement that stores notifications along with its
 * own change (a data-modifying `WITH`, orders/order-status-change.ts): `param` holds
 * `notificationValues(items)`, and each row it returns goes through `toStoredNotification`.
 * One JSON parameter for the whole batch: a push stores twenty at once, and building a
 * twenty-row insert with the query builder costs more than the insert.
 */
export function notificationsInsertSql(param: string): string {
  return `INSERT INTO notifications (kind, site_id, target_user_id, target_roles, data, params, dedupe_key)
     SELECT kind, site_id, target_user_id, target_roles, data, params, dedupe_key
     FROM jsonb_to_recordset(${param}::jsonb) AS x(kind text, site_id uuid, target_user_id uuid,
       target_roles role[], data jsonb, params jsonb, dedupe_key text)
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id, kind, site_id, target_user_id, target_roles::text[] AS target_roles,
       data, params, dedupe_key, created_at`;
}

export function notificationValues(items: readonly NewNotification[]): string {
  return JSON.stringify(
    items.map((item) => ({
      kind: item.kind,
      site_id: item.audience.siteId,
      target_user_id: item.audience.userId,
      target_roles: [...new Set(item.audience.roles)],
      data: item.data ?? {},
      params: item.params ?? {},
      dedupe_key: item.dedupeKey ?? null,
    })),
  );
}

/** A row `notificationsInsertSql` returned, as a column set or as JSON (its times are then text). */
export function toStoredNotification(row: InsertedNotification): NotificationRow {
  return {
    id: Number(row.id),
    kind: row.kind,
    siteId: row.site_id,
    targetUserId: row.target_user_id,
    targetRoles: row.target_roles,
    data: row.data,
    params: row.params,
    dedupeKey: row.dedupe_key,
    createdAt: new Date(row.created_at),
  };
}

export type InsertedNotification = {
  id: number | string;
  kind: string;
  site_id: string | null;
  target_user_id: string | null;
  target_roles: NotificationRow['targetRoles'];
  data: unknown;
  params: unknown;
  dedupe_key: string | null;
  created_at: Date | string;
};

/** The stored twin of `memberChannels`/`audienceChannels` (realtime/channels.ts): who may see a row. */
export function visibleTo(viewer: ChannelMember): SQL {
  const mine = eq(notifications.targetUserId, viewer.userId);
  if (viewer.role === 'admin')
    return sql`(${mine} OR ${notifications.targetRoles} @> ARRAY['admin']::role[])`;
  if (!viewer.siteId) return mine;
  return sql`(${mine} OR (${notifications.siteId} = ${viewer.siteId}
    AND ${notifications.targetRoles} @> ARRAY[${viewer.role}::role]))`;
}

const isRead = sql<boolean>`(${notificationReads.readAt} IS NOT NULL)`;
const CursorSchema = z.object({ read: z.boolean(), id: z.number().int().positive() });

/**
 * Unread first, newest first within each group. A notification read while the client pages
 * moves to the read group; at worst it shows twice, never goes missing from both.
 */
export async function listVisible(
  db: Db,
  viewer: ChannelMember,
  query: { unread_only?: boolean; cursor?: string; limit: number },
): Promise<{ items: Notification[]; next_cursor: string | null }> {
  const conditions: SQL[] = [visibleTo(viewer)];
  if (query.unread_only) conditions.push(sql`${notificationReads.readAt} IS NULL`);
  if (query.cursor) {
    const after = decodeCursor(query.cursor, CursorSchema);
    conditions.push(
      sql`(${isRead} > ${after.read} OR (${isRead} = ${after.read} AND ${notifications.id} < ${after.id}))`,
    );
  }
  const rows = await db
    .select({ row: notifications, readAt: notificationReads.readAt })
    .from(notifications)
    .leftJoin(
      notificationReads,
      and(
        eq(notificationReads.notificationId, notifications.id),
        eq(notificationReads.userId, viewer.userId),
      ),
    )
    .where(and(...conditions))
    .orderBy(isRead, desc(notifications.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ row, readAt }) => toNotificationDto(row, readAt)),
    next_cursor:
      rows.length > query.limit && last
        ? encodeCursor({ read: last.readAt !== null, id: last.row.id })
        : null,
  };
}

export async function countUnread(db: Db, viewer: ChannelMember): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(notifications)
    .where(
      and(
        visibleTo(viewer),
        sql`NOT EXISTS (SELECT 1 FROM ${notificationReads} WHERE ${notificationReads.notificationId} = ${notifications.id}
          AND ${notificationReads.userId} = ${viewer.userId})`,
      ),
    );
  return Number(row?.count ?? 0);
}

export async function findVisible(
  db: Db,
  viewer: ChannelMember,
  id: number,
): Promise<NotificationRow | undefined> {
  const [row] = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.id, id), visibleTo(viewer)));
  return row;
}

/** Marks one notification read for this user; keeps the first read time. Returns that time. */
export async function markRead(
  tx: Db,
  userId: string,
  id: number,
): Promise<{ readAt: Date; isNew: boolean }> {
  const [inserted] = await tx
    .insert(notificationReads)
    .values({ userId, notificationId: id })
    .onConflictDoNothing()
    .returning({ readAt: notificationReads.readAt });
  if (inserted) return { readAt: inserted.readAt, isNew: true };
  const [existing] = await tx
    .select({ readAt: notificationReads.readAt })
    .from(notificationReads)
    .where(and(eq(notificationReads.userId, userId), eq(notificationReads.notificationId, id)));
  return { readAt: existing!.readAt, isNew: false };
}

/** Marks every notification the user can see as read; returns how many were unread. */
export async function markAllRead(tx: Db, viewer: ChannelMember): Promise<number> {
  const rows = await selectRows<{ id: number }>(
    tx,
    sql`INSERT INTO ${notificationReads} (user_id, notification_id)
        SELECT ${viewer.userId}::uuid, ${notifications.id} FROM ${notifications}
        WHERE ${visibleTo(viewer)}
        ON CONFLICT DO NOTHING
        RETURNING notification_id AS id`,
  );
  return rows.length;
}

/** A lot still holding stock that expires within the horizon (or has expired), for the expiry check. */
export type ExpiringLot = {
  lotId: string;
  code: string;
  siteId: string;
  productId: string;
  quantity: number;
  expiryDate: string;
  daysLeft: number;
  productName: string;
  unit: string;
};

/** Lots with stock whose expiry date is at most `horizon` days after `today`, expired ones included. */
export async function expiringLots(db: Db, today: string, horizon: number): Promise<ExpiringLot[]> {
  return db
    .select({
      lotId: lots.id,
      code: lots.code,
      siteId: lots.siteId,
      productId: lots.productId,
      quantity: lots.quantity,
      expiryDate: lots.expiryDate,
      daysLeft: sql<number>`(${lots.expiryDate} - ${today}::date)::int`,
      productName: products.name,
      unit: products.unit,
    })
    .from(lots)
    .innerJoin(products, eq(products.id, lots.productId))
    .where(and(gt(lots.quantity, 0), lte(lots.expiryDate, sql`${today}::date + ${horizon}::int`)));
}

/** The dedupe keys among `keys` that a stored notification already has. */
export async function knownDedupeKeys(db: Db, keys: string[]): Promise<Set<string>> {
  const rows = await db
    .select({ key: notifications.dedupeKey })
    .from(notifications)
    .where(inArray(notifications.dedupeKey, keys));
  return new Set(rows.map((row) => row.key!));
}

/** The alert fields of the products a stock change names (notify.ts, when the ledger did not return them). */
export async function alertProducts(
  db: Db,
  ids: string[],
): Promise<{ id: string; name: string; unit: string; minStockLevel: number }[]> {
  return queryPrepared(
    db,
    'notify_stock_products',
    `SELECT id, name, unit, min_stock_level AS "minStockLevel" FROM products WHERE ${keyIn('id', '$1')}`,
    [ids],
  );
}
