import type { AuditEntry, AuditQuery } from '@gapal/shared';
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { auditLog, users } from '../../db/schema.ts';
import { periodConditions } from '../../db/sql-helpers.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { toIso } from '../../lib/dates.ts';

const CursorSchema = z.object({ id: z.number().int().positive() });

/** Newest first, keyset-paginated on the append-only id. */
export async function listAudit(
  db: Db,
  query: AuditQuery,
  timeZone: string,
): Promise<{ items: AuditEntry[]; next_cursor: string | null }> {
  const conditions: SQL[] = [...periodConditions(auditLog.at, query.from, query.to, timeZone)];
  if (query.user_id) conditions.push(eq(auditLog.userId, query.user_id));
  if (query.entity) conditions.push(eq(auditLog.entity, query.entity));
  if (query.entity_id) conditions.push(eq(auditLog.entityId, query.entity_id));
  if (query.action) conditions.push(eq(auditLog.action, query.action));
  if (query.cursor) conditions.push(lt(auditLog.id, decodeCursor(query.cursor, CursorSchema).id));

  const rows = await db
    .select({ entry: auditLog, username: users.username })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.userId))
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ entry, username }) => ({
      id: String(entry.id),
      at: toIso(entry.at),
      user_id: entry.userId,
      username,
      device_id: entry.deviceId,
      site_id: entry.siteId,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId,
      before: entry.before,
      after: entry.after,
      request_id: entry.requestId,
    })),
    next_cursor: rows.length > query.limit && last ? encodeCursor({ id: last.entry.id }) : null,
  };
}
