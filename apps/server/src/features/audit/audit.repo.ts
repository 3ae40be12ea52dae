import type { AuditEntry, AuditQuery } from '@gapal/shared';
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { type Db, queryPrepared } from '../../db/client.ts';
import { auditLog, users } from '../../db/schema.ts';
import { periodConditions } from '../../db/sql-helpers.ts';
import type { WriteActor } from '../../domain/write-context.ts';
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

export type AuditRecord = {
  action: string;
  entity: string;
  entityId?: string | null;
  siteId?: string | null;
  before?: unknown;
  after?: unknown;
};

/** Who may act without a signed-in user (login, bootstrap): only the request is known. */
export type AuditSource = WriteActor;

export type AuditRow = { source: AuditSource; record: AuditRecord };

/** Appends rows to the audit trail in one statement; call it inside the transaction of the change. */
export async function insertAudits(tx: Db, entries: readonly AuditRow[]): Promise<void> {
  if (entries.length === 0) return;
  // Prepared: every change of every feature writes its rows here.
  await queryPrepared(tx, 'audit_record', auditInsertSql('$1'), [auditValues(entries)]);
}

/**
 * The insert of `recordAudits`, for a statement that writes the audit rows along with its own
 * change (a data-modifying `WITH`, orders/order-status-change.ts): `param` holds `auditValues(entries)`.
 * One JSON parameter for all rows, as notifications.repo.ts does; dates become ISO text.
 */
export function auditInsertSql(param: string): string {
  return `INSERT INTO audit_log (user_id, device_id, site_id, action, entity, entity_id, before, after, request_id, ip)
     SELECT user_id, device_id, site_id, action, entity, entity_id, before, after, request_id, ip
     FROM jsonb_to_recordset(${param}::jsonb) AS x(user_id uuid, device_id uuid, site_id uuid, action text,
       entity text, entity_id text, before jsonb, after jsonb, request_id text, ip text)`;
}

export function auditValues(entries: readonly AuditRow[]): string {
  return JSON.stringify(
    entries.map(({ source, record }) => ({
      user_id: source.userId ?? null,
      device_id: source.deviceId ?? null,
      site_id: record.siteId ?? null,
      action: record.action,
      entity: record.entity,
      entity_id: record.entityId ?? null,
      before: record.before ?? null,
      after: record.after ?? null,
      request_id: source.requestId,
      ip: source.ip,
    })),
  );
}
